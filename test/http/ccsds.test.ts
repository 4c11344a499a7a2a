import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCdmKvn, parseCdmXml } from '../../src/ccsds/index.js';
import { fixtureText, sampleCdm } from '../helpers/fixtures.js';
import { http, startTestNode, type TestNode } from '../helpers/node.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode(`node: { id: ccsds-node }\nserver: { port: 0 }\nprotocol: { tca_grace_minutes: 100000000 }\n`);
});
afterAll(async () => t.stop());

const KVN = fixtureText('ccsds/CDMExample2.kvn');
const XML = fixtureText('ccsds/CDMExample2.xml');

describe('CCSDS through the REST API', () => {
  it('takes KVN as text/plain and gives the same CDM back as KVN and XML', async () => {
    const res = await http(t.url, 'POST', '/cdm', { raw: KVN, contentType: 'text/plain' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ cdm_id: '201113719185', status: 'accepted' });

    const kvn = await http(t.url, 'GET', '/cdms/201113719185?format=kvn');
    expect(kvn.headers['content-type']).toMatch(/^text\/plain/);
    const fromKvn = parseCdmKvn(kvn.text);
    const original = parseCdmKvn(KVN);
    expect(fromKvn.ok && original.ok && fromKvn.cdm).toEqual(original.ok && original.cdm);

    const xml = await http(t.url, 'GET', '/cdms/201113719185', { headers: { accept: 'application/xml' } });
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    const fromXml = parseCdmXml(xml.text);
    expect(fromXml.ok).toBe(true);
    expect(fromXml.ok && fromXml.cdm.tca).toBe('2010-03-13T22:37:52.618Z');
  });

  it('takes XML as application/xml; the same message again is unchanged', async () => {
    const res = await http(t.url, 'POST', '/cdm', { raw: XML, contentType: 'application/xml' });
    expect([200, 201]).toContain(res.status);
    const detail = await http(t.url, 'GET', '/cdms/201113719185');
    expect(detail.json).toMatchObject({ cdm_id: '201113719185', miss_distance_m: 715, collision_probability: 4.835e-5, object1: { object_id: '12345', maneuverable: true } });
    expect((await http(t.url, 'POST', '/cdm', { raw: XML, contentType: 'application/xml' })).json.status).toBe('unchanged');
  });

  it('refuses a KVN message without TCA, naming the keyword and line', async () => {
    const res = await http(t.url, 'POST', '/cdm', { raw: fixtureText('ccsds/CDMExample2-missing-TCA.kvn'), contentType: 'text/plain' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'validation_failed', field: 'TCA', details: { format: 'ccsds', line: 7 } });
    expect(t.logs.withMsg('cdm validation failed').some((l) => l.field === 'TCA')).toBe(true);
  });

  it('accepts a message without COLLISION_PROBABILITY: it has no given Pc', async () => {
    const withoutPc = KVN.split('\n')
      .filter((line) => !line.startsWith('COLLISION_PROBABILITY '))
      .join('\n')
      .replace(/^MESSAGE_ID\s*=.*$/m, 'MESSAGE_ID = WITHOUT-PC-1');
    const res = await http(t.url, 'POST', '/cdm', { raw: withoutPc, contentType: 'text/plain' });
    expect(res.status).toBe(201);
    const held = await http(t.url, 'GET', '/cdms/WITHOUT-PC-1');
    expect(held.json.collision_probability).toBeUndefined();
  });

  it('writes CCSDS for a CDM that came as JSON', async () => {
    await http(t.url, 'POST', '/cdm', { body: sampleCdm({ cdm_id: 'JSON-TO-KVN' }) });
    const kvn = await http(t.url, 'GET', '/cdms/JSON-TO-KVN', { headers: { accept: 'text/plain' } });
    const parsed = parseCdmKvn(kvn.text);
    expect(parsed.ok && parsed.cdm).toMatchObject({ cdm_id: 'JSON-TO-KVN', miss_distance_m: 212.4, collision_probability: 3.1e-5 });
    expect((await http(t.url, 'GET', '/cdms/JSON-TO-KVN?format=yaml')).json.field).toBe('format');
  });
});

describe('KVN recognised by its first keyword', () => {
  it('is taken whatever the media type says', async () => {
    const res = await http(t.url, 'POST', '/cdm', { raw: KVN.replace('201113719185', 'FORM-KVN'), contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(201);
    expect(res.json.cdm_id).toBe('FORM-KVN');
  });
});
