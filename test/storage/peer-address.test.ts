import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { peerAddressProblem } from '../../src/config/peer-address.js';
import { ADMIN_TOKEN, AUTH_YAML, READ_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { expectApiError } from '../helpers/api-errors.js';

const dirs: string[] = [];
const running: TestNode[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((n) => n.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(dir: string): Promise<TestNode> {
  const node = await startTestNode(`node: { id: addr-node }\nserver: { port: 0 }\n${AUTH_YAML}storage: { type: file, file_path: ${JSON.stringify(dir)} }\n`);
  running.push(node);
  return node;
}

const BAD_ADDRESSES = [
  'http://127.0.0.1:99999',
  'http://127.0.0.1:0',
  'ftp://peer.example.org',
  'http://user:pass@peer.example.org',
  'https://token@peer.example.org:8443',
  'http://',
  'http://peer.example.org:8443/?x=1',
  'peer.example.org:8443',
];

describe('peer addresses', () => {
  it.each(BAD_ADDRESSES)('refuses %s', (address) => {
    expect(peerAddressProblem(address)).toBeDefined();
  });

  it.each(['http://127.0.0.1:9', 'https://peer.example.org', 'https://[::1]:8443/base', 'http://peer.example.org:65535'])('accepts %s', (address) => {
    expect(peerAddressProblem(address)).toBeUndefined();
  });

  it('POST /peers answers 400 naming address, stores nothing, and the node starts again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spacecomms-addr-'));
    dirs.push(dir);
    const node = await start(dir);
    for (const [i, address] of BAD_ADDRESSES.entries()) {
      const res = await http(node.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: `bad-${i}`, address } });
      expectApiError(res, 400, 'validation_failed', 'address');
    }
    const peers = await http(node.url, 'GET', '/peers', { token: READ_TOKEN });
    expect(peers.json.peers).toEqual([]);
    await node.stop();
    running.splice(0);
    const again = await start(dir);
    expect((await http(again.url, 'GET', '/health')).status).toBe(200);
  });

  it('skips a bad address already in the store with an error log, and starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spacecomms-addr-'));
    dirs.push(dir);
    const first = await start(dir);
    expect((await http(first.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'good-peer', address: 'http://127.0.0.1:9' } })).status).toBe(201);
    await first.stop();
    running.splice(0);

    // An older release stored this address unchecked.
    const db = new Database(join(dir, 'spacecomms.db'));
    const record = JSON.stringify({ peer_id: 'broken-peer', address: 'http://127.0.0.1:99999', policies: {}, added_at: new Date().toISOString() });
    const columns = (db.prepare('PRAGMA table_info(peers)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toContain('record');
    db.prepare('INSERT INTO peers (peer_id, record) VALUES (?, ?)').run('broken-peer', record);
    db.close();

    const node = await start(dir);
    const peers = await http(node.url, 'GET', '/peers', { token: READ_TOKEN });
    expect((peers.json.peers as { peer_id: string }[]).map((p) => p.peer_id)).toEqual(['good-peer']);
    const logged = node.logs.withMsg('stored peer skipped: add it again with POST /peers');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'error', peer: 'broken-peer' });
    expect(String(logged[0]?.error)).toContain('99999');
  });
});
