import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestNode } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-keys-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The base64 body lines of a PEM file: what must never appear anywhere but in the file. */
const pemBody = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----')).join('');

describe('spacecomms keygen and key show', () => {
  it('keygen writes a PEM key with mode 0600 and prints its key_id and public key, never the private key; it never overwrites', () => {
    const out = join(dir, 'alpha.key');
    const made = runCli(['keygen', '--out', out, '--node-id', 'alpha']);
    expect(made.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(made.stdout).toMatch(/^key_id: alpha:[0-9a-f]{16}$/m);
    expect(made.stdout).toMatch(/^public_key: [A-Za-z0-9_-]{43}$/m);
    expect(made.stdout + made.stderr).not.toContain(pemBody(out));
    const again = runCli(['keygen', '--out', out, '--node-id', 'alpha']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists \(a key is never overwritten\)/);
  });

  it('a node creates its key at first start (mode 0600), logs key_id and public key, and key show prints the same', async () => {
    const storage = join(dir, 'store');
    const config = join(dir, 'node.yaml');
    const yaml = `node: { id: bravo }\nserver: { port: 0 }\nstorage: { type: file, file_path: "${storage}" }\n`;
    writeFileSync(config, yaml);
    const node = await startTestNode(yaml);
    const keyPath = join(storage, 'node.key');
    try {
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      const created = node.logs.withMsg('signing key created')[0];
      expect(created).toMatchObject({ key_id: node.node.trust.key.key_id, public_key: node.node.trust.key.public_key, path: keyPath });
      expect(node.logs.raw.join('\n')).not.toContain(pemBody(keyPath));
    } finally {
      await node.stop();
    }
    const shown = runCli(['key', 'show', '--config', config]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`key_id: ${String(node.node.trust.key.key_id)}`);
    expect(shown.stdout).not.toContain(pemBody(keyPath));
    const memory = join(dir, 'memory.yaml');
    writeFileSync(memory, 'node: { id: charlie }\nstorage: { type: memory }\n');
    const ephemeral = runCli(['key', 'show', '--config', memory]);
    expect(ephemeral.code).toBe(1);
    expect(ephemeral.stderr).toMatch(/new key at every start/);
  });
});
