import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../src/cli/backup.js';
import { DEFAULT_POLICIES } from '../../src/protocol/policies.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-at-rest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const SECRET = 'peer-token-that-must-not-stay-on-disk';

describe('secrets at rest', () => {
  it('keeps the database, its write-ahead log and shared memory private (0600)', async () => {
    const store = openSqliteStore(join(dir, 'modes'));
    store.putPeer({ peer_id: 'p1', address: 'http://127.0.0.1:9', auth_token: SECRET, policies: DEFAULT_POLICIES, added_at: new Date().toISOString() });
    await store.durable();
    try {
      for (const suffix of ['', '-wal', '-shm']) expect(mode(`${store.file}${suffix}`), `spacecomms.db${suffix}`).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('overwrites a deleted peer token (secure_delete)', async () => {
    const store = openSqliteStore(join(dir, 'deleted'));
    store.putPeer({ peer_id: 'p1', address: 'http://127.0.0.1:9', auth_token: SECRET, policies: DEFAULT_POLICIES, added_at: new Date().toISOString() });
    await store.durable();
    store.deletePeer('p1');
    await store.durable();
    await store.close();
    expect(readFileSync(store.file).includes(Buffer.from(SECRET))).toBe(false);
  });

  it('backs up with the storage settings alone, into a private file, while token variables are unset', async () => {
    const data = join(dir, 'backed-up');
    const store = openSqliteStore(data);
    await store.close();
    const config = join(dir, 'node.yaml');
    writeFileSync(
      config,
      `node: { id: backed }\nstorage: { type: file, file_path: ${JSON.stringify(data)} }\npeers:\n  - { id: p1, address: "http://127.0.0.1:9", auth_token: "\${PEER_TOKEN_NOT_SET_IN_THIS_SHELL}" }\n`,
    );
    const out = join(dir, 'backup.db');
    expect(await runBackup(config, out)).toBe(0);
    expect(mode(out)).toBe(0o600);
  });
});
