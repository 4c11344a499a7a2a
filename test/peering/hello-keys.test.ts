import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, addPeer, holds, isConnected, waitFor } from '../helpers/network.js';
import { READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { keyDir, makeKey, signedNodeYaml } from '../helpers/trust.js';

const dir = keyDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let nodes: TestNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  nodes = [];
});

/**
 * `a` enforces signatures and knows no key of `b` from its configuration; `b`'s HELLO lists
 * its public key. Only with `peers[].accept_hello_keys` does `a` take that key.
 */
async function pair(acceptHelloKeys: boolean, prefix: string): Promise<[TestNode, TestNode]> {
  const b = await startTestNode(signedNodeYaml(`${prefix}-b`, makeKey(dir, `${prefix}-b`), 'trust: { mode: log }\n'));
  nodes.push(b);
  const peers = `peers:\n  - { id: ${prefix}-b, address: "${b.url}", auth_token: ${PEERING_SECRET}, accept_hello_keys: ${acceptHelloKeys} }\n`;
  const a = await startTestNode(signedNodeYaml(`${prefix}-a`, makeKey(dir, `${prefix}-a`), `trust: { mode: enforce }\n${peers}`));
  nodes.push(a);
  await addPeer(b, a);
  await waitFor('connected both ways', () => isConnected(a, `${prefix}-b`) && isConnected(b, `${prefix}-a`));
  return [a, b];
}

describe('keys a direct peer lists in its HELLO', () => {
  it('verify its messages where peers[].accept_hello_keys allows it', async () => {
    const [a, b] = await pair(true, 'hk');
    await http(b.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'HK-1' }) });
    await waitFor('HK-1 at a', () => holds(a, 'HK-1'));
    const shown = (await http(a.url, 'GET', '/cdms/HK-1', { token: READ_TOKEN })).json;
    expect(shown.signature).toMatchObject({ verified: true });
    const keys = (await http(a.url, 'GET', '/keys', { token: READ_TOKEN })).json;
    expect(keys.trusted).toEqual(expect.arrayContaining([expect.objectContaining({ node_id: 'hk-b', source: 'hello' })]));
  }, 30_000);

  it('are not taken without it: in enforce mode the unknown key is refused', async () => {
    const [a, b] = await pair(false, 'nk');
    await http(b.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'NK-1' }) });
    await waitFor('the refusal logged at a', () => a.logs.withMsg('origin signature refused').find((l) => l.origin === 'nk-b'));
    expect(holds(a, 'NK-1')).toBeUndefined();
  }, 30_000);
});
