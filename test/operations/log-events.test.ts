import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, addPeer, link, nodeYaml, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

/** The operations runbook greps the JSON log for these exact `msg` texts; each test triggers one. */
const nodes: TestNode[] = [];
const dir = mkdtempSync(join(tmpdir(), 'spacecomms-logs-'));
afterAll(async () => {
  await stopAll(nodes);
  rmSync(dir, { recursive: true, force: true });
});

async function pair(): Promise<[TestNode, TestNode]> {
  const [a, b] = (await startNetworkNodes([`la-${nodes.length}`, `lb-${nodes.length}`])) as [TestNode, TestNode];
  nodes.push(a, b);
  await link(a, b);
  return [a, b];
}

describe('runbook log events', () => {
  it('peer session established', async () => {
    const [a] = await pair();
    expect(a.logs.withMsg('peer session established')[0]).toMatchObject({ level: 'info', negotiated_version: '1.1', node_id: a.config.node.id });
  });

  it('peer session lost', async () => {
    const [a, b] = await pair();
    await b.stop();
    const lost = await waitFor('peer session lost', () => a.logs.withMsg('peer session lost')[0]);
    expect(lost).toMatchObject({ level: 'warn', peer: b.config.node.id, reason: 'peer said goodbye: node stopping' });
  });

  it('cdm validation failed', async () => {
    const [a] = await pair();
    await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: { ...sampleCdm(), collision_probability: 7 } });
    expect(a.logs.withMsg('cdm validation failed')[0]).toMatchObject({ level: 'warn', field: 'collision_probability' });
  });

  it('rate limit exceeded', async () => {
    const limited = await startTestNode(nodeYaml('limited-log', { protocol: '  rate_limit: { messages_per_second: 1, burst: 1 }' }));
    nodes.push(limited);
    await http(limited.url, 'POST', '/peers', { token: 'test-admin-token-0123456789', body: { peer_id: 'noisy', address: 'http://127.0.0.1:9', auth_token: PEERING_SECRET } });
    const hello = { protocol_version: '1.0', timestamp: new Date().toISOString(), source_node_id: 'noisy', message_type: 'HELLO', hop_count: 0, ttl: 1, payload: { node_name: 'n', capabilities: [], supported_versions: ['1.0'] } };
    for (let i = 0; i < 3; i++) {
      await http(limited.url, 'POST', '/spacecomms/v1/messages', { token: PEERING_SECRET, headers: { 'x-spacecomms-node-id': 'noisy' }, body: { ...hello, message_id: randomUUID() } });
    }
    expect(limited.logs.withMsg('rate limit exceeded')[0]).toMatchObject({ level: 'warn', peer: 'noisy' });
  });

  it('authentication failed', async () => {
    const [a] = await pair();
    await http(a.url, 'GET', '/cdms', { token: 'no-such-token-anywhere' });
    const failed = a.logs.withMsg('authentication failed')[0];
    expect(failed).toMatchObject({ level: 'warn', reason: 'unknown token', route: 'GET /cdms' });
    expect(JSON.stringify(a.logs.lines)).not.toContain('no-such-token-anywhere');
  });

  it('routing decision', async () => {
    const [a, b] = await pair();
    const posted = await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'LOG-RD' }) });
    const messageId = a.node.store.getCdm('LOG-RD')?.announce?.message_id;
    expect(posted.status).toBe(201);
    const decision = await waitFor('routing decision', () => b.logs.withMsg('routing decision').find((l) => l.message_id === messageId));
    expect(decision).toMatchObject({ peer: a.config.node.id, decision: 'accepted', message_type: 'CDM_ANNOUNCE' });
  });
});

describe('SPACECOMMS_LOG_LEVEL', () => {
  /** A CLI node between two in-process nodes: a CDM from one is forwarded to the other. */
  async function forwardThroughCli(level: string): Promise<string> {
    const [left, right] = (await startNetworkNodes([`left-${level}`, `right-${level}`])) as [TestNode, TestNode];
    nodes.push(left, right);
    const path = join(dir, `${level}.yaml`);
    const peers = [left, right].map((n) => `  - { id: ${n.config.node.id}, address: "${n.url}", auth_token: ${PEERING_SECRET} }`).join('\n');
    writeFileSync(path, `node: { id: middle-${level} }\nserver: { port: 0 }\nstorage: { type: memory }\nlogging: { level: info }\npeers:\n${peers}\n`);
    const middle = await startCli(['--config', path], { SPACECOMMS_LOG_LEVEL: level });
    try {
      const middleNode = { config: { node: { id: `middle-${level}` } }, url: middle.url } as TestNode;
      await addPeer(left, middleNode);
      await addPeer(right, middleNode);
      await waitFor('both sessions', () => middle.output().split('peer session established').length - 1 >= 2);
      await waitFor('both peers connected at the middle', async () => {
        const peers = (await http(middle.url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as { status: string }[];
        return peers.length === 2 && peers.every((p) => p.status === 'connected');
      });
      await http(left.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: `FWD-${level}` }) });
      await waitFor('CDM forwarded to the right node', () => right.node.store.getCdm(`FWD-${level}`));
      return middle.output();
    } finally {
      await middle.stop();
    }
  }

  it('debug shows routing decisions for forwards; info does not', async () => {
    const debug = await forwardThroughCli('debug');
    const forwardLine = debug.split('\n').find((l) => l.includes('"msg":"routing decision"') && l.includes('"forwarded_to"'));
    expect(forwardLine).toBeDefined();
    expect(JSON.parse(forwardLine as string)).toMatchObject({ level: 'debug', decision: 'accepted', forwarded_to: ['right-debug'] });
    const info = await forwardThroughCli('info');
    expect(info).toContain('"msg":"peer session established"');
    expect(info).not.toContain('"msg":"routing decision"');
  }, 60_000);
});
