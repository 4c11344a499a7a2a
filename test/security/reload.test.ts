import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningNode } from '../helpers/cli.js';
import { PEERING_SECRET, addPeer, isConnected, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, http, type TestNode } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-reload-'));
const configPath = join(dir, 'r.yaml');
let a: TestNode, b: TestNode, c: TestNode, d: TestNode;
let r: RunningNode;
const NEW_A_SECRET = 'rotated-peering-secret-a';

function peerLine(node: TestNode, secret = PEERING_SECRET): string {
  return `  - { id: ${node.config.node.id}, address: "${node.url}", auth_token: ${secret} }`;
}

function writeConfig(peers: string[], level = 'info'): void {
  writeFileSync(
    configPath,
    `node: { id: rnode }
server: { port: 0 }
storage: { type: memory }
logging: { level: ${level} }
api: { auth: { enabled: true, tokens: [{ id: admin, secret: "${ADMIN_TOKEN}", permissions: [admin] }] } }
protocol: { heartbeat_interval_seconds: 0.2, session_timeout_seconds: 2, reconnect_min_seconds: 0.05, reconnect_max_seconds: 0.5 }
peers:
${peers.join('\n')}
`,
  );
}

const rLines = () => r.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
const peerStatus = async (peer: string) =>
  ((await http(r.url, 'GET', '/peers', { token: ADMIN_TOKEN })).json.peers as { peer_id: string; status: string }[]).find((p) => p.peer_id === peer)?.status;

beforeAll(async () => {
  [a, b, c, d] = (await startNetworkNodes(['ra', 'rb', 'rc', 'rd'])) as [TestNode, TestNode, TestNode, TestNode];
  writeConfig([peerLine(a), peerLine(b), peerLine(d)]);
  r = await startCli(['--config', configPath]);
  const rNode = { config: { node: { id: 'rnode' } }, url: r.url } as TestNode;
  for (const n of [a, b, d]) await addPeer(n, rNode);
  await addPeer(c, rNode);
  await waitFor('rnode connected to ra, rb, rd', async () => (await Promise.all(['ra', 'rb', 'rd'].map(peerStatus))).every((s) => s === 'connected'));
}, 60_000);

afterAll(async () => {
  await r?.stop();
  await stopAll([a, b, c, d].filter(Boolean));
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGHUP', () => {
  it('adds, removes and changes peers and keeps the sessions of the others', async () => {
    writeConfig([peerLine(a, NEW_A_SECRET), peerLine(c), peerLine(d)], 'debug');
    r.child.kill('SIGHUP');
    await waitFor('reload logged', () => rLines().find((l) => l.msg === 'configuration reloaded'));
    await waitFor('session with rc established', async () => (await peerStatus('rc')) === 'connected');
    expect(await peerStatus('rb')).toBeUndefined();
    await waitFor('rb to lose rnode', () => !isConnected(b, 'rnode'), 10_000);

    const oldToken = await http(r.url, 'POST', '/spacecomms/v1/messages', {
      token: PEERING_SECRET,
      headers: { 'x-spacecomms-node-id': 'ra' },
      body: { protocol_version: '1.0', message_id: 'x', timestamp: new Date().toISOString(), source_node_id: 'ra', message_type: 'HEARTBEAT', hop_count: 0, ttl: 1, payload: { sequence: 1 } },
    });
    expect(oldToken.status).toBe(401);
    expect(rLines().some((l) => l.msg === 'authentication failed' && l.peer === 'ra' && l.reason === 'wrong token')).toBe(true);

    const lost = rLines().filter((l) => l.msg === 'peer session lost').map((l) => l.peer);
    expect(lost).not.toContain('rd');
    expect(await peerStatus('rd')).toBe('connected');
    expect(rLines().some((l) => l.level === 'debug')).toBe(true);
  }, 60_000);

  it('refuses an invalid file, logs why, and keeps running on the old configuration', async () => {
    writeFileSync(configPath, 'node: { id: rnode }\npeers: [ { id: x, address: "ftp://nowhere" } ]\n');
    r.child.kill('SIGHUP');
    const refused = await waitFor('reload refused', () => rLines().find((l) => l.msg === 'configuration reload refused; the running configuration stays'));
    expect(JSON.stringify(refused.errors)).toContain('peers[0].address: must be an http(s) URL');
    expect(await peerStatus('rd')).toBe('connected');
    expect((await http(r.url, 'GET', '/health')).status).toBe(200);
  });

  it('is also reachable as POST /admin/reload', async () => {
    writeConfig([peerLine(a, NEW_A_SECRET), peerLine(c), peerLine(d)], 'info');
    const res = await http(r.url, 'POST', '/admin/reload', { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'reloaded', changes: expect.arrayContaining(['log level info']) });
    writeFileSync(configPath, 'nonsense: [');
    const bad = await http(r.url, 'POST', '/admin/reload', { token: ADMIN_TOKEN });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.details)).toContain('invalid YAML');
  });
});
