import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureText, sampleCdm, sampleManeuverIntent, sampleObjectState } from '../helpers/fixtures.js';
import { AUTH_YAML, ADMIN_TOKEN, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { expectApiError } from '../helpers/api-errors.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode(`node: { id: node-input }\nserver: { port: 0 }\n${AUTH_YAML}`);
});
afterAll(async () => t.stop());

/** A JSON text whose number at `marker` is 1e309, which JSON.parse reads as Infinity. */
const withHugeNumber = (value: unknown, marker: string) => JSON.stringify(value).replace(`"${marker}"`, '1e309');

async function allCdmIds(): Promise<string[]> {
  const res = await http(t.url, 'GET', '/cdms?status=all&limit=1000', { token: READ_TOKEN });
  return (res.json.cdms as { cdm_id: string }[]).map((c) => c.cdm_id).sort();
}

describe('numbers are finite', () => {
  it('refuses 1e309 in a CDM field, naming it, and stores nothing', async () => {
    const before = await allCdmIds();
    const raw = withHugeNumber(sampleCdm({ cdm_id: 'HUGE-1', miss_distance_m: 'X' as unknown as number }), 'X');
    expectApiError(await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw }), 400, 'validation_failed', 'miss_distance_m');
    expect(await allCdmIds()).toEqual(before);
  });

  it('refuses a non-finite number in a field the schema does not know', async () => {
    const cdm = sampleCdm({ cdm_id: 'HUGE-2' });
    const raw = withHugeNumber({ ...cdm, object1: { ...cdm.object1, extra_m: 'X' } }, 'X');
    expectApiError(await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw }), 400, 'validation_failed', 'object1.extra_m');
    expect(await allCdmIds()).not.toContain('HUGE-2');
  });

  it('refuses -1e309 in an object state and in a maneuver', async () => {
    const state = { ...sampleObjectState(), object_id: 'HUGE-OBJ', state_vector: { ...(sampleObjectState().state_vector as object), x_km: 'X' } };
    const res = await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, raw: JSON.stringify(state).replace('"X"', '-1e309') });
    expectApiError(res, 400, 'validation_failed', 'state_vector.x_km');
    expect((await http(t.url, 'GET', '/objects/HUGE-OBJ', { token: READ_TOKEN })).status).toBe(404);

    const { maneuver_id: _id, ...intent } = sampleManeuverIntent();
    const maneuver = withHugeNumber({ ...intent, planned_duration_s: 'X' }, 'X');
    expectApiError(await http(t.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, raw: maneuver }), 400, 'validation_failed', 'planned_duration_s');
  });
});

describe('JSON with media-type parameters', () => {
  const types = ['application/json; charset=utf-8', 'Application/JSON;Charset=UTF-8', 'application/json ; charset="utf-8"'];

  it.each(types)('is JSON on POST /cdm, /objects, /maneuvers, /peers and DELETE (%s)', async (contentType) => {
    const tag = Buffer.from(contentType).toString('hex').slice(-12);
    const cdm = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: `MT-${tag}` }), contentType });
    expect(cdm.status, cdm.text).toBe(201);
    const object = await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, body: { ...sampleObjectState(), object_id: `MTO-${tag}` }, contentType });
    expect(object.status, object.text).toBe(201);
    const { maneuver_id: _id, ...intent } = sampleManeuverIntent();
    const maneuver = await http(t.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: intent, contentType });
    expect(maneuver.status, maneuver.text).toBe(201);
    const patch = await http(t.url, 'PATCH', `/maneuvers/${maneuver.json.maneuver_id as string}`, { token: WRITE_TOKEN, body: { status: 'IN_PROGRESS' }, contentType });
    expect(patch.status, patch.text).toBe(200);
    const peer = await http(t.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: `mt-peer-${tag}`, address: 'http://127.0.0.1:9' }, contentType });
    expect(peer.status, peer.text).toBe(201);
    const withdrawn = await http(t.url, 'DELETE', `/cdms/MT-${tag}`, { token: WRITE_TOKEN, body: { reason: 'ERROR' }, contentType });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.json.reason).toBe('ERROR');
  });

  it('takes CCSDS KVN as text/plain and XML as application/xml with parameters', async () => {
    const kvn = fixtureText('ccsds/CDMExample2.kvn');
    const res = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: kvn, contentType: 'Text/Plain; Charset=UTF-8' });
    expect(res.status, res.text).toBeLessThan(300);
    const xml = fixtureText('ccsds/b2-example.xml');
    const resXml = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: xml, contentType: 'Application/XML; charset=utf-8' });
    expect(resXml.status, resXml.text).toBeLessThan(300);
  });

  it('still answers 415 for other media types', async () => {
    const res = await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, raw: JSON.stringify(sampleObjectState()), contentType: 'application/jsonx' });
    expectApiError(res, 415, 'unsupported_media_type');
  });
});

describe('ids up to 128 characters', () => {
  const longId = (prefix: string) => `${prefix}${'a1-_.:'.repeat(30)}`.slice(0, 128);

  it('reads and withdraws a CDM with a 128-character id', async () => {
    const id = longId('CDM-');
    expect(id).toHaveLength(128);
    expect((await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: id }) })).status).toBe(201);
    const one = await http(t.url, 'GET', `/cdms/${encodeURIComponent(id)}`, { token: READ_TOKEN });
    expect(one.status, one.text).toBe(200);
    expect(one.json.cdm_id).toBe(id);
    const gone = await http(t.url, 'DELETE', `/cdms/${id}`, { token: WRITE_TOKEN, body: { reason: 'ERROR' } });
    expect(gone.status, gone.text).toBe(200);
    expect(gone.json).toMatchObject({ cdm_id: id, status: 'withdrawn' });
  });

  it('reads and withdraws an object with a 128-character id', async () => {
    const id = longId('OBJ-');
    expect((await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, body: { ...sampleObjectState(), object_id: id } })).status).toBe(201);
    const one = await http(t.url, 'GET', `/objects/${id}`, { token: READ_TOKEN });
    expect(one.status, one.text).toBe(200);
    const gone = await http(t.url, 'DELETE', `/objects/${id}`, { token: WRITE_TOKEN, body: { reason: 'DECAYED' } });
    expect(gone.status, gone.text).toBe(200);
  });

  it('reads and updates a maneuver with a 128-character id received from the network', async () => {
    const id = longId('MNV-');
    const result = t.node.router.originate('MANEUVER_INTENT', { ...sampleManeuverIntent(), maneuver_id: id } as never);
    expect(result.outcome).toBe('created');
    const one = await http(t.url, 'GET', `/maneuvers/${id}`, { token: READ_TOKEN });
    expect(one.status, one.text).toBe(200);
    expect(one.json.maneuver_id).toBe(id);
    const patched = await http(t.url, 'PATCH', `/maneuvers/${id}`, { token: WRITE_TOKEN, body: { status: 'CANCELLED' } });
    expect(patched.status, patched.text).toBe(200);
  });

  it('answers an unknown long id with 404 and a too long one with 400, in the error shape', async () => {
    expectApiError(await http(t.url, 'GET', `/cdms/${longId('NONE-')}`, { token: READ_TOKEN }), 404, 'not_found');
    expectApiError(await http(t.url, 'GET', `/objects/${'x'.repeat(5000)}`, { token: READ_TOKEN }), 400, 'validation_failed', 'id');
  });
});
