import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { isoDay } from '../helpers/clock.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode(`node: { id: node-http }\nserver: { port: 0 }\n${AUTH_YAML}`);
});
afterAll(async () => t.stop());

const post = (body: unknown, token = WRITE_TOKEN) => http(t.url, 'POST', '/cdm', { token, body });

describe('POST /cdm', () => {
  it('accepts a CDM and answers 201 with the peers it was queued for', async () => {
    const res = await post(sampleCdm({ cdm_id: 'CDM-A' }));
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ cdm_id: 'CDM-A', status: 'accepted', propagated_to: [] });
  });

  it('answers 200 unchanged for the same CDM again', async () => {
    await post(sampleCdm({ cdm_id: 'CDM-B' }));
    const again = await post(sampleCdm({ cdm_id: 'CDM-B' }));
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ cdm_id: 'CDM-B', status: 'unchanged' });
  });

  it('accepts a newer version and refuses other content that is not newer with 409', async () => {
    await post(sampleCdm({ cdm_id: 'CDM-C', creation_date: isoDay(-1, '05:00:00.000') }));
    const newer = await post(sampleCdm({ cdm_id: 'CDM-C', creation_date: isoDay(-1, '06:00:00.000'), miss_distance_m: 150 }));
    expect(newer.status).toBe(201);
    const older = await post(sampleCdm({ cdm_id: 'CDM-C', creation_date: isoDay(-1, '05:30:00.000'), miss_distance_m: 10 }));
    expect(older.status).toBe(409);
    expect(older.json.error).toBe('conflict');
    const held = await http(t.url, 'GET', '/cdms/CDM-C', { token: READ_TOKEN });
    expect(held.json.miss_distance_m).toBe(150);
  });

  it('also takes the CDM wrapped as a CDM_ANNOUNCE payload, at the alias POST /cdms', async () => {
    const res = await http(t.url, 'POST', '/cdms', { token: WRITE_TOKEN, body: { cdm: sampleCdm({ cdm_id: 'CDM-W' }) } });
    expect(res.status).toBe(201);
  });

  it('names the missing field, logs the failure, and stores nothing', async () => {
    const { tca: _tca, ...cdm } = sampleCdm({ cdm_id: 'CDM-BAD' });
    const res = await post(cdm);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'validation_failed', message: 'Missing required field: tca', field: 'tca' });
    expect(t.logs.withMsg('cdm validation failed').some((l) => l.field === 'tca')).toBe(true);
    expect((await http(t.url, 'GET', '/cdms/CDM-BAD', { token: READ_TOKEN })).status).toBe(404);
  });

  it('answers malformed JSON with 400 and keeps serving', async () => {
    const res = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: '{"cdm_id": ', contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('validation_failed');
    expect(String(res.json.message)).toMatch(/^Malformed JSON/);
    expect((await http(t.url, 'GET', '/health')).status).toBe(200);
  });

  it('refuses JSON nested deeper than the limit', async () => {
    const deep = '['.repeat(100) + ']'.repeat(100);
    const res = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: deep });
    expect(res.status).toBe(400);
    expect(String(res.json.message)).toMatch(/deeper than 64/);
  });

  it('answers 413 above the body limit and 415 for another media type', async () => {
    const big = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) });
    expect(big.status).toBe(413);
    expect(big.json.error).toBe('payload_too_large');
    const wrongType = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: 'a=b', contentType: 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.json.error).toBe('unsupported_media_type');
  });
});

describe('GET /cdms', () => {
  beforeAll(async () => {
    const base = { creation_date: isoDay(-1) };
    await post(sampleCdm({ ...base, cdm_id: 'L-1', tca: isoDay(3), collision_probability: 1e-3, miss_distance_m: 50 }));
    await post(sampleCdm({ ...base, cdm_id: 'L-2', tca: isoDay(5), collision_probability: 1e-6, miss_distance_m: 900 }));
    const cdm3 = sampleCdm({ ...base, cdm_id: 'L-3', tca: isoDay(4), collision_probability: 1e-4, miss_distance_m: 300 });
    await post({ ...cdm3, object1: { ...cdm3.object1, object_id: 'OBJ-X', owner_operator: 'Xcorp' } });
  });

  const list = async (query: string) => {
    const res = await http(t.url, 'GET', `/cdms?${query}`, { token: READ_TOKEN });
    expect(res.status).toBe(200);
    return res.json as { cdms: { cdm_id: string }[]; total: number; limit: number; offset: number };
  };

  it('answers the documented shape', async () => {
    const body = await list('object_id=OBJ-X');
    expect(body.total).toBe(1);
    expect(body.limit).toBe(100);
    expect(body.offset).toBe(0);
    expect(Object.keys(body.cdms[0] ?? {}).sort()).toEqual(
      ['cdm_id', 'collision_probability', 'created_at', 'miss_distance_m', 'object1_id', 'object2_id', 'pc_source', 'source_node', 'status', 'tca'].sort(),
    );
    expect(body.cdms[0]).toMatchObject({ cdm_id: 'L-3', object1_id: 'OBJ-X', source_node: 'node-http', status: 'active', pc_source: 'given' });
  });

  it('filters by owner, probability and TCA window', async () => {
    expect((await list('owner=Xcorp')).cdms.map((c) => c.cdm_id)).toEqual(['L-3']);
    const ids = (await list(`min_probability=0.0001&tca_from=${isoDay(3)}&tca_to=${isoDay(5)}&sort=tca`)).cdms.map((c) => c.cdm_id);
    expect(ids).toEqual(['L-1', 'L-3']);
  });

  it('sorts ascending and, with -, descending, and pages', async () => {
    const window = `tca_from=${isoDay(3)}&tca_to=${isoDay(5)}`;
    expect((await list(`${window}&sort=-collision_probability`)).cdms.map((c) => c.cdm_id)).toEqual(['L-1', 'L-3', 'L-2']);
    expect((await list(`${window}&sort=miss_distance_m`)).cdms.map((c) => c.cdm_id)).toEqual(['L-1', 'L-3', 'L-2']);
    const page = await list(`${window}&sort=-tca&limit=1&offset=1`);
    expect(page.cdms.map((c) => c.cdm_id)).toEqual(['L-3']);
    expect(page.total).toBe(3);
  });

  it('refuses bad query parameters naming them', async () => {
    for (const [query, field] of [
      ['limit=1001', 'limit'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
      ['sort=owner', 'sort'],
      ['status=maybe', 'status'],
      ['min_probability=2', 'min_probability'],
      ['tca_from=yesterday', 'tca_from'],
    ] as const) {
      const res = await http(t.url, 'GET', `/cdms?${query}`, { token: READ_TOKEN });
      expect(res.status, query).toBe(400);
      expect(res.json.field, query).toBe(field);
    }
  });
});

describe('GET and DELETE /cdms/{id}', () => {
  it('shows the full CDM with its status and provenance', async () => {
    await post(sampleCdm({ cdm_id: 'D-1' }));
    const res = await http(t.url, 'GET', '/cdms/D-1', { token: READ_TOKEN });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ...sampleCdm({ cdm_id: 'D-1' }), status: 'active', source_node: 'node-http', received_from: 'node-http' });
    expect(typeof res.json.received_at).toBe('string');
  });

  it('withdraws with a reason, is idempotent, and lists withdrawn CDMs on request', async () => {
    await post(sampleCdm({ cdm_id: 'D-2' }));
    const res = await http(t.url, 'DELETE', '/cdms/D-2', { token: WRITE_TOKEN, body: { reason: 'FALSE_POSITIVE' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ cdm_id: 'D-2', status: 'withdrawn', reason: 'FALSE_POSITIVE' });
    const again = await http(t.url, 'DELETE', '/cdms/D-2', { token: WRITE_TOKEN, body: { reason: 'ERROR' } });
    expect(again.json).toMatchObject({ status: 'withdrawn', reason: 'FALSE_POSITIVE' });
    const withdrawn = await http(t.url, 'GET', '/cdms?status=withdrawn', { token: READ_TOKEN });
    expect((withdrawn.json.cdms as { cdm_id: string }[]).map((c) => c.cdm_id)).toContain('D-2');
    const active = await http(t.url, 'GET', '/cdms?limit=1000', { token: READ_TOKEN });
    expect((active.json.cdms as { cdm_id: string }[]).map((c) => c.cdm_id)).not.toContain('D-2');
    const revive = await post(sampleCdm({ cdm_id: 'D-2', creation_date: isoDay(400) }));
    expect(revive.status).toBe(409);
  });

  it('needs a valid reason and a known id', async () => {
    await post(sampleCdm({ cdm_id: 'D-3' }));
    const noReason = await http(t.url, 'DELETE', '/cdms/D-3', { token: WRITE_TOKEN });
    expect(noReason.status).toBe(400);
    expect(noReason.json.field).toBe('reason');
    const badReason = await http(t.url, 'DELETE', '/cdms/D-3', { token: WRITE_TOKEN, body: { reason: 'BORED' } });
    expect(badReason.json.field).toBe('reason');
    const unknown = await http(t.url, 'DELETE', '/cdms/NOPE', { token: WRITE_TOKEN, body: { reason: 'ERROR' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe('not_found');
  });
});

describe('auth', () => {
  it('leaves /health open and guards the rest with 401 and 403', async () => {
    expect((await http(t.url, 'GET', '/health')).status).toBe(200);
    const none = await http(t.url, 'GET', '/cdms');
    expect(none.status).toBe(401);
    expect(none.json.error).toBe('unauthorized');
    expect((await http(t.url, 'GET', '/cdms', { token: 'not-a-token-at-all' })).status).toBe(401);
    const readOnly = await post(sampleCdm({ cdm_id: 'AUTH-1' }), READ_TOKEN);
    expect(readOnly.status).toBe(403);
    expect(readOnly.json.error).toBe('forbidden');
    expect((await http(t.url, 'GET', '/cdms', { token: WRITE_TOKEN })).status).toBe(403);
    expect((await http(t.url, 'GET', '/cdms', { token: ADMIN_TOKEN })).status).toBe(200);
  });

  it('logs authentication failures with token id and route, never the secret', async () => {
    await post(sampleCdm({ cdm_id: 'AUTH-2' }), READ_TOKEN);
    await http(t.url, 'GET', '/cdms', { token: 'wrong-secret-value-123' });
    const failures = t.logs.withMsg('authentication failed');
    expect(failures.some((l) => l.token_id === 'reader' && l.route === 'POST /cdm')).toBe(true);
    expect(failures.some((l) => l.reason === 'unknown token' && typeof l.address === 'string')).toBe(true);
    const all = t.logs.raw.join('\n');
    for (const secret of [READ_TOKEN, WRITE_TOKEN, ADMIN_TOKEN, 'wrong-secret-value-123']) expect(all).not.toContain(secret);
  });
});
