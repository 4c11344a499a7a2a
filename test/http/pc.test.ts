import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { pcFixtureNow } from '../pc/helpers.js';

const ALFANO01_PC = 1.46749549e-1;

async function postKvn(t: TestNode, text: string) {
  return http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: text, contentType: 'text/plain' });
}

async function getCdm(t: TestNode, id: string) {
  return (await http(t.url, 'GET', `/cdms/${id}`, { token: READ_TOKEN })).json;
}

function expectComputed(detail: Record<string, unknown>, value: number, hbr: number, source: string): void {
  const computed = detail.computed_pc as { value: number; method: string; hbr_m: number; hbr_source: string; shape: string };
  expect(computed).toMatchObject({ method: 'FOSTER-1992', hbr_m: hbr, hbr_source: source, shape: 'circle' });
  expect(Math.abs(computed.value - value) / value).toBeLessThan(1e-3);
}

describe('computed Pc through the REST API (memory store)', () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode(`node: { id: node-pc }\nserver: { port: 0 }\n${AUTH_YAML}pc: { default_hbr_m: 12, disagreement_factor: 10 }\n`);
  });
  afterAll(async () => t.stop());

  it('computes the Pc of a CCSDS CDM on ingest and shows it with its method, radius, source and event', async () => {
    expect((await postKvn(t, pcFixtureNow('alfano01.cdm', 'PC-ALFANO-1'))).status).toBe(201);
    const detail = await getCdm(t, 'PC-ALFANO-1');
    expect(detail.collision_probability).toBeUndefined();
    expectComputed(detail, ALFANO01_PC, 15, 'comment_hbr');
    expect(detail.event_id).toMatch(/^EVT-[0-9a-f]{20}$/);
    expect(detail.pc_disagreement).toBeUndefined();
  });

  it('lists and filters a CDM without a given Pc by the computed one, saying so', async () => {
    const listed = await http(t.url, 'GET', '/cdms?object_id=1001&min_probability=0.1', { token: READ_TOKEN });
    const entry = (listed.json.cdms as Array<Record<string, unknown>>).find((c) => c.cdm_id === 'PC-ALFANO-1');
    expect(entry).toMatchObject({ pc_source: 'computed' });
    expect(Math.abs(Number(entry?.collision_probability) - ALFANO01_PC) / ALFANO01_PC).toBeLessThan(1e-3);
    const above = await http(t.url, 'GET', '/cdms?object_id=1001&min_probability=0.2', { token: READ_TOKEN });
    expect((above.json.cdms as Array<{ cdm_id: string }>).map((c) => c.cdm_id)).not.toContain('PC-ALFANO-1');
  });

  it('flags a given Pc more than disagreement_factor away from the computed one, and only then', async () => {
    await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'PC-JSON-0' }) });
    const base = await getCdm(t, 'PC-JSON-0');
    const computed = (base.computed_pc as { value: number; hbr_m: number; hbr_source: string }).value;
    expect(base.computed_pc).toMatchObject({ hbr_m: 20, hbr_source: 'screening_data' });
    expect(computed).toBeGreaterThan(0);
    const close = sampleCdm({ cdm_id: 'PC-JSON-1', collision_probability: Math.min(1, computed * 5) });
    const far = sampleCdm({ cdm_id: 'PC-JSON-2', collision_probability: computed / 20 });
    await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: close });
    await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: far });
    expect((await getCdm(t, 'PC-JSON-1')).pc_disagreement).toBeUndefined();
    expect((await getCdm(t, 'PC-JSON-2')).pc_disagreement).toBe(true);
  });

  it('uses pc.default_hbr_m when the CDM names no radius', async () => {
    const { screening_data: _s, ...cdm } = sampleCdm({ cdm_id: 'PC-JSON-DEFAULT' });
    await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: cdm });
    expect((await getCdm(t, 'PC-JSON-DEFAULT')).computed_pc).toMatchObject({ hbr_m: 12, hbr_source: 'default' });
  });

  it('gives computed_pc_error, not a value, for a CDM without covariance; ingest still succeeds', async () => {
    const base = sampleCdm({ cdm_id: 'PC-NO-COV' });
    const { covariance_rtm: _c, ...object2 } = base.object2;
    expect((await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: { ...base, object2 } })).status).toBe(201);
    const detail = await getCdm(t, 'PC-NO-COV');
    expect(detail.computed_pc).toBeUndefined();
    expect(detail.computed_pc_error).toBe('object2: no position covariance (CR_R … CN_N)');
    expect(detail.collision_probability).toBe(base.collision_probability);
  });

  it('keeps the computed Pc when the CDM is withdrawn', async () => {
    await http(t.url, 'DELETE', '/cdms/PC-ALFANO-1', { token: WRITE_TOKEN, body: { reason: 'SUPERSEDED' } });
    const detail = await getCdm(t, 'PC-ALFANO-1');
    expect(detail.status).toBe('withdrawn');
    expectComputed(detail, ALFANO01_PC, 15, 'comment_hbr');
  });
});

describe('computed Pc with file storage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spacecomms-pc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const yaml = `node: { id: node-pc-file }\nserver: { port: 0 }\n${AUTH_YAML}storage: { type: file, file_path: ${JSON.stringify(dir)} }\n`;

  it('stores the computed Pc with the record, lists by it through SQL, and keeps it across a restart', async () => {
    const first = await startTestNode(yaml);
    try {
      expect((await postKvn(first, pcFixtureNow('alfano02.cdm', 'PC-FILE-2'))).status).toBe(201);
      const listed = await http(first.url, 'GET', '/cdms?min_probability=0.006&sort=-collision_probability', { token: READ_TOKEN });
      expect((listed.json.cdms as Array<{ cdm_id: string; pc_source: string }>)[0]).toMatchObject({ cdm_id: 'PC-FILE-2', pc_source: 'computed' });
      const none = await http(first.url, 'GET', '/cdms?min_probability=0.007', { token: READ_TOKEN });
      expect(none.json.total).toBe(0);
    } finally {
      await first.stop();
    }
    const second = await startTestNode(yaml);
    try {
      const detail = await getCdm(second, 'PC-FILE-2');
      expectComputed(detail, 6.222267e-3, 4, 'comment_hbr');
      expect(detail.event_id).toMatch(/^EVT-/);
    } finally {
      await second.stop();
    }
  });
});

describe('pc.enabled: false', () => {
  it('computes nothing, and says why', async () => {
    const t = await startTestNode(`node: { id: node-pc-off }\nserver: { port: 0 }\n${AUTH_YAML}pc: { enabled: false }\n`);
    try {
      await postKvn(t, pcFixtureNow('alfano03.cdm', 'PC-OFF'));
      const detail = await getCdm(t, 'PC-OFF');
      expect(detail.computed_pc).toBeUndefined();
      expect(detail.computed_pc_error).toBe('not computed: pc.enabled is false on this node');
      expect(detail.event_id).toMatch(/^EVT-/);
    } finally {
      await t.stop();
    }
  });
});
