import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, holds, isConnected, link, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { keyDir, makeKey, signedNodeYaml, type NodeKey } from '../helpers/trust.js';

const dir = keyDir();
let nodes: TestNode[] = [];
afterAll(async () => {
  await stopAll(nodes);
  rmSync(dir, { recursive: true, force: true });
});

const keysFile = join(dir, 'trusted-keys.yaml');
const writeKeys = (entries: (NodeKey & { not_after?: string })[]) =>
  writeFileSync(keysFile, entries.map((k) => `- { node_id: ${k.nodeId}, public_key: "${k.public_key}"${k.not_after ? `, not_after: "${k.not_after}"` : ''} }`).join('\n'));

const TRUST = `trust:\n  mode: enforce\n  keys_file: "${keysFile}"\nstorage: { type: memory }\n`;

/** Writes a node's configuration file (reload re-reads it) and returns its path. */
function writeConfig(id: string, key: NodeKey, extra = ''): { path: string; yaml: string } {
  const path = join(dir, `${id}.yaml`);
  const yaml = `${signedNodeYaml(id, key, TRUST)}${extra}`;
  writeFileSync(path, yaml);
  return { path, yaml };
}

const reload = async (node: TestNode) => {
  const res = await http(node.url, 'POST', '/admin/reload', { token: ADMIN_TOKEN });
  if (res.status !== 200) throw new Error(`reload of ${node.config.node.id}: ${res.status} ${res.text}`);
};
const view = async (node: TestNode, id: string) => (await http(node.url, 'GET', `/cdms/${id}`, { token: READ_TOKEN })).json;

async function refusals(all: TestNode[]): Promise<number> {
  let total = 0;
  for (const n of all) total += (await n.node.metrics.originSignatures.get()).values.filter((v) => v.labels.outcome === 'refused').reduce((s, v) => s + v.value, 0);
  return total;
}

describe('key rotation and rebuilds in enforce mode', () => {
  it('rolls a new key out with no message refused; what the retired key signed stays verified, also at a node rebuilt empty', async () => {
    const a1 = makeKey(dir, 'rot-a', 'rot-a-1');
    const a2 = makeKey(dir, 'rot-a', 'rot-a-2');
    const kb = makeKey(dir, 'rot-b');
    const kc = makeKey(dir, 'rot-c');
    writeKeys([a1, kb, kc]);
    const configs = { a: writeConfig('rot-a', a1), b: writeConfig('rot-b', kb), c: writeConfig('rot-c', kc) };
    const [a, b] = await Promise.all([startTestNode(configs.a.yaml, configs.a.path), startTestNode(configs.b.yaml, configs.b.path)]);
    let c = await startTestNode(configs.c.yaml, configs.c.path);
    nodes = [a, b, c];
    await link(a, b);
    await link(b, c);
    await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'ROT-1' }) });
    await http(c.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'ROT-C' }) });
    await waitFor('ROT-1 and ROT-C everywhere', () => nodes.every((n) => holds(n, 'ROT-1') && holds(n, 'ROT-C')));
    expect(await view(c, 'ROT-1')).toMatchObject({ signature: { key_id: a1.key_id, verified: true } });

    // 1. Every node trusts the new key; 2. the origin signs with it; 3. the old key retires.
    writeKeys([a1, a2, kb, kc]);
    for (const n of nodes) await reload(n);
    writeConfig('rot-a', a2);
    await reload(a);
    const keys = (await http(a.url, 'GET', '/keys', { token: READ_TOKEN })).json;
    expect(keys.own).toEqual([
      { key_id: a1.key_id, public_key: a1.public_key, current: false },
      { key_id: a2.key_id, public_key: a2.public_key, current: true },
    ]);
    await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'ROT-2' }) });
    await waitFor('ROT-2 at rot-c', () => holds(c, 'ROT-2'));
    expect(await view(c, 'ROT-2')).toMatchObject({ signature: { key_id: a2.key_id, verified: true } });
    writeKeys([{ ...a1, not_after: new Date().toISOString() }, a2, kb, kc]);
    for (const n of nodes) await reload(n);
    const retired = ((await http(c.url, 'GET', '/keys', { token: READ_TOKEN })).json.trusted as { key_id: string; not_after: string | null }[]).find((k) => k.key_id === a1.key_id);
    expect(retired?.not_after).not.toBeNull();

    // A full sync carries ROT-1, signed by the retired key before its not_after: still valid.
    const before = c.node.store.audit.query({ message_id: (holds(c, 'ROT-1')?.announce?.message_id ?? ''), peer: 'rot-b', limit: 50, offset: 0 }).total;
    expect((await http(c.url, 'POST', '/peers/rot-b/sync-request', { token: ADMIN_TOKEN })).status).toBe(202);
    await waitFor('ROT-1 synced again', () => c.node.store.audit.query({ message_id: holds(c, 'ROT-1')?.announce?.message_id ?? '', peer: 'rot-b', limit: 50, offset: 0 }).total > before);
    expect(await refusals(nodes)).toBe(0);
    expect(await view(c, 'ROT-1')).toMatchObject({ signature: { key_id: a1.key_id, verified: true } });

    // rot-c rebuilt: same id, same key file, an empty memory store; its table comes back verified.
    const port = Number(new URL(c.url).port);
    await c.stop();
    nodes = [a, b];
    const rebuilt = writeConfig('rot-c', kc, `peers:\n  - { id: rot-b, address: "${b.url}", auth_token: ${PEERING_SECRET} }\n`);
    c = await startTestNode(rebuilt.yaml.replace('server: { port: 0 }', `server: { port: ${port} }`), rebuilt.path);
    nodes = [a, b, c];
    expect(holds(c, 'ROT-1')).toBeUndefined();
    await waitFor('rot-c rebuilt', () => isConnected(c, 'rot-b') && ['ROT-1', 'ROT-2', 'ROT-C'].every((id) => holds(c, id)));
    expect(await view(c, 'ROT-1')).toMatchObject({ origin: 'rot-a', signature: { key_id: a1.key_id, verified: true } });
    expect(await view(c, 'ROT-2')).toMatchObject({ origin: 'rot-a', signature: { key_id: a2.key_id, verified: true } });
    expect(await view(c, 'ROT-C')).toMatchObject({ origin: 'rot-c', signature: { key_id: kc.key_id, verified: true } });
    expect(await refusals(nodes)).toBe(0);
    for (const n of nodes) expect(n.logs.withMsg('origin signature refused')).toEqual([]);
  }, 60_000);
});
