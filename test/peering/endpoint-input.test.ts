import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, nodeYaml } from '../helpers/network.js';
import { ADMIN_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { rawRequest } from '../helpers/raw-http.js';

let target: TestNode;
const PROBE = 'probe-input';

beforeAll(async () => {
  target = await startTestNode(nodeYaml('target-input').replace('\napi:\n  auth:', '\napi:\n  body_limit_bytes: 4096\n  auth:'));
  const added = await http(target.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: PROBE, address: 'http://127.0.0.1:9', auth_token: PEERING_SECRET } });
  expect(added.status).toBe(201);
});
afterAll(async () => target.stop());

function envelope(type: string, payload: object, extra: object = {}) {
  return { protocol_version: '1.0', message_id: randomUUID(), timestamp: new Date().toISOString(), source_node_id: PROBE, message_type: type, hop_count: 0, ttl: 10, path: [PROBE], payload, ...extra };
}

const hello = () => envelope('HELLO', { node_name: 'Probe', capabilities: ['CDM'], supported_versions: ['1.0'], auth_token: PEERING_SECRET }, { ttl: 1 });

function send(raw: string, contentType = 'application/json') {
  return http(target.url, 'POST', '/spacecomms/v1/messages', { token: PEERING_SECRET, headers: { 'x-spacecomms-node-id': PROBE }, raw, contentType });
}

function expectInvalid(res: Awaited<ReturnType<typeof send>>, mentions?: string) {
  expect(res.status, res.text).toBe(400);
  expect(res.json).toMatchObject({ message_type: 'ERROR', source_node_id: 'target-input', payload: { error_code: 'INVALID_MESSAGE' } });
  if (mentions) expect((res.json.payload as { error_message: string }).error_message).toContain(mentions);
}

describe('peer endpoint input rules', () => {
  it('takes JSON with media-type parameters in any case', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON;Charset=UTF-8']) {
      const res = await send(JSON.stringify(hello()), type);
      expect(res.status, res.text).toBe(200);
      expect(res.json.message_type).toBe('HELLO');
    }
    const cdm = envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'CHARSET-1' }) });
    const res = await send(JSON.stringify(cdm), 'Application/JSON; charset=UTF-8');
    expect(res.json).toEqual({ status: 'accepted', message_id: cdm.message_id });
  });

  it('refuses a non-finite number in the payload or the envelope with 400 INVALID_MESSAGE naming the field', async () => {
    expect((await send(JSON.stringify(hello()))).status).toBe(200);
    const inPayload = JSON.stringify(envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'INF-1', miss_distance_m: 'X' as unknown as number }) })).replace('"X"', '1e309');
    expectInvalid(await send(inPayload), 'payload.cdm.miss_distance_m');
    const inEnvelope = JSON.stringify(envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'INF-2' }) }, { trace_weight: 'X' })).replace('"X"', '-1e400');
    expectInvalid(await send(inEnvelope), 'trace_weight');
    expect(target.node.store.getCdm('INF-1')).toBeUndefined();
    expect(target.node.store.getCdm('INF-2')).toBeUndefined();
  });

  it('answers a body over the size limit with 400 INVALID_MESSAGE that reaches a client writing its whole body first', async () => {
    const body = JSON.stringify({ ...envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'BIG-PEER' }) }), padding: 'x'.repeat(6 * 1024 * 1024) });
    const { host } = new URL(target.url);
    const request =
      `POST /spacecomms/v1/messages HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${PEERING_SECRET}\r\nX-SpaceComms-Node-Id: ${PROBE}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const res = await rawRequest(target.url, request, { writeAllFirst: true });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ message_type: 'ERROR', payload: { error_code: 'INVALID_MESSAGE' } });
  });
});
