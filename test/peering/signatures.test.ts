import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CdmRecord } from '../../src/model/records.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import { generateSigningKey } from '../../src/trust/keys.js';
import { signEnvelope } from '../../src/trust/signing.js';
import { isoDay } from '../helpers/clock.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, holds, link, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { Mallory, keyDir, makeKey, signedNodeYaml, trustYaml, type NodeKey } from '../helpers/trust.js';

const dir = keyDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mallory = new Mallory();
const malloryKey = generateSigningKey('mallory');
const malloryEntry: NodeKey = { nodeId: 'mallory', path: '', key_id: malloryKey.key_id, public_key: malloryKey.public_key };

/** A line of three nodes, each trusting the others' keys and mallory's, and each with mallory as a neighbour. */
async function line(mode: 'enforce' | 'log', prefix: string): Promise<TestNode[]> {
  const ids = ['a', 'b', 'c'].map((s) => `${prefix}-${s}`);
  const keys = ids.map((id) => makeKey(dir, id));
  const trust = trustYaml(mode, [...keys, malloryEntry]);
  const nodes = await Promise.all(ids.map((id, i) => startTestNode(signedNodeYaml(id, keys[i] as NodeKey, trust))));
  await link(nodes[0] as TestNode, nodes[1] as TestNode);
  await link(nodes[1] as TestNode, nodes[2] as TestNode);
  for (const node of nodes) await mallory.join(node);
  return nodes;
}

const post = (node: TestNode, cdm: object) => http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: cdm });
const view = async (node: TestNode, id: string) => (await http(node.url, 'GET', `/cdms/${id}`, { token: READ_TOKEN })).json;

function expectRefused(res: { status: number; json: Record<string, unknown> }): void {
  expect(res.status).toBe(400);
  expect(res.json).toMatchObject({ message_type: 'ERROR', payload: { error_code: 'INVALID_SIGNATURE' } });
}

/** The held (signed) announce of a CDM at a node. */
function heldAnnounce(node: TestNode, id: string): Envelope<'CDM_ANNOUNCE'> {
  const announce = (holds(node, id) as CdmRecord).announce;
  if (!announce) throw new Error(`${id} has no announce`);
  return announce;
}

async function refusedCount(node: TestNode, origin: string): Promise<number> {
  const metric = await node.node.metrics.originSignatures.get();
  return metric.values.filter((v) => v.labels.origin === origin && v.labels.outcome === 'refused').reduce((s, v) => s + v.value, 0);
}

describe('origin signatures in enforce mode, on a line of three', () => {
  let nodes: TestNode[] = [];
  let a: TestNode;
  let b: TestNode;
  let c: TestNode;
  beforeAll(async () => {
    nodes = await line('enforce', 'enf');
    [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    await post(a, sampleCdm({ cdm_id: 'SIG-1' }));
    await waitFor('SIG-1 at the far end', () => holds(c, 'SIG-1'));
  }, 60_000);
  afterAll(async () => stopAll(nodes));

  it('carries the originator’s signature to every node, verified there', async () => {
    const keyA = a.node.trust.key.key_id;
    for (const node of nodes) {
      expect(await view(node, 'SIG-1')).toMatchObject({ origin: 'enf-a', signature: { key_id: keyA, verified: true, result: 'verified', authority: 'origin' } });
    }
    expect(heldAnnounce(c, 'SIG-1').signature?.key_id).toBe(keyA);
    const keys = (await http(c.url, 'GET', '/keys', { token: READ_TOKEN })).json;
    expect(keys).toMatchObject({ node_id: 'enf-c', mode: 'enforce' });
    expect((keys.trusted as { key_id: string }[]).map((k) => k.key_id)).toContain(keyA);
    expect(JSON.stringify(keys)).not.toMatch(/PRIVATE/);
  });

  it('refuses a forged origin at every node: unsigned, or signed by a key of another node', async () => {
    for (const node of nodes) {
      const unsigned = mallory.envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'FORGED-1' }) }, { source_node_id: 'enf-a', path: ['enf-a'] });
      expectRefused(await mallory.send(node, unsigned));
      const byMallory = signEnvelope(mallory.envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'FORGED-2' }) }), malloryKey);
      expectRefused(await mallory.send(node, { ...byMallory, source_node_id: 'enf-a' }));
      expect(holds(node, 'FORGED-1')).toBeUndefined();
      expect(holds(node, 'FORGED-2')).toBeUndefined();
      const logged = node.logs.withMsg('origin signature refused').find((l) => l.message_id === byMallory.message_id);
      expect(logged).toMatchObject({ origin: 'enf-a', key_id: malloryKey.key_id, reason: expect.stringMatching(/not a key of the origin enf-a/) as unknown });
      const audit = node.node.store.audit.query({ message_id: unsigned.message_id, peer: 'mallory', limit: 5, offset: 0 }).items;
      expect(audit.find((e) => e.direction === 'in')).toMatchObject({ decision: 'refused', code: 'INVALID_SIGNATURE', signature: 'unsigned' });
    }
  });

  it('checks the signatures of a batch ahead, on worker threads, with the verdicts of one-by-one checks', async () => {
    // Mallory (a trusted key here) says HELLO again, now listing BATCH.
    const batcher = mallory;
    const hello = batcher.envelope('HELLO', { node_name: 'Mallory', capabilities: ['CDM'], supported_versions: ['1.0', '1.1'], features: ['SIGNATURES', 'BATCH'], auth_token: PEERING_SECRET }, { ttl: 1 });
    expect((await batcher.send(c, hello)).status).toBe(200);
    const announce = (id: string) => signEnvelope(batcher.envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: id }) }), malloryKey);
    const good = ['AHEAD-1', 'AHEAD-2', 'AHEAD-3', 'AHEAD-4'].map(announce);
    const altered = announce('AHEAD-5') as Envelope<'CDM_ANNOUNCE'>;
    const stranger = generateSigningKey('mallory');
    const batch = [
      good[0],
      { ...altered, payload: { cdm: { ...altered.payload.cdm, miss_distance_m: 1 } } },
      good[1],
      signEnvelope(batcher.envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'AHEAD-6' }) }), stranger),
      batcher.envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'AHEAD-7' }) }),
      good[2],
      good[3],
    ];
    const res = await batcher.send(c, { batch });
    expect(res.status).toBe(200);
    const results = (res.json as { results: { status?: string; payload?: { error_code?: string; error_message?: string } }[] }).results;
    expect(results.map((r) => r.payload?.error_code ?? r.status)).toEqual(['accepted', 'INVALID_SIGNATURE', 'accepted', 'INVALID_SIGNATURE', 'INVALID_SIGNATURE', 'accepted', 'accepted']);
    expect(results[1]?.payload?.error_message).toMatch(/does not match/);
    expect(results[3]?.payload?.error_message).toMatch(/not trusted/);
    for (const id of ['AHEAD-1', 'AHEAD-2', 'AHEAD-3', 'AHEAD-4']) {
      expect(await view(c, id)).toMatchObject({ signature: { key_id: malloryKey.key_id, verified: true, result: 'verified' } });
    }
    for (const id of ['AHEAD-5', 'AHEAD-6', 'AHEAD-7']) expect(holds(c, id)).toBeUndefined();
  });

  it('refuses a payload altered by a relay at every node, under its own message_id or a new one', async () => {
    const original = heldAnnounce(b, 'SIG-1');
    const cdm = { ...original.payload.cdm, miss_distance_m: 5000, creation_date: isoDay(0, '23:59:59.000') };
    for (const node of nodes) {
      expectRefused(await mallory.send(node, { ...original, payload: { cdm } }));
      expectRefused(await mallory.send(node, { ...original, message_id: `${original.message_id}-x`, payload: { cdm } }));
      expect(heldAnnounce(node, 'SIG-1').payload.cdm.miss_distance_m).toBe(original.payload.cdm.miss_distance_m);
    }
  });

  it('refuses a withdrawal by a node that is not the origin, from a neighbour or forced by another node’s operator', async () => {
    const withdrawal = signEnvelope(mallory.envelope('CDM_WITHDRAW', { cdm_id: 'SIG-1', reason: 'FALSE_POSITIVE', effective_time: new Date().toISOString() }), malloryKey);
    for (const node of nodes) {
      const res = await mallory.send(node, withdrawal);
      expectRefused(res);
      expect((res.json.payload as { error_message: string }).error_message).toMatch(/mallory has no authority over a record of enf-a/);
      expect(holds(node, 'SIG-1')?.status).toBe('active');
    }
    await post(a, sampleCdm({ cdm_id: 'SIG-2' }));
    await waitFor('SIG-2 everywhere', () => nodes.every((n) => holds(n, 'SIG-2')));
    const notOwn = await http(b.url, 'DELETE', '/cdms/SIG-2', { token: WRITE_TOKEN, body: { reason: 'ERROR' } });
    expect(notOwn.status).toBe(409);
    expect(notOwn.json).toMatchObject({ error: 'conflict', details: { origin: 'enf-a' } });
    const writerForce = await http(b.url, 'DELETE', '/cdms/SIG-2', { token: WRITE_TOKEN, body: { reason: 'ERROR', force: true } });
    expect(writerForce.status).toBe(403);
    const forced = await http(b.url, 'DELETE', '/cdms/SIG-2', { token: ADMIN_TOKEN, body: { reason: 'ERROR', force: true } });
    expect(forced.json).toMatchObject({ cdm_id: 'SIG-2', status: 'withdrawn', forced: true });
    expect(await view(b, 'SIG-2')).toMatchObject({ status: 'withdrawn', signature: { key_id: b.node.trust.key.key_id, verified: true, authority: 'not_origin', forced: true } });
    expect(b.node.store.getCdm('SIG-2')?.withdrawal?.payload).not.toHaveProperty('force');
    await waitFor('the forced withdrawal refused by both neighbours', async () => (await refusedCount(a, 'enf-b')) > 0 && (await refusedCount(c, 'enf-b')) > 0);
    expect(holds(a, 'SIG-2')?.status).toBe('active');
    expect(holds(c, 'SIG-2')?.status).toBe('active');
  });

  it('keeps the newer state against a replayed old message, and refuses a replay with a tampered payload', async () => {
    await post(a, sampleCdm({ cdm_id: 'REPLAY-1', creation_date: isoDay(-1, '01:00:00.000'), miss_distance_m: 100 }));
    await waitFor('REPLAY-1 v1 at c', () => holds(c, 'REPLAY-1'));
    const old = heldAnnounce(c, 'REPLAY-1');
    await post(a, sampleCdm({ cdm_id: 'REPLAY-1', creation_date: isoDay(-1, '02:00:00.000'), miss_distance_m: 999 }));
    await waitFor('REPLAY-1 v2 everywhere', () => nodes.every((n) => n.node.store.getCdm('REPLAY-1')?.announce?.payload.cdm.miss_distance_m === 999));
    const tampered = { ...old, payload: { cdm: { ...old.payload.cdm, creation_date: isoDay(-1, '03:00:00.000') } } };
    for (const node of nodes) {
      expect((await mallory.send(node, old)).status).toBe(200);
      expectRefused(await mallory.send(node, tampered));
      expect(heldAnnounce(node, 'REPLAY-1').payload.cdm.miss_distance_m).toBe(999);
    }
    await http(a.url, 'DELETE', '/cdms/REPLAY-1', { token: WRITE_TOKEN, body: { reason: 'SUPERSEDED' } });
    await waitFor('REPLAY-1 withdrawn everywhere', () => nodes.every((n) => holds(n, 'REPLAY-1')?.status === 'withdrawn'));
    const newest = heldAnnounce(c, 'REPLAY-1');
    for (const node of nodes) {
      expect((await mallory.send(node, { ...newest, message_id: newest.message_id })).status).toBe(200);
      expect(holds(node, 'REPLAY-1')?.status).toBe('withdrawn');
    }
  });

  it('counts verified and refused messages by origin', async () => {
    const metric = await c.node.metrics.originSignatures.get();
    const count = (origin: string, outcome: string) => metric.values.find((v) => v.labels.origin === origin && v.labels.outcome === outcome)?.value ?? 0;
    expect(count('enf-a', 'verified')).toBeGreaterThan(0);
    expect(count('enf-a', 'refused')).toBeGreaterThan(0);
    expect(count('mallory', 'refused')).toBeGreaterThan(0);
    const text = (await http(c.url, 'GET', '/metrics')).text;
    expect(text).toMatch(/spacecomms_origin_signatures_total\{origin="enf-a",outcome="verified"\} \d+/);
  });
});

describe('origin signatures in log mode, on a line of three', () => {
  let nodes: TestNode[] = [];
  let a: TestNode;
  beforeAll(async () => {
    nodes = await line('log', 'log');
    a = nodes[0] as TestNode;
    await post(a, sampleCdm({ cdm_id: 'LOG-1' }));
    await waitFor('LOG-1 everywhere', () => nodes.every((n) => holds(n, 'LOG-1')));
  }, 60_000);
  afterAll(async () => stopAll(nodes));

  it('takes a forged origin, an altered payload and a withdrawal by a non-originator at every node, and marks each', async () => {
    const original = heldAnnounce(nodes[1] as TestNode, 'LOG-1');
    for (const [i, node] of nodes.entries()) {
      const forged = mallory.envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: `LOG-FORGED-${i}` }) }, { source_node_id: 'log-a', path: ['log-a'] });
      expect((await mallory.send(node, forged)).json.status).toBe('accepted');
      expect(await view(node, `LOG-FORGED-${i}`)).toMatchObject({ origin: 'log-a', signature: { key_id: null, verified: false, result: 'unsigned' } });
      const audit = node.node.store.audit.query({ message_id: forged.message_id, peer: 'mallory', limit: 5, offset: 0 }).items;
      expect(audit.find((e) => e.direction === 'in')).toMatchObject({ decision: 'accepted', signature: 'unsigned' });
    }
    const cdm = { ...original.payload.cdm, miss_distance_m: 5000, creation_date: isoDay(0, '23:59:59.000') };
    const altered = { ...original, message_id: `${original.message_id}-x`, payload: { cdm } };
    for (const node of nodes) {
      expect((await mallory.send(node, altered)).status).toBe(200);
      expect(heldAnnounce(node, 'LOG-1').payload.cdm.miss_distance_m).toBe(5000);
      expect(await view(node, 'LOG-1')).toMatchObject({ signature: { verified: false, result: 'invalid' } });
    }
    expect((nodes[2] as TestNode).logs.withMsg('origin signature not verified').some((l) => l.message_id === altered.message_id && l.origin === 'log-a')).toBe(true);
    const withdrawal = signEnvelope(mallory.envelope('CDM_WITHDRAW', { cdm_id: 'LOG-1', reason: 'FALSE_POSITIVE', effective_time: new Date().toISOString() }), malloryKey);
    expect((await mallory.send(nodes[1] as TestNode, withdrawal)).status).toBe(200);
    for (const node of nodes) {
      await waitFor(`LOG-1 withdrawn at ${node.config.node.id}`, () => holds(node, 'LOG-1')?.status === 'withdrawn');
      expect(await view(node, 'LOG-1')).toMatchObject({ origin: 'log-a', signature: { key_id: malloryKey.key_id, verified: true, authority: 'not_origin' } });
    }
  });

  it('keeps working with a 1.0 neighbour, whose messages are marked unsigned', async () => {
    const old = new Mallory('legacy');
    const node = nodes[2] as TestNode;
    await old.join(node, ['1.0']);
    const peer = (await http(node.url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as { peer_id: string; negotiated_version: string }[];
    expect(peer.find((p) => p.peer_id === 'legacy')?.negotiated_version).toBe('1.0');
    expect((await old.send(node, old.envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'LEGACY-1' }) }))).json.status).toBe('accepted');
    await waitFor('LEGACY-1 spread along the line', () => nodes.every((n) => holds(n, 'LEGACY-1')));
    for (const n of nodes) expect(await view(n, 'LEGACY-1')).toMatchObject({ origin: 'legacy', signature: { verified: false, result: 'unsigned' } });
    const metric = await node.node.metrics.originSignatures.get();
    expect(metric.values.find((v) => v.labels.origin === 'legacy' && v.labels.outcome === 'unsigned')?.value).toBe(1);
  });
});
