import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { SpaceCommsNode } from '../../src/node.js';
import { createLogger } from '../../src/observability/logger.js';
import { startCli } from '../helpers/cli.js';
import { aliasBomb, sharedPolicyPeers } from '../helpers/config-yaml.js';
import { waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, LogCapture, READ_TOKEN, http } from '../helpers/node.js';
import { expectApiError } from '../helpers/api-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-reload-input-'));
const path = join(dir, 'node.yaml');
const logs = new LogCapture();
let node: SpaceCommsNode;
let url: string;

const base = `node: { id: reload-input }
server: { port: 0 }
storage: { type: memory }
api:
  auth:
    enabled: true
    tokens:
      - { id: admin, secret: "${ADMIN_TOKEN}", permissions: [read, write, admin] }
      - { id: reader, secret: "${READ_TOKEN}", permissions: [read] }
`;

beforeAll(async () => {
  writeFileSync(path, `${base}peers:\n  - { id: first-peer, address: "http://127.0.0.1:9" }\n`);
  const loaded = loadConfig(path, {});
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  node = new SpaceCommsNode(loaded.config, { configPath: path, logger: createLogger({ level: 'debug', format: 'json', output: 'stdout', nodeId: 'reload-input' }, logs) });
  url = await node.start();
});
afterAll(async () => {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
});

const peerIds = async () => ((await http(url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as { peer_id: string }[]).map((p) => p.peer_id);

describe('reload with a bad file', () => {
  it.each([
    ['a syntax error', `${base}peers: [ { id: x\n`],
    ['a schema error', `${base}peers:\n  - { id: p1, address: "http://127.0.0.1:99999" }\n`],
    ['an alias bomb', `${base}${aliasBomb(9)}`],
    ['an unresolved alias', `${base}peers: *missing\n`],
    ['a token that cannot be a header value', base.replace(ADMIN_TOKEN, `${ADMIN_TOKEN}\\r\\nX-Injected: 1`)],
  ])('refuses %s, logs it, and keeps the running configuration', async (_what, text) => {
    writeFileSync(path, text);
    const before = logs.withMsg('configuration reload refused; the running configuration stays').length;
    const res = await http(url, 'POST', '/admin/reload', { token: ADMIN_TOKEN });
    expectApiError(res, 400, 'validation_failed');
    expect((res.json.details as { problems: string[] }).problems.length).toBeGreaterThan(0);
    expect(logs.withMsg('configuration reload refused; the running configuration stays').length).toBe(before + 1);
    expect((await http(url, 'GET', '/health')).status).toBe(200);
    expect(await peerIds()).toEqual(['first-peer']);
  });

  it('takes an ordinary file with 120 peers sharing an anchored policy block', async () => {
    writeFileSync(path, `${base}${sharedPolicyPeers(120)}`);
    const res = await http(url, 'POST', '/admin/reload', { token: ADMIN_TOKEN });
    expect(res.status, res.text).toBe(200);
    const ids = await peerIds();
    expect(ids).toHaveLength(120);
    expect(ids).not.toContain('first-peer');
    const peers = (await http(url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as { peer_id: string; policies: Record<string, unknown> }[];
    expect(peers.find((p) => p.peer_id === 'peer-119')?.policies).toMatchObject({ accept_maneuver: false, forward_maneuver: false });
  });
});

describe('SIGHUP with a bad file', () => {
  it('keeps the node running through an alias bomb and an unresolved alias', async () => {
    const cliPath = join(dir, 'cli.yaml');
    writeFileSync(cliPath, `${base}peers:\n  - { id: first-peer, address: "http://127.0.0.1:9" }\n`);
    const cli = await startCli(['--config', cliPath]);
    try {
      for (const [i, bad] of [`${base}${aliasBomb(9)}`, `${base}peers: *missing\n`].entries()) {
        writeFileSync(cliPath, bad);
        cli.child.kill('SIGHUP');
        await waitFor(`reload ${i + 1} refused`, () => (cli.output().match(/configuration reload refused/g) ?? []).length === i + 1);
      }
      expect(cli.child.exitCode).toBeNull();
      expect((await http(cli.url, 'GET', '/health')).status).toBe(200);
      const peers = (await http(cli.url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as { peer_id: string }[];
      expect(peers.map((p) => p.peer_id)).toEqual(['first-peer']);
    } finally {
      await cli.stop();
    }
  }, 30_000);
});
