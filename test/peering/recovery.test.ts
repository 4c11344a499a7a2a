import { afterEach, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, addPeer, holds, isConnected, link, nodeYaml, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

let nodes: TestNode[] = [];
afterEach(async () => {
  await stopAll(nodes);
  nodes = [];
});

function portOf(node: TestNode): number {
  return Number(new URL(node.url).port);
}

describe('a node restarted with an empty memory store', () => {
  it('gets its sessions and its whole table back, its own CDMs and a withdrawal made while it was down included', async () => {
    const [b, c] = (await startNetworkNodes(['rb', 'rc'])) as [TestNode, TestNode];
    nodes.push(b, c);
    await link(b, c);
    const peersYaml = `peers:\n${[b, c].map((n) => `  - { id: ${n.config.node.id}, address: "${n.url}", auth_token: ${PEERING_SECRET} }`).join('\n')}\n`;
    let x = await startTestNode(nodeYaml('rx', { yaml: peersYaml }));
    nodes.push(x);
    await addPeer(b, x);
    await addPeer(c, x);
    await waitFor('rx connected to both', () => isConnected(x, 'rb') && isConnected(x, 'rc'));

    await http(x.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'OWN-1' }) });
    await http(b.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'B-1' }) });
    await http(c.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'C-1' }) });
    await waitFor('all CDMs everywhere', () => [b, c, x].every((n) => ['OWN-1', 'B-1', 'C-1'].every((id) => holds(n, id))));

    const port = portOf(x);
    await x.stop();
    nodes = nodes.filter((n) => n !== x);
    await waitFor('rb to notice rx is gone', () => !isConnected(b, 'rx'));
    await http(b.url, 'DELETE', '/cdms/C-1', { token: WRITE_TOKEN, body: { reason: 'FALSE_POSITIVE' } });
    await waitFor('C-1 withdrawn at rc', () => holds(c, 'C-1')?.status === 'withdrawn');

    x = await startTestNode(nodeYaml('rx', { yaml: peersYaml, port }));
    nodes.push(x);
    expect(holds(x, 'OWN-1')).toBeUndefined();
    await waitFor('rx connected again', () => isConnected(x, 'rb') && isConnected(x, 'rc'));
    await waitFor('rx table rebuilt', () => holds(x, 'OWN-1') && holds(x, 'B-1') && holds(x, 'C-1')?.status === 'withdrawn');
    expect(holds(x, 'OWN-1')?.announce?.source_node_id).toBe('rx');
    expect(holds(x, 'C-1')?.withdrawal?.payload.reason).toBe('FALSE_POSITIVE');
    expect(x.logs.withMsg('peer session established').length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('session loss', () => {
  it('is noticed after session_timeout_seconds and logged with a reason', async () => {
    const [a, b] = (await startNetworkNodes(['la', 'lb'])) as [TestNode, TestNode];
    nodes.push(a, b);
    await link(a, b);
    await b.stop();
    nodes = nodes.filter((n) => n !== b);
    const lost = await waitFor('peer session lost at la', () => a.logs.withMsg('peer session lost').find((l) => l.peer === 'lb'));
    expect(String(lost.reason)).toMatch(/no message for \d+ s/);
    await waitFor('la to retry', () => a.node.peers.views().find((p) => p.peer_id === 'lb')?.error === 'connection refused');
  }, 30_000);
});
