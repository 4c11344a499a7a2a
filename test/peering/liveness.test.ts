import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCli, type RunningNode } from '../helpers/cli.js';
import { FakePeer } from '../helpers/fake-peer.js';
import { sampleCdm, sampleManeuverIntent, sampleObjectState } from '../helpers/fixtures.js';
import { PEERING_SECRET, addPeer, holds, isConnected, nodeYaml, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

let nodes: TestNode[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
const dir = mkdtempSync(join(tmpdir(), 'spacecomms-live-'));
afterEach(async () => {
  await stopAll(nodes);
  nodes = [];
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A TCP server that takes connections and closes them at once, counting them: a peer address where HTTP never works. */
async function slamming(): Promise<{ url: string; connections: () => number }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, connections: () => count };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const peerView = async (node: TestNode, peer: string) =>
  ((await http(node.url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as Record<string, unknown>[]).find((p) => p.peer_id === peer);

describe('a peering that works one way only', () => {
  it('is not connected where our own sends fail: GET /peers shows it, /health is degraded, the log says why, and nothing is promised to it', async () => {
    const wrong = await closedPortUrl();
    const b = (await startNetworkNodes(['oneway-b']))[0] as TestNode;
    nodes.push(b);
    // a knows b at an address where nothing listens; b knows a correctly, so b's HELLO reaches a.
    const a = await startTestNode(nodeYaml('oneway-a', { yaml: `peers:\n  - { id: oneway-b, address: "${wrong}", auth_token: ${PEERING_SECRET} }\n` }));
    nodes.push(a);
    await addPeer(b, a);
    await waitFor('b’s HELLO taken at a', () => a.logs.withMsg('peer session established').find((l) => l.peer === 'oneway-b'));
    const view = await waitFor('delivery failing at a', async () => {
      const v = await peerView(a, 'oneway-b');
      return v?.delivery === 'failing' ? v : undefined;
    });
    expect(view).toMatchObject({ status: 'connecting', error: 'delivery failing: connection refused' });
    expect((await http(a.url, 'GET', '/health')).json).toMatchObject({ status: 'degraded', peers: { connected: 0, total: 1, delivery_failing: 1 } });
    expect(a.logs.withMsg('peer delivery failing').find((l) => l.peer === 'oneway-b')).toMatchObject({ level: 'warn', reason: 'connection refused' });
    const posted = await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'ONEWAY-1' }) });
    expect(posted.json).toMatchObject({ status: 'accepted', propagated_to: [] });
    // The other direction works: what b announces reaches a.
    await http(b.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'ONEWAY-2' }) });
    await waitFor('ONEWAY-2 at a', () => holds(a, 'ONEWAY-2'));
  }, 30_000);
});

describe('a peer that never answers HTTP', () => {
  it('leaves one warn line with the reason, not one per attempt and not silence', async () => {
    const peer = await slamming();
    const a = await startTestNode(nodeYaml('silent-a', { yaml: `peers:\n  - { id: silent-b, address: "${peer.url}", auth_token: ${PEERING_SECRET} }\n` }));
    nodes.push(a);
    await waitFor('five HELLO attempts', () => peer.connections() >= 5);
    const lines = a.logs.withMsg('peer delivery failing').filter((l) => l.peer === 'silent-b');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', reason: expect.any(String) });
    expect((await peerView(a, 'silent-b'))?.error).toBe(lines[0]?.reason);
  }, 30_000);
});

describe('what a peer is sent', () => {
  it('only the families it listed in HELLO, and a message it refuses with 400 is dropped, logged, counted and shown', async () => {
    const fake = new FakePeer({ nodeId: 'cdm-only', capabilities: ['CDM'], refuse: (m) => (m.message_type === 'CDM_ANNOUNCE' && (m.payload.cdm as { cdm_id: string }).cdm_id === 'REFUSE-ME' ? { status: 400, code: 'INVALID_MESSAGE' } : undefined) });
    const url = await fake.start();
    cleanups.push(() => fake.stop());
    const a = await startTestNode(nodeYaml('fam-a'));
    nodes.push(a);
    await http(a.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'cdm-only', address: url, auth_token: PEERING_SECRET } });
    await waitFor('connected to the fake peer', () => isConnected(a, 'cdm-only'));
    await http(a.url, 'POST', '/objects', { token: WRITE_TOKEN, body: sampleObjectState() });
    const { maneuver_id: _id, ...intent } = sampleManeuverIntent();
    await http(a.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: intent });
    await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'REFUSE-ME' }) });
    await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'FAM-LAST' }) });
    await waitFor('FAM-LAST at the fake peer', () => fake.of('CDM_ANNOUNCE').some((m) => (m.payload.cdm as { cdm_id: string }).cdm_id === 'FAM-LAST'));
    expect(fake.of('OBJECT_STATE_ANNOUNCE')).toEqual([]);
    expect(fake.of('MANEUVER_INTENT')).toEqual([]);
    expect(fake.of('CDM_ANNOUNCE').filter((m) => (m.payload.cdm as { cdm_id: string }).cdm_id === 'REFUSE-ME')).toHaveLength(1);
    const dropped = a.logs.withMsg('message refused by peer: dropped').find((l) => l.peer === 'cdm-only');
    expect(dropped).toMatchObject({ level: 'warn', message_type: 'CDM_ANNOUNCE', reason: expect.stringContaining('INVALID_MESSAGE') });
    const view = await peerView(a, 'cdm-only');
    expect(view).toMatchObject({ status: 'connected', capabilities: ['CDM'], messages_refused: 1, last_refused: { message_id: dropped?.message_id, reason: expect.stringContaining('INVALID_MESSAGE') } });
    const metrics = (await http(a.url, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/^spacecomms_messages_refused_total\{peer="cdm-only"\} 1$/m);
  }, 30_000);
});

describe('re-establishing a session', () => {
  it('sends what was queued for the peer at once, not after the retry backoff', async () => {
    const storage = join(dir, 'rolling-b');
    const a = await startTestNode(nodeYaml('roll-a', { protocol: '  session_timeout_seconds: 600' }));
    nodes.push(a);
    const configPath = join(dir, 'roll-b.yaml');
    const writeB = (port: number) =>
      writeFileSync(configPath, nodeYaml('roll-b', { port, yaml: `storage: { type: file, file_path: "${storage}" }\npeers:\n  - { id: roll-a, address: "${a.url}", auth_token: ${PEERING_SECRET} }\n` }));
    writeB(0);
    let b: RunningNode = await startCli(['--config', configPath]);
    cleanups.push(() => b.stop('SIGKILL'));
    const port = Number(new URL(b.url).port);
    await addPeer(a, { config: { node: { id: 'roll-b' } }, url: b.url } as TestNode);
    await waitFor('a connected to b', () => isConnected(a, 'roll-b'));
    await b.stop('SIGKILL');
    for (let i = 0; i < 30; i++) await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: `ROLL-${i}` }) });
    await waitFor('a sees its sends to b fail', async () => (await peerView(a, 'roll-b'))?.delivery === 'failing', 20_000);
    expect((await peerView(a, 'roll-b'))?.status).toBe('connecting');
    writeB(port);
    b = await startCli(['--config', configPath]);
    const back = Date.now();
    await waitFor('b connected again', () => isConnected(a, 'roll-b'), 10_000);
    await waitFor('all 30 CDMs at b', async () => {
      const listed = await http(b.url, 'GET', '/cdms?limit=1000', { token: READ_TOKEN });
      return (listed.json.cdms as { cdm_id: string }[] | undefined)?.filter((c) => c.cdm_id.startsWith('ROLL-')).length === 30;
    }, 5_000);
    expect(Date.now() - back).toBeLessThan(5_000);
  }, 60_000);
});

describe('a 1.0 peer', () => {
  it('is sent nothing of 1.1: a route refresh is a new HELLO, and a stop sends no GOODBYE', async () => {
    const fake = new FakePeer({ nodeId: 'old-peer', versions: ['1.0'], features: ['SYNC_REQUEST', 'GOODBYE', 'BATCH'] });
    const url = await fake.start();
    cleanups.push(() => fake.stop());
    const a = await startTestNode(nodeYaml('mix-a'));
    await http(a.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'old-peer', address: url, auth_token: PEERING_SECRET } });
    await waitFor('connected to the 1.0 peer', () => isConnected(a, 'old-peer'));
    expect(await peerView(a, 'old-peer')).toMatchObject({ negotiated_version: '1.0', features: [] });
    const hellos = fake.of('HELLO').length;
    const res = await http(a.url, 'POST', '/peers/old-peer/sync-request', { token: ADMIN_TOKEN });
    expect(res.json).toEqual({ peer_id: 'old-peer', status: 'sync_requested', method: 'HELLO' });
    await waitFor('a new HELLO at the 1.0 peer', () => fake.of('HELLO').length > hellos);
    await a.stop();
    expect(fake.of('SYNC_REQUEST')).toEqual([]);
    expect(fake.of('GOODBYE')).toEqual([]);
  }, 30_000);
});
