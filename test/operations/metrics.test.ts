import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, link, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

let a: TestNode;
let b: TestNode;
beforeAll(async () => {
  [a, b] = (await startNetworkNodes(['ma', 'mb'], (id) => (id === 'ma' ? { yaml: 'metrics: { auth: true }\n' } : {}))) as [TestNode, TestNode];
  await link(a, b);
  await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'MET-1' }) });
  await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: { cdm_id: 'BROKEN' } });
  await waitFor('MET-1 at mb', () => b.node.store.getCdm('MET-1'));
  await waitFor('a heartbeat measured', () => b.node.peers.views()[0]?.heartbeat_latency_ms !== null);
});
afterAll(async () => stopAll([a, b]));

async function metricsText(node: TestNode, token?: string): Promise<string> {
  const res = await http(node.url, 'GET', '/metrics', token ? { token } : {});
  expect(res.status).toBe(200);
  expect(String(res.headers['content-type'])).toMatch(/^text\/plain/);
  return res.text;
}

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  it('exports the runbook\'s metrics with their meanings', async () => {
    const text = await metricsText(b);
    expect(value(text, 'spacecomms_peers_connected')).toBe(1);
    expect(value(text, 'spacecomms_heartbeat_latency_ms{peer="ma"}')).toBeGreaterThan(0);
    expect(value(text, 'spacecomms_cdms_active')).toBe(1);
    expect(value(text, 'spacecomms_objects_tracked')).toBe(0);
    expect(value(text, 'spacecomms_message_queue_depth')).toBe(0);
    expect(value(text, 'spacecomms_messages_received_total{type="CDM_ANNOUNCE",peer="ma"}')).toBe(1);
    expect(value(text, 'spacecomms_messages_sent_total{type="HEARTBEAT",peer="ma"}')).toBeGreaterThan(0);
    expect(value(text, 'spacecomms_cdm_processing_time_ms_count')).toBe(1);
    expect(text).toContain('spacecomms_cdm_processing_time_ms_bucket{le="1000"}');
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts errors by code, one spelling each; clients\' 4xx are not in the error rate', async () => {
    const text = await metricsText(a, READ_TOKEN);
    expect(value(text, 'spacecomms_errors_total{code="validation_failed"}')).toBe(1);
    expect(value(text, 'spacecomms_error_rate')).toBe(0);
    const codes = [...text.matchAll(/^spacecomms_errors_total\{code="([^"]+)"\}/gm)].map((m) => m[1] as string);
    for (const code of codes) expect(code).toMatch(/^[a-z_]+$/);
  });

  it('puts protocol errors of the node\'s own peer endpoint in the error rate', async () => {
    const res = await http(a.url, 'POST', '/spacecomms/v1/messages', { token: PEERING_SECRET, headers: { 'x-spacecomms-node-id': 'mb' }, body: { message_type: 'CDM_ANNOUNCE' } });
    expect(res.status).toBe(400);
    const text = await metricsText(a, READ_TOKEN);
    expect(value(text, 'spacecomms_errors_total{code="invalid_message"}')).toBe(1);
    expect(value(text, 'spacecomms_errors_total{code="INVALID_MESSAGE"}')).toBeUndefined();
    const rate = value(text, 'spacecomms_error_rate') as number;
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(1);
  });

  it('keeps label values to peers, types, codes and origins, never message ids', async () => {
    const text = await metricsText(b);
    const labelNames = new Set([...text.matchAll(/^spacecomms_\w+\{([^}]*)\}/gm)].flatMap((m) => [...(m[1] as string).matchAll(/(\w+)="/g)].map((l) => l[1])));
    expect([...labelNames].sort()).toEqual(['code', 'le', 'origin', 'outcome', 'peer', 'type'].filter((n) => labelNames.has(n)));
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/);
  });

  it('needs a read token when metrics.auth is true', async () => {
    expect((await http(a.url, 'GET', '/metrics')).status).toBe(401);
    await metricsText(a, READ_TOKEN);
  });
});

describe('examples/prometheus-alerts.yml', () => {
  interface Rule {
    alert: string;
    expr: string;
  }
  const file = parse(readFileSync(new URL('../../examples/prometheus-alerts.yml', import.meta.url), 'utf8')) as { groups: { rules: Rule[] }[] };
  const rules = file.groups.flatMap((g) => g.rules);

  it('has the runbook\'s thresholds', () => {
    const exprs = rules.map((r) => r.expr.replace(/\s+/g, ' '));
    expect(exprs).toEqual(
      expect.arrayContaining([
        'spacecomms_peers_connected == 0',
        'spacecomms_heartbeat_latency_ms > 5000',
        'spacecomms_message_queue_depth > 1000',
        'spacecomms_error_rate > 0.05',
      ]),
    );
    expect(exprs.some((e) => e.includes('spacecomms_cdm_processing_time_ms_bucket') && e.endsWith('> 1000'))).toBe(true);
  });

  it('uses only metrics the node exports', async () => {
    const text = await metricsText(b);
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)/gm)].flatMap((m) => (m[2] === 'histogram' ? [`${m[1]}_bucket`, `${m[1]}_sum`, `${m[1]}_count`] : [m[1] as string])));
    for (const rule of rules) {
      for (const name of rule.expr.match(/spacecomms_\w+/g) ?? []) expect(exported.has(name), `${rule.alert}: ${name}`).toBe(true);
    }
  });
});

describe('GET /health', () => {
  it('is degraded when peers are configured and none is connected', async () => {
    const lonely = await startTestNode(`node: { id: lonely }\nserver: { port: 0 }\npeers:\n  - { id: gone, address: "http://127.0.0.1:9" }\n`);
    try {
      const res = await http(lonely.url, 'GET', '/health');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ status: 'degraded', peers: { connected: 0, total: 1 } });
    } finally {
      await lonely.stop();
    }
  });

  it('is unhealthy with 503 while the store reports a failed commit', async () => {
    const node = await startTestNode(`node: { id: sick }\nserver: { port: 0 }\n`);
    try {
      const failing = vi.spyOn(node.node.store, 'lastWriteError').mockReturnValue(new Error('disk I/O error'));
      const res = await http(node.url, 'GET', '/health');
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ status: 'unhealthy', error: 'store cannot be written: disk I/O error' });
      failing.mockRestore();
      expect((await http(node.url, 'GET', '/health')).json.status).toBe('healthy');
    } finally {
      await node.stop();
    }
  });
});
