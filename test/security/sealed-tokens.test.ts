import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/trust/secret-box.js';
import { generateSigningKey } from '../../src/trust/keys.js';
import { isConnected, nodeYaml, PEERING_SECRET, startNetworkNodes, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-sealed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'api-added-peer-token-that-must-not-leak-0123';

/** Every byte of the store's files, as text. */
function storeBytes(path: string): string {
  return readdirSync(path)
    .filter((f) => f.startsWith('spacecomms.db'))
    .map((f) => readFileSync(join(path, f)).toString('latin1'))
    .join('');
}

describe('peer tokens added through the API, at rest', () => {
  it('are sealed in the database, opened again at start, and a node with another key skips the peer', async () => {
    const [b] = await startNetworkNodes(['seal-b']);
    const data = join(dir, 'a');
    const yaml = (keyPath: string) => nodeYaml('seal-a', { yaml: `storage: { type: file, file_path: "${data}" }\nnode: { id: seal-a, signing_key_path: "${keyPath}" }\n` }).replace('node: { id: seal-a }\n', '');
    let a: TestNode = await startTestNode(yaml(join(dir, 'a.key')));
    try {
      await http((b as TestNode).url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'seal-a', address: a.url, auth_token: TOKEN } });
      expect((await http(a.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'seal-b', address: (b as TestNode).url, auth_token: TOKEN } })).status).toBe(201);
      await waitFor('connected', () => isConnected(a, 'seal-b'));
      await a.stop();
      expect(storeBytes(data)).not.toContain(TOKEN);
      expect(storeBytes(data)).toContain('enc:v1:');

      a = await startTestNode(yaml(join(dir, 'a.key')));
      await waitFor('connected again with the opened token', () => isConnected(a, 'seal-b'));
      await a.stop();

      a = await startTestNode(yaml(join(dir, 'other.key')));
      expect(a.node.peers.views().map((p) => p.peer_id)).not.toContain('seal-b');
      expect(a.logs.withMsg('stored peer skipped: add it again with POST /peers')[0]).toMatchObject({ peer: 'seal-b', error: expect.stringContaining("cannot be opened with this node's signing key") });
      expect(JSON.stringify(a.logs.lines)).not.toContain(TOKEN);
    } finally {
      await a.stop();
      await (b as TestNode).stop();
    }
  }, 60_000);

  it('seal with a fresh IV each time and refuse a tampered or foreign text', () => {
    const key = generateSigningKey('n').deriveKey('peer tokens at rest v1');
    const box = new SecretBox(key);
    const one = box.seal(PEERING_SECRET);
    expect(box.seal(PEERING_SECRET)).not.toBe(one);
    expect(box.open(one)).toBe(PEERING_SECRET);
    const tampered = one.slice(0, -2) + (one.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow(RangeError);
    expect(() => new SecretBox(generateSigningKey('n').deriveKey('peer tokens at rest v1')).open(one)).toThrow(/cannot be opened/);
  });
});
