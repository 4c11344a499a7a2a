import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCdm, sampleManeuverIntent, sampleObjectState } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { isoDay } from '../helpers/clock.js';

const dirs: string[] = [];
const running: TestNode[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((n) => n.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileNodeYaml(dir: string): string {
  return `node: { id: durable }\nserver: { port: 0 }\n${AUTH_YAML}storage: { type: file, file_path: ${JSON.stringify(dir)} }\n`;
}

async function start(dir: string): Promise<TestNode> {
  const node = await startTestNode(fileNodeYaml(dir));
  running.push(node);
  return node;
}

describe('file storage across a restart', () => {
  it('keeps CDMs, tombstones, objects, maneuvers and peers added through the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spacecomms-persist-'));
    dirs.push(dir);
    let node = await start(dir);
    await http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'KEEP-1' }) });
    await http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'GONE-1' }) });
    await http(node.url, 'DELETE', '/cdms/GONE-1', { token: WRITE_TOKEN, body: { reason: 'ERROR' } });
    await http(node.url, 'POST', '/objects', { token: WRITE_TOKEN, body: sampleObjectState() });
    const { maneuver_id: _id, ...intent } = sampleManeuverIntent();
    const maneuverId = String((await http(node.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: intent })).json.maneuver_id);
    await http(node.url, 'PATCH', `/maneuvers/${maneuverId}`, { token: WRITE_TOKEN, body: { status: 'IN_PROGRESS' } });
    await http(node.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'kept-peer', address: 'http://127.0.0.1:9', auth_token: 'kept-peer-secret' } });
    await http(node.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'removed-peer', address: 'http://127.0.0.1:9' } });
    await http(node.url, 'DELETE', '/peers/removed-peer', { token: ADMIN_TOKEN });
    const before = (await http(node.url, 'GET', '/cdms?status=all', { token: READ_TOKEN })).json;

    await node.stop();
    running.splice(running.indexOf(node), 1);
    node = await start(dir);

    expect((await http(node.url, 'GET', '/cdms?status=all', { token: READ_TOKEN })).json).toEqual(before);
    expect((await http(node.url, 'GET', '/cdms/GONE-1', { token: READ_TOKEN })).json).toMatchObject({ status: 'withdrawn', withdrawal: { reason: 'ERROR' } });
    expect((await http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'GONE-1', creation_date: isoDay(400) }) })).status).toBe(409);
    expect((await http(node.url, 'GET', '/objects/58001', { token: READ_TOKEN })).json).toMatchObject({ object_id: '58001', status: 'active' });
    expect((await http(node.url, 'GET', `/maneuvers/${maneuverId}`, { token: READ_TOKEN })).json).toMatchObject({ status: 'IN_PROGRESS' });
    const peers = (await http(node.url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as { peer_id: string }[];
    expect(peers.map((p) => p.peer_id)).toEqual(['kept-peer']);
    // Sealed at rest, opened again for the session.
    expect(node.node.store.listPeers()[0]?.auth_token).toMatch(/^enc:v1:/);
    expect(node.node.peers.definitions()[0]?.auth_token).toBe('kept-peer-secret');
  });

  it('refuses to start on a file that is not a SQLite database, leaving it as it was', async () => {
    const { writeFileSync, readFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'spacecomms-notdb-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'spacecomms.db'), 'this is a text file, not a database\n');
    await expect(startTestNode(fileNodeYaml(dir))).rejects.toThrow(/storage\.file_path: .*is not a SQLite database/);
    expect(readFileSync(join(dir, 'spacecomms.db'), 'utf8')).toBe('this is a text file, not a database\n');
  });
});
