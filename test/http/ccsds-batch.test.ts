import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ccsdsCase, fixtureText } from '../helpers/fixtures.js';
import { http, startTestNode, type TestNode } from '../helpers/node.js';

let t: TestNode;
beforeAll(async () => {
  // The cases' TCAs are fixed dates: a grace that never lets them expire keeps the test independent of today.
  // The node's own Pc is off, so that a CDM without a given Pc has none at all (listing by the
  // computed Pc is proved in test/http/pc.test.ts).
  t = await startTestNode(`node: { id: ccsds-batch }\nserver: { port: 0 }\nprotocol: { tca_grace_minutes: 100000000 }\npc: { enabled: false }\n`);
});
afterAll(async () => t.stop());

const BASE_XML = ccsdsCase('00-baseline-accepted.xml');
const cdmElement = (xml: string, id: string) =>
  xml.slice(xml.indexOf('<cdm '), xml.indexOf('</cdm>') + '</cdm>'.length).replace('<MESSAGE_ID>CASE-00</MESSAGE_ID>', `<MESSAGE_ID>${id}</MESSAGE_ID>`);

describe('POST /cdm with several CDMs', () => {
  it('an NDM with one CDM answers as a single CDM', async () => {
    const res = await http(t.url, 'POST', '/cdm', { raw: ccsdsCase('07-ndm-combined-one-cdm.xml'), contentType: 'application/xml' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'accepted' });
  });

  it('an NDM with several CDMs: each ingested on its own, 207 when the results differ', async () => {
    const broken = cdmElement(BASE_XML, 'NDM-BAD').replace(/<MISS_DISTANCE units="m">[^<]*<\/MISS_DISTANCE>/, '<MISS_DISTANCE units="m">far</MISS_DISTANCE>');
    const ndm = `<?xml version="1.0"?>\n<ndm>${cdmElement(BASE_XML, 'NDM-1')}${broken}${cdmElement(BASE_XML, 'NDM-2')}</ndm>`;
    const res = await http(t.url, 'POST', '/cdm', { raw: ndm, contentType: 'application/xml' });
    expect(res.status).toBe(207);
    expect(res.json.results).toMatchObject([
      { index: 0, cdm_id: 'NDM-1', status: 'accepted', http_status: 201 },
      { index: 1, status: 'refused', http_status: 400, error: { error: 'validation_failed', field: 'MISS_DISTANCE', details: { path: 'ndm/cdm[2]/body/relativeMetadataData/MISS_DISTANCE' } } },
      { index: 2, cdm_id: 'NDM-2', status: 'accepted', http_status: 201 },
    ]);
    expect((await http(t.url, 'GET', '/cdms/NDM-2')).status).toBe(200);
    const again = await http(t.url, 'POST', '/cdm', { raw: `<ndm>${cdmElement(BASE_XML, 'NDM-1')}${cdmElement(BASE_XML, 'NDM-2')}</ndm>`, contentType: 'application/xml' });
    expect(again.status).toBe(200);
    expect((again.json.results as Array<{ status: string }>).map((r) => r.status)).toEqual(['unchanged', 'unchanged']);
  });

  it('two KVN CDMs one after the other', async () => {
    const res = await http(t.url, 'POST', '/cdm', { raw: ccsdsCase('J7-two-kvn-messages.kvn'), contentType: 'text/plain' });
    expect(res.status).toBe(201);
    expect(res.json.results).toMatchObject([
      { cdm_id: 'CASE-J7A', status: 'accepted' },
      { cdm_id: 'CASE-J7B', status: 'accepted' },
    ]);
  });

  it('Space-Track CDM JSON, recognised by its shape', async () => {
    const records: unknown = JSON.parse(fixtureText('ccsds/spacetrack-cdm-public.json'));
    const res = await http(t.url, 'POST', '/cdm', { body: records });
    expect(res.status).toBe(201);
    expect(res.json.results).toMatchObject([{ cdm_id: '280352437' }, { cdm_id: '280352438' }]);
    const detail = await http(t.url, 'GET', '/cdms/280352437');
    expect(detail.json).toMatchObject({ originator: 'SPACE-TRACK', miss_distance_m: 4, collision_probability: 0.1663616, object1: { object_id: '22487' } });
    const kvn = await http(t.url, 'GET', '/cdms/280352437?format=kvn');
    const back = await http(t.url, 'POST', '/cdm', { raw: kvn.text, contentType: 'text/plain' });
    expect(back.json).toMatchObject({ cdm_id: '280352437', status: 'unchanged' });
    const xml = await http(t.url, 'GET', '/cdms/280352438?format=xml');
    expect((await http(t.url, 'POST', '/cdm', { raw: xml.text, contentType: 'application/xml' })).json.status).toBe('unchanged');
  });

  it('a CDM without Pc: accepted, listed with null Pc after the others in either direction, filtered out by min_probability', async () => {
    const res = await http(t.url, 'POST', '/cdm', { raw: ccsdsCase('01-collision-probability-absent.kvn'), contentType: 'text/plain' });
    expect(res.status).toBe(201);
    const id = res.json.cdm_id as string;
    for (const sort of ['collision_probability', '-collision_probability']) {
      const list = await http(t.url, 'GET', `/cdms?sort=${sort}&limit=100`);
      const items = list.json.cdms as Array<{ cdm_id: string; collision_probability: number | null }>;
      const nulls = items.filter((item) => item.collision_probability === null).map((item) => item.cdm_id);
      expect(nulls).toContain(id);
      const firstNull = items.findIndex((item) => item.collision_probability === null);
      expect(items.slice(firstNull).every((item) => item.collision_probability === null)).toBe(true);
      expect(firstNull).toBeGreaterThan(0);
    }
    const filtered = await http(t.url, 'GET', '/cdms?min_probability=0&limit=100');
    expect((filtered.json.cdms as Array<{ cdm_id: string }>).map((item) => item.cdm_id)).not.toContain(id);
    const kvn = await http(t.url, 'GET', `/cdms/${id}?format=kvn`);
    expect(kvn.text).not.toMatch(/^COLLISION_PROBABILITY/m);
    expect((await http(t.url, 'POST', '/cdm', { raw: kvn.text, contentType: 'text/plain' })).json.status).toBe('unchanged');
  });
});
