import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePeer } from '../helpers/fake-peer.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { FAST_PROTOCOL, PEERING_SECRET, isConnected, waitFor } from '../helpers/network.js';
import { AUTH_YAML, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

/*
 * A full disk: the node's database lives on a 4 MiB tmpfs that the test fills with a
 * filler file. Mounting needs root (CAP_SYS_ADMIN); without it, the same assertions run
 * against a simulated full disk: the store's COMMIT fails with SQLITE_FULL, which is
 * what SQLite reports on a real full disk.
 */

interface Disk {
  dir: string;
  real: boolean;
  fill(): void;
  free(): void;
  release(): void;
}

function smallDisk(): Disk {
  const dir = mkdtempSync(path.join(tmpdir(), 'spacecomms-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return { dir, real: false, fill() {}, free() {}, release: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const filler = path.join(dir, 'filler');
  return {
    dir,
    real: true,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(16 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
    },
    free: () => unlinkSync(filler),
    release() {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Without a mount: the store's COMMIT fails as SQLite's does on a full disk, until freed. */
function simulate(node: TestNode, disk: Disk): void {
  if (disk.real) return;
  const statements = (node.node.store as unknown as { statements: { commit: { run(): unknown } } }).statements;
  const commit = statements.commit.run.bind(statements.commit);
  let full = false;
  statements.commit = {
    run: () => {
      if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return commit();
    },
  };
  disk.fill = () => (full = true);
  disk.free = () => (full = false);
}

const disk = smallDisk();
const p = new FakePeer({ nodeId: 'fp' });
const q = new FakePeer({ nodeId: 'fq' });
let node: TestNode;

function peerEnvelope(cdmId: string) {
  return {
    protocol_version: '1.0',
    message_id: randomUUID(),
    timestamp: new Date().toISOString(),
    source_node_id: 'fp',
    message_type: 'CDM_ANNOUNCE',
    hop_count: 0,
    ttl: 10,
    path: ['fp'],
    payload: { cdm: sampleCdm({ cdm_id: cdmId }) },
  };
}

const fromPeer = (body: unknown) =>
  http(node.url, 'POST', '/spacecomms/v1/messages', { token: PEERING_SECRET, headers: { 'x-spacecomms-node-id': 'fp' }, body });

const cdmsAt = (peer: FakePeer, cdmId: string) => peer.of('CDM_ANNOUNCE').filter((m) => (m.payload.cdm as { cdm_id: string }).cdm_id === cdmId);

beforeAll(async () => {
  const [pUrl, qUrl] = await Promise.all([p.start(), q.start()]);
  const yaml = `node: { id: full-a }\nserver: { port: 0 }\n${AUTH_YAML}${FAST_PROTOCOL}
storage: { type: file, file_path: ${JSON.stringify(path.join(disk.dir, 'db'))} }
peers:
  - { id: fp, address: "${pUrl}", auth_token: ${PEERING_SECRET} }
  - { id: fq, address: "${qUrl}", auth_token: ${PEERING_SECRET} }
`;
  node = await startTestNode(yaml);
  simulate(node, disk);
  await waitFor('both fake peers connected', () => isConnected(node, 'fp') && isConnected(node, 'fq'));
});

afterAll(async () => {
  await node?.stop().catch(() => undefined);
  await Promise.all([p.stop(), q.stop()]);
  disk.release();
});

describe('a full disk', () => {
  let refusedRest: Record<string, unknown> | undefined;
  let refusedPeer: ReturnType<typeof peerEnvelope> | undefined;

  it('answers REST writes 507 insufficient_storage, with a log line, and keeps no trace of them', async () => {
    disk.fill();
    let answer: Awaited<ReturnType<typeof http>> | undefined;
    for (let i = 0; i < 400 && answer === undefined; i++) {
      const cdm = sampleCdm({ cdm_id: `FULL-REST-${i}` });
      const res = await http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: cdm });
      if (res.status !== 201) {
        answer = res;
        refusedRest = cdm as unknown as Record<string, unknown>;
      }
    }
    expect(answer?.status).toBe(507);
    expect(answer?.json).toMatchObject({ error: 'insufficient_storage' });
    expect(String(answer?.json.message)).toMatch(/disk is full/);
    expect(node.logs.withMsg('store write failed: disk full; answered 507').length).toBeGreaterThan(0);
    const id = String(refusedRest?.cdm_id);
    expect(node.node.store.getCdm(id)).toBeUndefined();
    expect((await http(node.url, 'GET', `/cdms/${id}`, { token: WRITE_TOKEN })).status).not.toBe(200);
  });

  it('answers peer messages 500 INTERNAL_ERROR, so that the peer retries', async () => {
    let answer: Awaited<ReturnType<typeof http>> | undefined;
    for (let i = 0; i < 400 && answer === undefined; i++) {
      const message = peerEnvelope(`FULL-PEER-${i}`);
      const res = await fromPeer(message);
      if (res.status !== 200) {
        answer = res;
        refusedPeer = message;
      }
    }
    expect(answer?.status).toBe(500);
    expect(answer?.json).toMatchObject({ message_type: 'ERROR', payload: { error_code: 'INTERNAL_ERROR' } });
    expect(String((answer?.json.payload as { error_message: string }).error_message)).toMatch(/disk is full/);
    expect(node.node.store.getCdm(refusedPeer?.payload.cdm.cdm_id ?? '')).toBeUndefined();
  });

  it('stores, forwards and acknowledges both once space returns: the retry is not a duplicate', async () => {
    disk.free();
    const restId = String(refusedRest?.cdm_id);
    const peerId = refusedPeer?.payload.cdm.cdm_id ?? '';
    // Neither was forwarded while refused.
    expect(cdmsAt(p, restId)).toEqual([]);
    expect(cdmsAt(q, restId)).toEqual([]);
    expect(cdmsAt(q, peerId)).toEqual([]);

    const rest = await waitFor('the REST retry accepted', async () => {
      const res = await http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: refusedRest });
      return res.status === 201 ? res : undefined;
    });
    expect(rest.json).toMatchObject({ cdm_id: restId, status: 'accepted' });
    const retried = await fromPeer(refusedPeer);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ status: 'accepted' });
    expect(node.node.store.getCdm(peerId)?.announce?.message_id).toBe(refusedPeer?.message_id);
    await waitFor('the retried CDMs forwarded', () => cdmsAt(p, restId).length === 1 && cdmsAt(q, restId).length === 1 && cdmsAt(q, peerId).length === 1);
    // The one forwarded copy of the REST CDM is the accepted write, in this node's name.
    expect(cdmsAt(q, restId)[0]?.message_id).not.toBe(undefined);
  });
});
