import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/trust/keys.js';
import { ADMIN_TOKEN, AUTH_YAML, READ_TOKEN, http, startTestNode } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-trust-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trust settings', () => {
  it('refuses to start on an unreadable trust.keys_file, naming the key and the file', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(startTestNode(`node: { id: t1 }\nserver: { port: 0 }\ntrust: { keys_file: "${missing}" }\n`)).rejects.toThrow(`trust.keys_file: cannot read ${missing}`);
  });

  it('refuses a reload whose key file has a bad entry, keeps the running keys, and takes a good one', async () => {
    const keysFile = join(dir, 'keys.yaml');
    const configPath = join(dir, 'node.yaml');
    const peerKey = generateSigningKey('peer-x');
    writeFileSync(keysFile, `- { node_id: peer-x, public_key: "${peerKey.public_key}" }\n`);
    const yaml = `node: { id: t2 }\nserver: { port: 0 }\n${AUTH_YAML}storage: { type: memory }\ntrust: { mode: enforce, keys_file: "${keysFile}" }\n`;
    writeFileSync(configPath, yaml);
    const node = await startTestNode(yaml, configPath);
    try {
      const trusted = async () => ((await http(node.url, 'GET', '/keys', { token: READ_TOKEN })).json.trusted as { key_id: string }[]).map((k) => k.key_id);
      expect(await trusted()).toContain(peerKey.key_id);
      writeFileSync(keysFile, `- { node_id: peer-x, public_key: "not-a-key" }\n`);
      const refused = await http(node.url, 'POST', '/admin/reload', { token: ADMIN_TOKEN });
      expect(refused.status).toBe(400);
      expect(refused.text).toMatch(/trust\.keys_file .*\[0\]\.public_key: must be the base64url/);
      expect(await trusted()).toContain(peerKey.key_id);
      const other = generateSigningKey('peer-y');
      writeFileSync(keysFile, `- { node_id: peer-y, public_key: "${other.public_key}" }\n`);
      const taken = await http(node.url, 'POST', '/admin/reload', { token: ADMIN_TOKEN });
      expect(taken.json.changes).toContain('trusted keys replaced');
      expect(await trusted()).toEqual(expect.arrayContaining([other.key_id]));
      expect(await trusted()).not.toContain(peerKey.key_id);
    } finally {
      await node.stop();
    }
  });
});
