import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { TODAY_MS } from '../helpers/clock.js';
import { waitFor } from '../helpers/network.js';
import { AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import type { Cdm } from '../../src/protocol/cdm.js';

const SECRET = 'webhook-secret-0123456789';
let t: TestNode;
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await startTestNode(`node: { id: hooks }
server: { port: 0 }
${AUTH_YAML}
subscriptions:
  max: 6
  retry_min_seconds: 0.05
  retry_cap_seconds: 0.2
  request_timeout_seconds: 1
`);
});
afterAll(async () => {
  await t.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

function cdm(id: string, object: string): Cdm {
  const base = sampleCdm();
  return {
    ...base,
    cdm_id: id,
    tca: new Date(TODAY_MS + 3 * 86_400_000).toISOString(),
    object1: { ...base.object1, object_id: object },
    object2: { ...base.object2, object_id: 'HOOK-DEBRIS' },
  };
}

async function subscribe(body: Record<string, unknown>): Promise<{ subscription_id: string; delivered_through_seq: number }> {
  const res = await http(t.url, 'POST', '/subscriptions', { token: WRITE_TOKEN, body });
  expect(res.status).toBe(201);
  return res.json as { subscription_id: string; delivered_through_seq: number };
}

async function post(body: Cdm): Promise<number> {
  const started = Date.now();
  const res = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body });
  expect(res.status).toBe(201);
  return Date.now() - started;
}

describe('webhook subscriptions', () => {
  it('retry a receiver answering 500 three times until it takes each change, once, in order, signed', async () => {
    const r = await receiver((n) => (n < 3 ? 500 : 200), SECRET);
    const sub = await subscribe({ url: r.url, secret: SECRET, filters: { object_id: 'RETRY' } });
    for (let i = 0; i < 3; i++) await post(cdm(`RETRY-${i}`, 'RETRY'));
    await waitFor('six changes accepted', () => r.accepted().length >= 6);
    const accepted = r.accepted();
    expect(new Set(accepted).size).toBe(accepted.length);
    expect(accepted).toEqual([...accepted].sort((a, b) => a - b));
    expect(r.deliveries.slice(0, 4).map((d) => d.seq)).toEqual(Array(4).fill(accepted[0]));
    expect(r.deliveries.every((d) => d.signatureValid === true)).toBe(true);
    expect(r.deliveries.map((d) => d.body.seq)).toEqual(r.deliveries.map((d) => d.seq));
    expect(accepted[0]).toBeGreaterThan(sub.delivered_through_seq);
    const state = await http(t.url, 'GET', `/subscriptions/${sub.subscription_id}`, { token: READ_TOKEN });
    expect(state.json).toMatchObject({ status: 'active', attempts: 0, last_error: null, has_secret: true });
    expect(state.json).not.toHaveProperty('secret');
    expect(t.logs.withMsg('webhook delivery failing: retrying')[0]).toMatchObject({ subscription_id: sub.subscription_id, error: 'HTTP 500' });
  });

  it('deliver to one receiver while another never answers, without delaying it or the node', async () => {
    const dead = await receiver(() => 'hang');
    const live = await receiver(() => 200);
    const deadSub = await subscribe({ url: dead.url, filters: { object_id: 'SPLIT' } });
    await subscribe({ url: live.url, filters: { object_id: 'SPLIT' } });
    const started = Date.now();
    for (let i = 0; i < 3; i++) expect(await post(cdm(`SPLIT-${i}`, 'SPLIT'))).toBeLessThan(1000);
    await waitFor('the live receiver has all six changes', () => live.accepted().length >= 6);
    // request_timeout_seconds is 1: the live receiver got everything before the dead one's first attempt timed out.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(dead.deliveries).toHaveLength(1);
    await waitFor('the dead receiver timed out', async () => {
      const state = await http(t.url, 'GET', `/subscriptions/${deadSub.subscription_id}`, { token: READ_TOKEN });
      return state.json.last_error !== null && (state.json.attempts as number) >= 1 ? state.json : undefined;
    });
  });

  it('mark a subscription failed and log it once retry_max_hours has passed', async () => {
    const local = await startTestNode(`node: { id: hooks-fail }
server: { port: 0 }
${AUTH_YAML}
subscriptions: { retry_max_hours: 0.0002, retry_min_seconds: 0.05, retry_cap_seconds: 0.1 }
`);
    try {
      const r = await receiver(() => 503);
      const res = await http(local.url, 'POST', '/subscriptions', { token: WRITE_TOKEN, body: { url: r.url } });
      const id = res.json.subscription_id as string;
      await http(local.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: cdm('FAIL-1', 'FAIL') });
      const state = await waitFor('the subscription failed', async () => {
        const s = await http(local.url, 'GET', `/subscriptions/${id}`, { token: READ_TOKEN });
        return s.json.status === 'failed' ? s.json : undefined;
      });
      expect(state.last_error).toBe('HTTP 503');
      expect(local.logs.withMsg('webhook delivery failed: subscription marked failed')).toHaveLength(1);
      const metrics = await http(local.url, 'GET', '/metrics');
      expect(metrics.text).toMatch(/spacecomms_webhook_deliveries_total\{outcome="failed"\} 1/);
      expect(metrics.text).toMatch(/spacecomms_subscriptions_failed 1/);
    } finally {
      await local.stop();
    }
  });

  it('refuse URLs that are not http(s), and more than subscriptions.max', async () => {
    const ftp = await http(t.url, 'POST', '/subscriptions', { token: WRITE_TOKEN, body: { url: 'ftp://127.0.0.1/hook' } });
    expect(ftp.status).toBe(400);
    expect(ftp.json.field).toBe('url');
    const file = await http(t.url, 'POST', '/subscriptions', { token: WRITE_TOKEN, body: { url: 'file:///etc/passwd' } });
    expect(file.status).toBe(400);
    const badFilter = await http(t.url, 'POST', '/subscriptions', { token: WRITE_TOKEN, body: { url: 'http://127.0.0.1/x', filters: { min_pc: 2 } } });
    expect(badFilter.status).toBe(400);
    expect(badFilter.json.field).toBe('filters.min_pc');
    const list = await http(t.url, 'GET', '/subscriptions', { token: READ_TOKEN });
    const count = (list.json.subscriptions as unknown[]).length;
    const ids: string[] = [];
    for (let i = count; i < 6; i++) ids.push((await subscribe({ url: `http://127.0.0.1:9/spare-${i}`, filters: { object_id: 'NONE' } })).subscription_id);
    const over = await http(t.url, 'POST', '/subscriptions', { token: WRITE_TOKEN, body: { url: 'http://127.0.0.1:9/over' } });
    expect(over.status).toBe(409);
    for (const id of ids) expect((await http(t.url, 'DELETE', `/subscriptions/${id}`, { token: WRITE_TOKEN })).status).toBe(200);
    expect((await http(t.url, 'GET', `/subscriptions/${ids[0]}`, { token: READ_TOKEN })).status).toBe(404);
  });

  it('send only to hosts in subscriptions.allowed_hosts when it is set', async () => {
    const local = await startTestNode(`node: { id: hooks-hosts }\nserver: { port: 0 }\n${AUTH_YAML}subscriptions: { allowed_hosts: ['*.example.net', 127.0.0.1] }\n`);
    try {
      const refused = await http(local.url, 'POST', '/subscriptions', { token: WRITE_TOKEN, body: { url: 'https://intranet.local/hook' } });
      expect(refused.status).toBe(400);
      expect(refused.json.message).toContain('subscriptions.allowed_hosts');
      for (const url of ['https://hooks.example.net/a', 'http://127.0.0.1:9/b']) {
        expect((await http(local.url, 'POST', '/subscriptions', { token: WRITE_TOKEN, body: { url } })).status).toBe(201);
      }
    } finally {
      await local.stop();
    }
  });
});
