import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakePeer } from '../helpers/fake-peer.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, isConnected, nodeYaml, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

let nodes: TestNode[] = [];
const fakes: FakePeer[] = [];
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  nodes = [];
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

const cdmId = (m: { payload: Record<string, unknown> }) => (m.payload.cdm as { cdm_id: string } | undefined)?.cdm_id;

async function nodeWithFake(fake: FakePeer, protocol = ''): Promise<TestNode> {
  const url = await fake.start();
  fakes.push(fake);
  const a = await startTestNode(nodeYaml(`batch-a-${fakes.length}`, { protocol }));
  nodes.push(a);
  await http(a.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'fake', address: url, auth_token: PEERING_SECRET } });
  await waitFor('connected to the fake peer', () => isConnected(a, 'fake'));
  return a;
}

describe('batches (PROTOCOL.md section 11)', () => {
  it('carry what is queued for a peer that listed BATCH in one POST, with one result per envelope', async () => {
    let failOnce = true;
    const fake = new FakePeer({
      nodeId: 'fake',
      versions: ['1.0', '1.1'],
      features: ['BATCH'],
      refuse: (m) => {
        if (cdmId(m) === 'B-REFUSED') return { status: 400, code: 'INVALID_MESSAGE' };
        if (cdmId(m) === 'B-RETRIED' && failOnce) {
          failOnce = false;
          return { status: 500, code: 'INTERNAL_ERROR' };
        }
        return undefined;
      },
    });
    const a = await nodeWithFake(fake, '  batch_linger_ms: 50\n  batch_max_messages: 20');
    const ids = [...Array.from({ length: 40 }, (_, i) => `B-${i}`), 'B-REFUSED', 'B-RETRIED'];
    await Promise.all(ids.map((id) => http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: id }) })));
    await waitFor('every CDM taken by the fake peer', () => ids.every((id) => fake.of('CDM_ANNOUNCE').some((m) => cdmId(m) === id)) && fake.of('CDM_ANNOUNCE').filter((m) => cdmId(m) === 'B-RETRIED').length === 2);
    expect(Math.max(...fake.posts)).toBeGreaterThan(1);
    expect(Math.max(...fake.posts)).toBeLessThanOrEqual(20);
    expect(fake.of('CDM_ANNOUNCE').filter((m) => cdmId(m) === 'B-REFUSED')).toHaveLength(1);
    const peer = ((await http(a.url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as Record<string, unknown>[])[0];
    expect(peer).toMatchObject({ features: ['BATCH'], messages_refused: 1 });
  }, 30_000);

  it('are not used with a peer that did not list BATCH', async () => {
    const fake = new FakePeer({ nodeId: 'fake', versions: ['1.0', '1.1'], features: ['GOODBYE'] });
    const a = await nodeWithFake(fake);
    const ids = Array.from({ length: 20 }, (_, i) => `S-${i}`);
    await Promise.all(ids.map((id) => http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: id }) })));
    await waitFor('every CDM taken', () => ids.every((id) => fake.of('CDM_ANNOUNCE').some((m) => cdmId(m) === id)));
    expect(new Set(fake.posts)).toEqual(new Set([1]));
  }, 30_000);
});

describe('a batch received', () => {
  it('is handled envelope by envelope, in order, answered 200 {results}; HELLO is never batched; too many is refused', async () => {
    const target = await startTestNode(nodeYaml('batch-target', { protocol: '  batch_max_messages: 5', yaml: `peers:\n  - { id: prober, address: "http://127.0.0.1:9", auth_token: ${PEERING_SECRET} }\n` }));
    nodes.push(target);
    const envelope = (type: string, payload: object, extra: object = {}) => ({
      protocol_version: '1.1',
      message_id: randomUUID(),
      timestamp: new Date().toISOString(),
      source_node_id: 'prober',
      message_type: type,
      hop_count: 0,
      ttl: 10,
      path: ['prober'],
      payload,
      ...extra,
    });
    const send = (body: unknown) => http(target.url, 'POST', '/spacecomms/v1/messages', { token: PEERING_SECRET, headers: { 'x-spacecomms-node-id': 'prober' }, body });
    const hello = envelope('HELLO', { node_name: 'Prober', capabilities: ['CDM'], supported_versions: ['1.0', '1.1'], features: ['BATCH'], auth_token: PEERING_SECRET }, { ttl: 1 });
    expect((await send(hello)).status).toBe(200);
    const good = envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'IN-1' }) });
    const bad = envelope('CDM_ANNOUNCE', { cdm: { ...sampleCdm({ cdm_id: 'IN-2' }), tca: 'yesterday' } });
    const res = await send({ batch: [good, bad, hello, good] });
    expect(res.status).toBe(200);
    const results = res.json.results as Record<string, unknown>[];
    expect(results).toHaveLength(4);
    expect(results[0]).toEqual({ status: 'accepted', message_id: good.message_id });
    expect(results[1]).toMatchObject({ message_type: 'ERROR', payload: { error_code: 'INVALID_MESSAGE', related_message_id: bad.message_id } });
    expect(results[2]).toMatchObject({ message_type: 'ERROR', payload: { error_code: 'INVALID_MESSAGE', error_message: 'HELLO is never batched' } });
    expect(results[3]).toEqual({ status: 'duplicate', message_id: good.message_id });
    expect(target.node.store.getCdm('IN-1')?.status).toBe('active');
    const tooMany = await send({ batch: Array.from({ length: 6 }, (_, i) => envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: `MANY-${i}` }) })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({ message_type: 'ERROR', payload: { error_code: 'INVALID_MESSAGE' } });
    expect(target.node.store.getCdm('MANY-0')).toBeUndefined();
  }, 30_000);
});
