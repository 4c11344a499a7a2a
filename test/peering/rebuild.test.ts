import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sampleCdm, sampleManeuverIntent, sampleObjectState } from '../helpers/fixtures.js';
import { PEERING_SECRET, isConnected, link, nodeYaml, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { fullTable, revivedAt } from '../helpers/tables.js';

let nodes: TestNode[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await stopAll(nodes);
  nodes = [];
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const portOf = (node: TestNode) => Number(new URL(node.url).port);

export function fileStorage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spacecomms-rebuild-'));
  dirs.push(dir);
  return `storage: { type: file, file_path: "${dir}" }\n`;
}

/** Stops `node` and starts it again with the same id and port and an empty table (memory, or a new directory). */
async function restartEmpty(node: TestNode, neighbours: TestNode[], storage = ''): Promise<TestNode> {
  const id = node.config.node.id;
  const port = portOf(node);
  await node.stop();
  nodes = nodes.filter((n) => n !== node);
  const peers = neighbours.map((n) => `  - { id: ${n.config.node.id}, address: "${n.url}", auth_token: ${PEERING_SECRET} }`).join('\n');
  const restarted = await startTestNode(nodeYaml(id, { port, yaml: `${storage}peers:\n${peers}\n` }));
  nodes.push(restarted);
  return restarted;
}

/** Waits until every node has working sessions to its neighbours, empty queues, and the same whole table. */
async function converged(all: TestNode[], links: [TestNode, TestNode][], prefix = '', timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'every table equal',
    () => {
      if (!links.every(([a, b]) => isConnected(a, b.config.node.id) && isConnected(b, a.config.node.id))) return false;
      if (all.some((n) => n.node.peers.queueDepth() > 0)) return false;
      const first = fullTable(all[0] as TestNode, prefix);
      return all.every((n) => fullTable(n, prefix) === first);
    },
    timeoutMs,
  );
}

const post = (node: TestNode, path: string, body: unknown) => http(node.url, 'POST', path, { token: WRITE_TOKEN, body });

describe('a node rebuilt with an empty store and the same node.id', () => {
  it('ends with exactly its peers’ table: its own CDM and object withdrawals and maneuver status changes included', async () => {
    const [x, b, c] = await startNetworkNodes(['own-x', 'own-b', 'own-c']);
    nodes.push(x as TestNode, b as TestNode, c as TestNode);
    await link(x as TestNode, b as TestNode);
    await link(b as TestNode, c as TestNode);
    const origin = x as TestNode;
    await post(origin, '/cdm', sampleCdm({ cdm_id: 'own-CDM-1' }));
    await post(origin, '/cdm', sampleCdm({ cdm_id: 'own-CDM-2' }));
    expect((await http(origin.url, 'DELETE', '/cdms/own-CDM-1', { token: WRITE_TOKEN, body: { reason: 'FALSE_POSITIVE' } })).status).toBe(200);
    await post(origin, '/objects', { ...sampleObjectState(), object_id: 'own-OBJ-1' });
    expect((await http(origin.url, 'DELETE', '/objects/own-OBJ-1', { token: WRITE_TOKEN, body: { reason: 'DECAYED' } })).status).toBe(200);
    const { maneuver_id: _id, ...intent } = sampleManeuverIntent();
    const planned = await post(origin, '/maneuvers', { ...intent, object_id: 'own-SAT' });
    const maneuverId = String(planned.json.maneuver_id);
    const done = await http(origin.url, 'PATCH', `/maneuvers/${maneuverId}`, { token: WRITE_TOKEN, body: { status: 'COMPLETED' } });
    expect(done.status).toBe(200);
    await converged([origin, b as TestNode, c as TestNode], [[origin, b as TestNode], [b as TestNode, c as TestNode]], 'own-');

    const rebuilt = await restartEmpty(origin, [b as TestNode]);
    await converged([rebuilt, b as TestNode, c as TestNode], [[rebuilt, b as TestNode], [b as TestNode, c as TestNode]], 'own-');
    expect(rebuilt.node.store.getCdm('own-CDM-1')?.status).toBe('withdrawn');
    expect(rebuilt.node.store.getObject('own-OBJ-1')?.status).toBe('withdrawn');
    expect(rebuilt.node.store.getManeuver(maneuverId)?.status).toBe('COMPLETED');

    // A later empty restart of a memory-store peer does not bring the warning back either.
    const cAgain = await restartEmpty(c as TestNode, [b as TestNode]);
    await converged([rebuilt, b as TestNode, cAgain], [[rebuilt, b as TestNode], [b as TestNode, cAgain]], 'own-');
    for (const n of [rebuilt, b as TestNode, cAgain]) expect(revivedAt(n, [rebuilt, b as TestNode, cAgain])).toEqual([]);
  }, 90_000);
});

/** Announces and withdraws at the nodes given, in turn, ids prefixed; `round` keeps each round's ids apart. */
async function churn(at: TestNode[], prefix: string, round: number): Promise<void> {
  for (const [i, node] of at.entries()) {
    const id = `${prefix}${round}-${i}`;
    await post(node, '/cdm', sampleCdm({ cdm_id: id, miss_distance_m: 100 + i }));
    await post(node, '/cdm', sampleCdm({ cdm_id: `${id}-kept`, miss_distance_m: 200 + i }));
    await http(node.url, 'DELETE', `/cdms/${id}`, { token: WRITE_TOKEN, body: { reason: 'ERROR' } });
  }
}

describe('restarting a node empty while the others announce and withdraw', () => {
  it('leaves a line of five with equal tables and no withdrawn CDM active anywhere', async () => {
    const storages = ['', fileStorage(), '', fileStorage(), ''];
    const line = await Promise.all(['l0', 'l1', 'l2', 'l3', 'l4'].map((id, i) => startTestNode(nodeYaml(id, { yaml: storages[i] ?? '' }))));
    nodes.push(...line);
    for (let i = 0; i < 4; i++) await link(line[i] as TestNode, line[i + 1] as TestNode);
    const links = () => [0, 1, 2, 3].map((i) => [line[i], line[i + 1]] as [TestNode, TestNode]);
    await churn(line, 'line-', 0);
    await converged(line, links(), 'line-');

    const middle = line[2] as TestNode;
    const stopping = middle.stop();
    nodes = nodes.filter((n) => n !== middle);
    await stopping;
    await churn([line[0], line[1], line[3], line[4]] as TestNode[], 'line-', 1);
    await http((line[4] as TestNode).url, 'DELETE', '/cdms/line-0-0-kept', { token: ADMIN_TOKEN, body: { reason: 'SUPERSEDED', force: true } });
    await http((line[0] as TestNode).url, 'DELETE', '/cdms/line-0-4-kept', { token: ADMIN_TOKEN, body: { reason: 'SUPERSEDED', force: true } });
    const peers = [line[1], line[3]].map((n) => `  - { id: ${(n as TestNode).config.node.id}, address: "${(n as TestNode).url}", auth_token: ${PEERING_SECRET} }`);
    line[2] = await startTestNode(nodeYaml('l2', { port: portOf(middle), yaml: `peers:\n${peers.join('\n')}\n` }));
    nodes.push(line[2]);
    await churn(line, 'line-', 2);
    await converged(line, links(), 'line-', 45_000);
    for (const n of line) expect(revivedAt(n, line)).toEqual([]);
    expect((line[2] as TestNode).node.store.getCdm('line-0-0-kept')?.status).toBe('withdrawn');
  }, 120_000);

  it('leaves a full mesh of four with equal tables and no withdrawn CDM active anywhere', async () => {
    const mesh = await startNetworkNodes(['q0', 'q1', 'q2', 'q3'], (id) => ({ yaml: id === 'q1' ? fileStorage() : '' }));
    nodes.push(...mesh);
    const pairs: [number, number][] = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
    for (const [i, j] of pairs) await link(mesh[i] as TestNode, mesh[j] as TestNode);
    const links = () => pairs.map(([i, j]) => [mesh[i], mesh[j]] as [TestNode, TestNode]);
    await churn(mesh, 'mesh-', 0);
    await converged(mesh, links(), 'mesh-');
    const others = () => [0, 1, 3].map((i) => mesh[i] as TestNode);
    const restarting = restartEmpty(mesh[2] as TestNode, others());
    await churn(others(), 'mesh-', 1);
    mesh[2] = await restarting;
    await http((mesh[2] as TestNode).url, 'DELETE', '/cdms/mesh-0-1-kept', { token: ADMIN_TOKEN, body: { reason: 'SUPERSEDED', force: true } });
    await churn(mesh, 'mesh-', 2);
    await converged(mesh, links(), 'mesh-', 45_000);
    for (const n of mesh) expect(revivedAt(n, mesh)).toEqual([]);
  }, 120_000);
});
