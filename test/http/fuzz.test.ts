import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm, sampleManeuverIntent, sampleObjectState } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { expectApiErrorShape } from '../helpers/api-errors.js';

/**
 * Random requests against a real node: no answer is a 5xx, every 4xx has the documented
 * shape (REST) or is an ERROR envelope (peer endpoint), and a refused write leaves the
 * table as it was. Bounded to a few thousand requests.
 */
let t: TestNode;
beforeAll(async () => {
  t = await startTestNode(`node: { id: fuzz-node }\nserver: { port: 0 }\n${AUTH_YAML.replace('api:\n', 'api:\n  rate_limit: { enabled: false }\n  body_limit_bytes: 65536\n')}`);
  await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'FUZZ-SEED-1' }) });
  await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, body: sampleObjectState() });
  const { maneuver_id: _id, ...intent } = sampleManeuverIntent();
  await http(t.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: intent });
});
afterAll(async () => t.stop());

const PEER_PATH = '/spacecomms/v1/messages';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function table(): Promise<string> {
  const views = await Promise.all(
    ['/cdms?status=all&limit=1000', '/objects?status=all&limit=1000', '/maneuvers?limit=1000'].map((path) => http(t.url, 'GET', path, { token: READ_TOKEN })),
  );
  return views.map((v) => v.text).join('\n');
}

const ODD_SEGMENTS = ['%E0%A4%A', '%zz', '%00', '%C0%AF', '%ED%A0%80', '..', '%2F', 'FUZZ-SEED-1', '58001', 'a'.repeat(129), 'b'.repeat(600)];

const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,130}$/),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => encodeURIComponent(s)),
  fc.constantFrom(...ODD_SEGMENTS),
);

const path = fc.oneof(
  fc.constantFrom('/cdm', '/cdms', '/objects', '/maneuvers', '/peers', '/health', '/metrics', '/audit', PEER_PATH, '/', '/nothing'),
  fc.tuple(fc.constantFrom('/cdms/', '/objects/', '/maneuvers/', '/peers/', '/peers/x/history/'), segment).map(([base, id]) => `${base}${id}`.replace(/\/history\/(.*)$/, '/$1/history')),
  fc.tuple(fc.constantFrom('/cdms', '/objects', '/maneuvers', '/audit'), fc.constantFrom('limit', 'offset', 'sort', 'status', 'min_probability', 'tca_from', 'format', 'type'), segment).map(
    ([base, key, value]) => `${base}?${key}=${value}`,
  ),
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON;Charset=UTF-8',
  'application/problem+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset',
  ';;;',
  'json',
];

/** JSON text with a non-finite number or another hard value put where a field was. */
const hardValue = fc.oneof(
  fc.constantFrom('1e309', '-1e309', '1e-400', '0.1e99999', '-0', '9007199254740993', '"\\ud800"', '"\\u0000"', 'null', '[]', '{}', 'true', '"x"', '""'),
  fc.string({ maxLength: 5000 }).map((s) => JSON.stringify(s)),
  fc.double().map((d) => (Number.isFinite(d) ? String(d) : '1e999')),
  fc.json({ maxDepth: 3 }),
);

const CDM_FIELDS = ['cdm_id', 'creation_date', 'tca', 'miss_distance_m', 'collision_probability', 'object1', 'object2', 'object1.object_id', 'object1.object_type', 'object2.state_vector', 'relative_state', 'screening_data.hard_body_radius_m', 'new_field'];

/** A valid CDM (wrapped as `{cdm}` or not) with one field's value replaced by the given JSON text. */
function cdmWith(field: string, valueText: string, wrapped: boolean, id = 'FUZZ-NEAR'): string {
  const cdm = sampleCdm({ cdm_id: id }) as unknown as Record<string, unknown>;
  const [head, tail] = field.split('.') as [string, string | undefined];
  if (tail === undefined) cdm[head] = '@@HARD@@';
  else cdm[head] = { ...((cdm[head] as object | undefined) ?? {}), [tail]: '@@HARD@@' };
  return JSON.stringify(wrapped ? { cdm } : cdm).replace('"@@HARD@@"', valueText);
}

const nearValidCdm = fc.tuple(fc.constantFrom(...CDM_FIELDS), hardValue, fc.boolean()).map(([field, value, wrapped]) => cdmWith(field, value, wrapped));

const envelopeText = fc.tuple(nearValidCdm, fc.constantFrom('CDM_ANNOUNCE', 'HELLO', 'HEARTBEAT', 'NOPE')).map(
  ([cdm, type]) => `{"protocol_version":"1.0","message_id":"m-1","timestamp":"${new Date().toISOString()}","source_node_id":"x","message_type":"${type}","hop_count":0,"ttl":5,"payload":{"cdm":${cdm}}}`,
);

const body = fc.oneof(
  fc.json({ maxDepth: 6 }),
  nearValidCdm,
  envelopeText,
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', '{', '{"a":1}{"b":2}', '\uFEFF{}', 'CCSDS_CDM_VERS = 1.0\nCREATION_DATE = x', '<cdm/>', '[1,2,3]', 'x'.repeat(70_000)),
);

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
  path,
  contentType: fc.option(fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.stringMatching(/^[ -~]{0,40}$/)), { nil: undefined }),
  token: fc.constantFrom(ADMIN_TOKEN, WRITE_TOKEN, READ_TOKEN, undefined, 'garbage-token'),
  body: fc.option(body, { nil: undefined }),
  extraHeader: fc.option(fc.tuple(fc.constantFrom('x-spacecomms-node-id', 'accept', 'x-forwarded-for', 'transfer-encoding-x'), fc.stringMatching(/^[ -~]{0,60}$/)), { nil: undefined }),
});

type FuzzRequest = typeof requestArb extends fc.Arbitrary<infer R> ? R : never;

async function send(req: FuzzRequest): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  if (req.extraHeader) headers[req.extraHeader[0]] = req.extraHeader[1];
  const hasBody = req.body !== undefined && req.method !== 'GET';
  if (hasBody && req.contentType !== undefined) headers['content-type'] = req.contentType;
  const response = await request(`${t.url}${req.path}`, { method: req.method as 'GET', headers, ...(hasBody ? { body: req.body } : {}) });
  return { status: response.statusCode, text: await response.body.text() };
}

function checkAnswer(req: FuzzRequest, res: { status: number; text: string }): void {
  expect(res.status, `${req.method} ${req.path}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return;
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(res.text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (req.path === PEER_PATH && req.method === 'POST') {
    expect(json, res.text).toMatchObject({ message_type: 'ERROR', payload: { error_code: expect.any(String), error_message: expect.any(String) } });
  } else {
    expectApiErrorShape(res.status, json, res.text);
  }
}

describe('random requests', () => {
  it('never answer 5xx, answer 4xx in the documented shape, and refused writes change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (req) => {
        const write = WRITE_METHODS.has(req.method);
        const before = write ? await table() : '';
        const res = await send(req);
        checkAnswer(req, res);
        if (write && res.status >= 400) expect(await table()).toBe(before);
      }),
      { numRuns: 1500 },
    );
  }, 120_000);

  it('refuse a non-finite number in any CDM field with 400 naming that field, and store nothing', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CDM_FIELDS.filter((f) => f !== 'cdm_id')),
        fc.constantFrom('1e309', '-1e309', '0.1e99999', '-123456789e999'),
        fc.boolean(),
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON;Charset=UTF-8'),
        async (field, huge, wrapped, contentType) => {
          n += 1;
          const before = await table();
          const res = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: cdmWith(field, huge, wrapped, `FUZZ-INF-${n}`), contentType });
          expect(res.status, res.text).toBe(400);
          expectApiErrorShape(res.status, res.json, res.text);
          expect(res.json).toMatchObject({ error: 'validation_failed', field });
          expect(await table()).toBe(before);
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);
});
