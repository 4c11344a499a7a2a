import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isoDay } from '../helpers/clock.js';
import { runCliAsync } from '../helpers/cli.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, addPeer, holds, isConnected, link, nodeYaml, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

let nodes: TestNode[] = [];
const dir = mkdtempSync(join(tmpdir(), 'spacecomms-adj-'));
afterEach(async () => {
  await stopAll(nodes);
  nodes = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const post = (node: TestNode, body: unknown) => http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body });
const withdraw = (node: TestNode, id: string) => http(node.url, 'DELETE', `/cdms/${id}`, { token: WRITE_TOKEN, body: { reason: 'FALSE_POSITIVE' } });
const HIGH_PC_ONLY = { filters: [{ type: 'min_collision_probability', values: [1e-4] }] };

function peersYaml(peers: { node: TestNode; policies?: string }[]): string {
  const lines = peers.map(({ node, policies }) => `  - { id: ${node.config.node.id}, address: "${node.url}", auth_token: ${PEERING_SECRET}${policies ? `, policies: ${policies}` : ''} }`);
  return `peers:\n${lines.join('\n')}\n`;
}

describe('the per-peer Adj-RIB-Out', () => {
  it('sends every later change of a record to a peer that was sent it, whatever the export filter now says, through restarts', async () => {
    const storage = `storage: { type: file, file_path: "${join(dir, 'a1')}" }\n`;
    const [b] = await startNetworkNodes(['adj-b']);
    nodes.push(b as TestNode);
    let a = await startTestNode(nodeYaml('adj-a', { yaml: storage }));
    nodes.push(a);
    await link(a, b as TestNode, { ab: HIGH_PC_ONLY });

    await post(a, sampleCdm({ cdm_id: 'ADJ-1', collision_probability: 1e-3 }));
    await post(a, sampleCdm({ cdm_id: 'ADJ-LOW', collision_probability: 1e-7 }));
    await waitFor('ADJ-1 at b', () => holds(b as TestNode, 'ADJ-1'));
    // A newer version below the threshold still reaches b: b holds the record.
    await post(a, sampleCdm({ cdm_id: 'ADJ-1', collision_probability: 1e-7, creation_date: isoDay(0, '00:00:01.000') }));
    await waitFor('newer ADJ-1 at b', () => holds(b as TestNode, 'ADJ-1')?.announce?.payload.cdm.collision_probability === 1e-7);

    // Through a restart of a (file store): the Adj-RIB-Out is kept with the table.
    const port = Number(new URL(a.url).port);
    await a.stop();
    nodes = nodes.filter((n) => n !== a);
    a = await startTestNode(nodeYaml('adj-a', { port, yaml: storage }));
    nodes.push(a);
    await waitFor('a connected to b again', () => isConnected(a, 'adj-b') && isConnected(b as TestNode, 'adj-a'));
    expect((await withdraw(a, 'ADJ-1')).status).toBe(200);
    await waitFor('ADJ-1 withdrawn at b', () => holds(b as TestNode, 'ADJ-1')?.status === 'withdrawn');
    expect(holds(b as TestNode, 'ADJ-LOW')).toBeUndefined();
  }, 60_000);

  it('carries the tombstone of a record the peer holds in a full sync, whatever the filter says', async () => {
    const [a, b] = await startNetworkNodes(['adj-c', 'adj-d']);
    nodes.push(a as TestNode);
    await link(a as TestNode, b as TestNode, { ab: HIGH_PC_ONLY });
    await post(a as TestNode, sampleCdm({ cdm_id: 'ADJ-2', collision_probability: 1e-3 }));
    await waitFor('ADJ-2 at d', () => holds(b as TestNode, 'ADJ-2'));
    // d goes away (its table kept in memory is lost); meanwhile the record falls below the threshold and is withdrawn.
    const port = Number(new URL((b as TestNode).url).port);
    await (b as TestNode).stop();
    await post(a as TestNode, sampleCdm({ cdm_id: 'ADJ-2', collision_probability: 1e-7, creation_date: isoDay(0, '00:00:01.000') }));
    await withdraw(a as TestNode, 'ADJ-2');
    const d = await startTestNode(nodeYaml('adj-d', { port, yaml: peersYaml([{ node: a as TestNode }]) }));
    nodes.push(d);
    await waitFor('ADJ-2 withdrawn at d after the full sync', () => holds(d, 'ADJ-2')?.status === 'withdrawn');
  }, 60_000);
});

describe('policy changes apply to the table already held', () => {
  it('a reload that widens a peer’s export policy sends it the records that now pass', async () => {
    const [b] = await startNetworkNodes(['pol-b']);
    nodes.push(b as TestNode);
    const configPath = join(dir, 'pol-a.yaml');
    const write = (policies: string) => writeFileSync(configPath, nodeYaml('pol-a', { yaml: peersYaml([{ node: b as TestNode, policies }]) }));
    write('{ filters: [{ type: object_owner, values: [Alpha Orbital] }] }');
    const a = await startTestNode(nodeYaml('pol-a', { yaml: peersYaml([{ node: b as TestNode, policies: '{ filters: [{ type: object_owner, values: [Alpha Orbital] }] }' }]) }), configPath);
    nodes.push(a);
    await addPeer(b as TestNode, a);
    await waitFor('connected', () => isConnected(a, 'pol-b') && isConnected(b as TestNode, 'pol-a'));
    const other = sampleCdm({ cdm_id: 'POL-OTHER' });
    await post(a, { ...other, object1: { ...other.object1, owner_operator: 'Beta Space' } });
    await post(a, sampleCdm({ cdm_id: 'POL-ALPHA' }));
    await waitFor('POL-ALPHA at b', () => holds(b as TestNode, 'POL-ALPHA'));
    expect(holds(b as TestNode, 'POL-OTHER')).toBeUndefined();
    write('{}');
    const reload = await http(a.url, 'POST', '/admin/reload', { token: ADMIN_TOKEN });
    expect(reload.status).toBe(200);
    await waitFor('POL-OTHER at b after the reload', () => holds(b as TestNode, 'POL-OTHER'));
  }, 60_000);

  it('a reload that widens a peer’s import policy asks it for its table again (SYNC_REQUEST)', async () => {
    const [b] = await startNetworkNodes(['imp-b']);
    nodes.push(b as TestNode);
    const configPath = join(dir, 'imp-a.yaml');
    const yaml = (policies: string) => nodeYaml('imp-a', { yaml: peersYaml([{ node: b as TestNode, policies }]) });
    writeFileSync(configPath, yaml('{ accept_cdm: false }'));
    const a = await startTestNode(yaml('{ accept_cdm: false }'), configPath);
    nodes.push(a);
    await addPeer(b as TestNode, a);
    await waitFor('connected', () => isConnected(a, 'imp-b') && isConnected(b as TestNode, 'imp-a'));
    await post(b as TestNode, sampleCdm({ cdm_id: 'IMP-1' }));
    await waitFor('IMP-1 filtered at a', () => a.logs.withMsg('routing decision').find((l) => l.decision === 'filtered'));
    expect(holds(a, 'IMP-1')).toBeUndefined();
    writeFileSync(configPath, yaml('{}'));
    expect((await http(a.url, 'POST', '/admin/reload', { token: ADMIN_TOKEN })).status).toBe(200);
    await waitFor('IMP-1 at a after SYNC_REQUEST', () => holds(a, 'IMP-1'));
    expect((b as TestNode).logs.withMsg('full table sync requested by peer')[0]).toMatchObject({ peer: 'imp-a' });
  }, 60_000);
});

describe('asking a peer for its table', () => {
  it('POST /peers/{id}/sync-request and `spacecomms peer sync ID` bring the peer’s table', async () => {
    const [a, b] = await startNetworkNodes(['req-a', 'req-b']);
    nodes.push(a as TestNode, b as TestNode);
    await link(a as TestNode, b as TestNode);
    await post(b as TestNode, sampleCdm({ cdm_id: 'REQ-1' }));
    await waitFor('REQ-1 at a', () => holds(a as TestNode, 'REQ-1'));
    // Lose it at a behind the protocol's back, as a restored old backup would.
    (a as TestNode).node.store.putCdm({ ...(holds(a as TestNode, 'REQ-1') as NonNullable<ReturnType<typeof holds>>), cdm_id: 'REQ-1', status: 'active', announce: undefined });
    const res = await http((a as TestNode).url, 'POST', '/peers/req-b/sync-request', { token: ADMIN_TOKEN });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ peer_id: 'req-b', status: 'sync_requested', method: 'SYNC_REQUEST' });
    await waitFor('REQ-1 back at a', () => holds(a as TestNode, 'REQ-1')?.announce);
    expect((await http((a as TestNode).url, 'POST', '/peers/nobody/sync-request', { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await http((a as TestNode).url, 'POST', '/peers/req-b/sync-request', { token: WRITE_TOKEN })).status).toBe(403);

    const cli = await runCliAsync(['peer', 'sync', 'req-b', '--node', (a as TestNode).url, '--token', ADMIN_TOKEN]);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual({ peer_id: 'req-b', status: 'sync_requested', method: 'SYNC_REQUEST' });
    await waitFor('two sync requests at b', () => (b as TestNode).logs.withMsg('full table sync requested by peer').length >= 2);
  }, 60_000);
});
