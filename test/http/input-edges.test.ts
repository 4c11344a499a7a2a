import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { http, startTestNode, type TestNode } from '../helpers/node.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode('node: { id: edges }\nserver: { port: 0 }\n');
});
afterAll(async () => t.stop());

describe('ids in paths', () => {
  it('are held to the schema rule: 129 characters is 400 naming id, on every route that takes one', async () => {
    const long = 'a'.repeat(129);
    for (const [method, path] of [
      ['GET', `/cdms/${long}`],
      ['DELETE', `/cdms/${long}`],
      ['GET', `/objects/${long}`],
      ['GET', `/maneuvers/${long}`],
      ['GET', `/events/${long}`],
    ] as const) {
      const res = await http(t.url, method, path, method === 'DELETE' ? { body: { reason: 'ERROR' } } : {});
      expect(res.status, `${method} ${path.slice(0, 12)}…`).toBe(400);
      expect(res.json).toMatchObject({ error: 'validation_failed', field: 'id' });
    }
    expect((await http(t.url, 'GET', `/cdms/${'a'.repeat(128)}`)).status).toBe(404);
  });
});

describe('JSON bodies', () => {
  it('that are not UTF-8 are refused, not stored with replacement characters', async () => {
    const cdm = JSON.stringify(sampleCdm({ cdm_id: 'LATIN-1' })).replace('"ALPHA-SAT-7"', '"ALPHA-SAT-\u00e9"');
    const bytes = Buffer.from(cdm, 'latin1');
    const res = await request(`${t.url}/cdm`, { method: 'POST', headers: { 'content-type': 'application/json; charset=latin1' }, body: bytes });
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toMatchObject({ error: 'validation_failed', message: expect.stringContaining('UTF-8') });
    expect((await http(t.url, 'GET', '/cdms/LATIN-1')).status).toBe(404);
    const utf8 = await request(`${t.url}/cdm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(cdm, 'utf8') });
    expect(utf8.statusCode).toBe(201);
    await utf8.body.dump();
  });
});

describe('risk level filters', () => {
  it('name an unknown level as an error instead of matching nothing for ever', async () => {
    for (const path of ['/events?level=purple', '/events/stream?level=purple']) {
      const res = await http(t.url, 'GET', path);
      expect(res.status, path).toBe(400);
      expect(res.json).toMatchObject({ error: 'validation_failed', field: 'level', message: expect.stringContaining('red, yellow, green, unknown') });
    }
    expect((await http(t.url, 'GET', '/events?level=red')).status).toBe(200);
  });
});

describe('a CDM that came as JSON with only fields CCSDS can carry', () => {
  it('exported as KVN or XML and posted back is unchanged', async () => {
    const { conjunction_category: _c, recommended_action: _r, data_quality_score: _d, screening_data: _s, ...cdm } = sampleCdm({ cdm_id: 'RT-JSON' });
    expect((await http(t.url, 'POST', '/cdm', { body: cdm })).status).toBe(201);
    for (const [format, contentType] of [
      ['kvn', 'text/plain'],
      ['xml', 'application/xml'],
    ] as const) {
      const text = (await http(t.url, 'GET', `/cdms/RT-JSON?format=${format}`)).text;
      const back = await http(t.url, 'POST', '/cdm', { raw: text, contentType });
      expect(back.json, format).toMatchObject({ cdm_id: 'RT-JSON', status: 'unchanged' });
    }
  });
});
