import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, addPeer, holds, isConnected, link, nodeYaml, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

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
    // C-1 is rc's: rb's operator forces the withdrawal (section 10 authority).
    await http(b.url, 'DELETE', '/cdms/C-1', { token: ADMIN_TOKEN, body: { reason: 'FALSE_POSITIVE', force: true } });
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
  it('of a peer killed without a word is noticed after session_timeout_seconds and logged with a reason', async () => {
    const a = await startTestNode(nodeYaml('la'));
    nodes.push(a);
    const dir = mkdtempSync(join(tmpdir(), 'spacecomms-lb-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `${nodeYaml('lb')}storage: { type: memory }\npeers:\n  - { id: la, address: "${a.url}", auth_token: ${PEERING_SECRET} }\n`);
    const b = await startCli(['--config', config]);
    try {
      await addPeer(a, { config: { node: { id: 'lb' } }, url: b.url } as TestNode);
      await waitFor('la connected to lb', () => isConnected(a, 'lb'));
      await b.stop('SIGKILL');
      const lost = await waitFor('peer session lost at la', () => a.logs.withMsg('peer session lost').find((l) => l.peer === 'lb'));
      expect(String(lost.reason)).toMatch(/no message for \d+ s/);
      await waitFor('la to retry', () => a.node.peers.views().find((p) => p.peer_id === 'lb')?.error === 'connection refused');
    } finally {
      await b.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('of a peer that stops gracefully is noticed at once: GOODBYE', async () => {
    // A session timeout far longer than the test: only GOODBYE can end the session in time.
    const [a, b] = (await startNetworkNodes(['ga', 'gb'], () => ({ protocol: '  session_timeout_seconds: 600' }))) as [TestNode, TestNode];
    nodes.push(a);
    await link(a, b);
    expect(a.node.peers.views().find((p) => p.peer_id === 'gb')?.features).toEqual(['SYNC_REQUEST', 'GOODBYE', 'BATCH', 'SIGNATURES']);
    await b.stop();
    const lost = await waitFor('peer session lost at ga', () => a.logs.withMsg('peer session lost').find((l) => l.peer === 'gb'), 5000);
    expect(lost.reason).toBe('peer said goodbye: node stopping');
    expect(a.node.peers.views().find((p) => p.peer_id === 'gb')?.status).not.toBe('connected');
    expect((await http(a.url, 'GET', '/health')).json).toMatchObject({ status: 'degraded', peers: { connected: 0, total: 1 } });
  }, 30_000);
});
