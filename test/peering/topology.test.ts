import { afterEach, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { holds, link, sentCount, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { READ_TOKEN, WRITE_TOKEN, http, type TestNode } from '../helpers/node.js';

let nodes: TestNode[] = [];
afterEach(async () => {
  await stopAll(nodes);
  nodes = [];
});

const ids = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);

async function totalCdmAnnounces(): Promise<number> {
  let sum = 0;
  for (const node of nodes) sum += await sentCount(node, 'CDM_ANNOUNCE');
  return sum;
}

describe('a chain of five nodes', () => {
  it('carries a CDM from the first to the last, which holds it with hop_count 4', async () => {
    nodes = await startNetworkNodes(ids(5));
    for (let i = 0; i < 4; i++) await link(nodes[i] as TestNode, nodes[i + 1] as TestNode);
    const [first, , , , last] = nodes as [TestNode, TestNode, TestNode, TestNode, TestNode];
    await http(first.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'CHAIN-1' }) });
    await waitFor('CHAIN-1 at the last node', () => holds(last, 'CHAIN-1'));
    const detail = await http(last.url, 'GET', '/cdms/CHAIN-1', { token: READ_TOKEN });
    expect(detail.json).toMatchObject({ hop_count: 4, source_node: 'n0', received_from: 'n3' });
    expect(last.node.store.getCdm('CHAIN-1')?.announce?.path).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
  });

  it('stops where the ttl runs out when the originator allows two hops', async () => {
    nodes = await startNetworkNodes(ids(5), (id) => (id === 'n0' ? { protocol: '  max_hop_count: 2' } : {}));
    for (let i = 0; i < 4; i++) await link(nodes[i] as TestNode, nodes[i + 1] as TestNode);
    await http((nodes[0] as TestNode).url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'TTL-2' }) });
    await waitFor('TTL-2 at n2', () => holds(nodes[2] as TestNode, 'TTL-2'));
    // n2 holds it with ttl 0 and must not send it on; a later CDM that does travel shows n3 was reachable all along.
    await http((nodes[1] as TestNode).url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'MARKER' }) });
    await waitFor('MARKER at n4', () => holds(nodes[4] as TestNode, 'MARKER'));
    expect(holds(nodes[2] as TestNode, 'TTL-2')?.announce?.ttl).toBe(0);
    expect(holds(nodes[3] as TestNode, 'TTL-2')).toBeUndefined();
    expect(holds(nodes[4] as TestNode, 'TTL-2')).toBeUndefined();
  });
});

describe('loops', () => {
  /**
   * Bound: a message crosses each direction of each link at most once, so one originated
   * CDM costs at most 2 x links POSTs (ring of 4: 8; full mesh of 4: 12).
   */
  async function originateAndCount(links: [number, number][]): Promise<number> {
    for (const [x, y] of links) await link(nodes[x] as TestNode, nodes[y] as TestNode);
    const before = await totalCdmAnnounces();
    await http((nodes[0] as TestNode).url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'LOOP-1' }) });
    await waitFor('LOOP-1 everywhere', () => nodes.every((n) => holds(n, 'LOOP-1')));
    await waitFor('queues drained', () => nodes.every((n) => n.node.peers.queueDepth() === 0));
    for (const node of nodes) {
      const list = await http(node.url, 'GET', '/cdms?status=all', { token: READ_TOKEN });
      expect(list.json.total).toBe(1);
    }
    return (await totalCdmAnnounces()) - before;
  }

  it('a ring of four holds the CDM once everywhere within the POST bound', async () => {
    nodes = await startNetworkNodes(ids(4));
    const posts = await originateAndCount([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 0],
    ]);
    expect(posts).toBeGreaterThanOrEqual(3);
    expect(posts).toBeLessThanOrEqual(8);
  });

  it('a full mesh of four holds the CDM once everywhere within the POST bound', async () => {
    nodes = await startNetworkNodes(ids(4));
    const posts = await originateAndCount([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(posts).toBeGreaterThanOrEqual(3);
    expect(posts).toBeLessThanOrEqual(12);
  });
});
