import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, addPeer, holds, isConnected, link, nodeYaml, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

let target: TestNode;
let neighbour: TestNode;
const PROBE = 'probe';

beforeAll(async () => {
  [target, neighbour] = (await startNetworkNodes(['target', 'neighbour'])) as [TestNode, TestNode];
  await link(target, neighbour);
  // The probe is a peer of target that this test plays by hand; nothing listens at its address.
  await http(target.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: PROBE, address: 'http://127.0.0.1:9', auth_token: PEERING_SECRET } });
});
afterAll(async () => stopAll([target, neighbour]));

function envelope(type: string, payload: object, extra: object = {}) {
  return {
    protocol_version: '1.0',
    message_id: randomUUID(),
    timestamp: new Date().toISOString(),
    source_node_id: PROBE,
    message_type: type,
    hop_count: 0,
    ttl: 10,
    path: [PROBE],
    payload,
    ...extra,
  };
}

const hello = (versions = ['1.0'], extra: object = {}) =>
  envelope('HELLO', { node_name: 'Probe', capabilities: ['CDM'], supported_versions: versions, auth_token: PEERING_SECRET }, { ttl: 1, ...extra });

function send(body: unknown, options: { nodeId?: string; token?: string; raw?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.nodeId !== '') headers['x-spacecomms-node-id'] = options.nodeId ?? PROBE;
  return http(target.url, 'POST', '/spacecomms/v1/messages', {
    token: options.token ?? PEERING_SECRET,
    headers,
    ...(options.raw !== undefined ? { raw: options.raw } : { body }),
  });
}

function expectError(res: Awaited<ReturnType<typeof send>>, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.json).toMatchObject({ message_type: 'ERROR', source_node_id: 'target', payload: { error_code: code } });
}

describe('POST /spacecomms/v1/messages', () => {
  it('answers messages before HELLO with 401 "no session"', async () => {
    const res = await send(envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'EARLY' }) }));
    expectError(res, 401, 'UNAUTHORIZED');
    expect((res.json.payload as { error_message: string }).error_message).toBe('no session');
  });

  it('answers HELLO with its own HELLO and a CDM with accepted, then duplicate', async () => {
    const res = await send(hello());
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ message_type: 'HELLO', source_node_id: 'target', payload: { supported_versions: ['1.0', '1.1'], features: ['SYNC_REQUEST', 'GOODBYE', 'BATCH', 'SIGNATURES'] } });
    const cdm = envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'PROBE-1' }) });
    const first = await send(cdm);
    expect(first.json).toEqual({ status: 'accepted', message_id: cdm.message_id });
    expect((await send(cdm)).json).toEqual({ status: 'duplicate', message_id: cdm.message_id });
    await waitFor('PROBE-1 forwarded to neighbour', () => holds(neighbour, 'PROBE-1'));
  });

  it('refuses a wrong token and an unknown node with 401, logging authentication failed without the token', async () => {
    expectError(await send(hello(), { token: 'not-the-peering-secret' }), 401, 'UNAUTHORIZED');
    expectError(await send(hello(), { nodeId: 'stranger' }), 401, 'UNAUTHORIZED');
    const failures = target.logs.withMsg('authentication failed');
    expect(failures.some((l) => l.peer === PROBE && l.reason === 'wrong token')).toBe(true);
    expect(failures.some((l) => l.peer === 'stranger' && l.reason === 'unknown peer')).toBe(true);
    expect(target.logs.raw.join('\n')).not.toContain('not-the-peering-secret');
    expect(target.logs.raw.join('\n')).not.toContain(PEERING_SECRET);
  });

  it('finds the peer by its token when the node-id header is missing', async () => {
    expect((await send(hello(), { nodeId: '' })).status).toBe(200);
  });

  it('refuses a MAJOR 2 HELLO with UNSUPPORTED_VERSION, logging both versions', async () => {
    expectError(await send(hello(['2.0'])), 400, 'UNSUPPORTED_VERSION');
    const refused = target.logs.lines.find((l) => Array.isArray(l.peer_versions) && (l.peer_versions as string[]).includes('2.0'));
    expect(refused).toMatchObject({ our_versions: ['1.0', '1.1'], peer_versions: ['2.0'] });
    expectError(await send(hello(['2.0'], { protocol_version: '2.0' })), 400, 'UNSUPPORTED_VERSION');
    expect((await send(hello())).status).toBe(200);
  });

  it('answers malformed JSON, a bad envelope and an unknown type with 400 INVALID_MESSAGE and keeps the session', async () => {
    expectError(await send(undefined, { raw: '{"protocol_version": ' }), 400, 'INVALID_MESSAGE');
    const badHop = await send({ ...envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'BAD-HOP' }) }), hop_count: -3 });
    expectError(badHop, 400, 'INVALID_MESSAGE');
    const { tca: _tca, ...noTca } = sampleCdm({ cdm_id: 'NO-TCA' });
    expectError(await send(envelope('CDM_ANNOUNCE', { cdm: noTca })), 400, 'INVALID_MESSAGE');
    expect(target.logs.withMsg('cdm validation failed').some((l) => l.field === 'payload.cdm.tca' && l.peer === PROBE)).toBe(true);
    expectError(await send(envelope('CDM_TELEPORT', {})), 400, 'INVALID_MESSAGE');
    const after = await send(envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'AFTER-ERRORS' }) }));
    expect(after.json.status).toBe('accepted');
  });

  it('refuses a hop_count above max_hop_count and applies a message that looped back by the merge rules, without forwarding it', async () => {
    expectError(await send(envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'FAR' }) }, { hop_count: 11 })), 400, 'INVALID_MESSAGE');
    await http(target.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'MINE' }) });
    const looped = envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'MINE', miss_distance_m: 1 }) }, { source_node_id: 'target', path: ['target', PROBE] });
    expect((await send(looped)).json.status).toBe('accepted');
    // Same creation_date: the larger canonical form wins, and that is the one held.
    expect(target.node.store.getCdm('MINE')?.announce?.payload.cdm.miss_distance_m).toBe(212.4);
    expect(target.logs.withMsg('routing decision').find((l) => l.message_id === looped.message_id)).toMatchObject({ reason: 'table unchanged' });
    const withdrawal = envelope('CDM_WITHDRAW', { cdm_id: 'MINE', reason: 'ERROR', effective_time: new Date().toISOString() }, { source_node_id: 'target', path: ['target', PROBE] });
    expect((await send(withdrawal)).json.status).toBe('accepted');
    expect(target.node.store.getCdm('MINE')?.status).toBe('withdrawn');
    expect(target.logs.withMsg('routing decision').find((l) => l.message_id === withdrawal.message_id)).toMatchObject({
      reason: 'came back round a loop: applied, not forwarded',
    });
  });

  it('keeps the other sessions up through all of this', () => {
    expect(isConnected(target, 'neighbour')).toBe(true);
    expect(target.logs.withMsg('peer session lost').filter((l) => l.peer === 'neighbour')).toEqual([]);
  });
});

describe('rate limit', () => {
  it('answers a flood with 429 and Retry-After, and the sender delivers everything later', async () => {
    const sender = await startTestNode(nodeYaml('flooder'));
    const limited = await startTestNode(nodeYaml('limited', { protocol: '  rate_limit: { messages_per_second: 20, burst: 5 }' }));
    try {
      await addPeer(sender, limited);
      await addPeer(limited, sender);
      await waitFor('connected', () => isConnected(sender, 'limited') && isConnected(limited, 'flooder'));
      const count = 40;
      for (let i = 0; i < count; i++) await http(sender.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: `FLOOD-${i}` }) });
      await waitFor('every flooded CDM delivered', () => Array.from({ length: count }, (_, i) => `FLOOD-${i}`).every((id) => holds(limited, id)), 30_000);
      expect(limited.logs.withMsg('rate limit exceeded').some((l) => l.peer === 'flooder')).toBe(true);
      const errors = await limited.node.metrics.errors.get();
      expect(errors.values.find((v) => v.labels.code === 'rate_limited')?.value ?? 0).toBeGreaterThan(0);
    } finally {
      await stopAll([sender, limited]);
    }
  }, 60_000);
});
