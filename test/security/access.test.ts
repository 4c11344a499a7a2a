import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AllowList } from '../../src/allow-list.js';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, AUTH_YAML, READ_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-access-'));
const nodes: TestNode[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function node(yaml: string): Promise<TestNode> {
  const n = await startTestNode(yaml);
  nodes.push(n);
  return n;
}

describe('allow lists', () => {
  it('match IPv4 and IPv6 addresses and networks', () => {
    const list = new AllowList(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);
    expect(list.allows('10.1.2.3')).toBe(true);
    expect(list.allows('::ffff:10.1.2.3')).toBe(true);
    expect(list.allows('192.0.2.7')).toBe(true);
    expect(list.allows('192.0.2.8')).toBe(false);
    expect(list.allows('2001:db8::1')).toBe(true);
    expect(list.allows('2001:db9::1')).toBe(false);
    expect(new AllowList([]).allows('203.0.113.9')).toBe(true);
  });

  it('api.allowed_networks refuses other addresses with 403 and logs authentication failed', async () => {
    const closed = await node(`node: { id: closed }\nserver: { port: 0 }\napi: { allowed_networks: ["10.0.0.0/8", "fd00::/8"] }\n`);
    const res = await http(closed.url, 'GET', '/cdms');
    expect(res.status).toBe(403);
    expect(res.json.error).toBe('forbidden');
    expect(closed.logs.withMsg('authentication failed').some((l) => l.reason === 'address not in api.allowed_networks')).toBe(true);
    const open = await node(`node: { id: open }\nserver: { port: 0 }\napi: { allowed_networks: ["127.0.0.0/8"] }\n`);
    expect((await http(open.url, 'GET', '/cdms')).status).toBe(200);
  });

  it('works over IPv6 loopback', async () => {
    const v6 = await node(`node: { id: v6 }\nserver: { host: "::1", port: 0 }\napi: { allowed_networks: ["::1/128"] }\n`);
    expect(v6.url).toMatch(/^http:\/\/\[::1\]:/);
    expect((await http(v6.url, 'GET', '/cdms')).status).toBe(200);
    const v6closed = await node(`node: { id: v6c }\nserver: { host: "::1", port: 0 }\napi: { allowed_networks: ["fd00::/8"] }\n`);
    expect((await http(v6closed.url, 'GET', '/cdms')).status).toBe(403);
  });

  it('peers[].allowed_networks refuses a peer\'s messages from elsewhere', async () => {
    const guarded = await node(`node: { id: guarded }\nserver: { port: 0 }\npeers:\n  - { id: remote, address: "http://127.0.0.1:9", auth_token: remote-secret, allowed_networks: ["10.0.0.0/8"] }\n`);
    const res = await http(guarded.url, 'POST', '/spacecomms/v1/messages', { token: 'remote-secret', headers: { 'x-spacecomms-node-id': 'remote' }, body: {} });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ message_type: 'ERROR', payload: { error_code: 'UNAUTHORIZED' } });
    expect(guarded.logs.withMsg('authentication failed').some((l) => String(l.reason).includes('allowed_networks'))).toBe(true);
  });
});

describe('secrets from files', () => {
  it('reads secret_file and auth_token_file, and warns when others may read them', async () => {
    const secret = join(dir, 'admin.secret');
    writeFileSync(secret, 'file-based-admin-secret-123\n', { mode: 0o600 });
    const peerSecret = join(dir, 'peer.secret');
    writeFileSync(peerSecret, 'file-based-peer-secret\n', { mode: 0o644 });
    chmodSync(peerSecret, 0o644);
    const yaml = `node: { id: files }\nserver: { port: 0 }\napi: { auth: { enabled: true, tokens: [{ id: admin, secret_file: ${secret}, permissions: [admin] }] } }\npeers:\n  - { id: p, address: "http://127.0.0.1:9", auth_token_file: ${peerSecret} }\nstorage: { type: memory }\n`;
    const n = await node(yaml);
    expect((await http(n.url, 'GET', '/peers', { token: 'file-based-admin-secret-123' })).status).toBe(200);
    expect(n.node.peers.definitions()[0]?.auth_token).toBe('file-based-peer-secret');

    const path = join(dir, 'files.yaml');
    writeFileSync(path, yaml);
    const result = runCli(['validate-config', '--config', path]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warning: peers[0].auth_token_file: ${peerSecret} can be read by other users (mode 0644); chmod 600 it`);
    expect(result.stdout + result.stderr).not.toContain('file-based');
  });
});

describe('hardening', () => {
  it('keeps answering while many slow clients hold connections, and drops them after headers_seconds', async () => {
    const n = await node(`node: { id: slow }\nserver: { port: 0, timeouts: { headers_seconds: 1 } }\n`);
    const { port } = new URL(n.url);
    const sockets: Socket[] = [];
    const closed: boolean[] = [];
    for (let i = 0; i < 200; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
      socket.on('close', () => closed.push(true));
      socket.resume(); // read the server's 408 and its end, so that 'close' can fire
      sockets.push(socket);
    }
    try {
      const started = Date.now();
      const health = await http(n.url, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(5000);
      await waitFor('slow clients dropped', () => closed.length === 200, 15_000);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('limits API requests per token with 429 and Retry-After', async () => {
    const n = await node(`node: { id: limited }\nserver: { port: 0 }\n${AUTH_YAML.replace('api:\n', 'api:\n  rate_limit: { requests_per_second: 1, burst: 3 }\n')}`);
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 5; i++) {
      const res = await http(n.url, 'GET', '/cdms', { token: READ_TOKEN });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'];
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await http(n.url, 'GET', '/cdms', { token: ADMIN_TOKEN })).status).toBe(200);
    expect(n.logs.withMsg('rate limit exceeded').some((l) => l.client === 'token:reader')).toBe(true);
  });
});
