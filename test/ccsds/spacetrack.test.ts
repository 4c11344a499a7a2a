import { describe, expect, it } from 'vitest';
import { isSpaceTrackCdmJson, parseCdm, parseSpaceTrackCdms, writeCdmKvn, writeCdmXml, type CdmWithCcsds } from '../../src/ccsds/index.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { fixtureIn } from './corpus-helpers.js';
import { fixture, parsed } from './helpers.js';

function cdms(value: unknown): CdmWithCcsds[] {
  const batch = parseSpaceTrackCdms(value);
  if (!batch.ok) throw new Error(batch.error.message);
  return batch.results.map((result) => parsed(result));
}

describe('Space-Track CDM JSON', () => {
  const publicRecords: unknown = JSON.parse(fixture('spacetrack-cdm-public.json'));
  const full: unknown = JSON.parse(fixtureIn('corpus', 'cdm.json'));

  it('is recognised by its shape, and a node CDM is not', () => {
    expect(isSpaceTrackCdmJson(publicRecords)).toBe(true);
    expect(isSpaceTrackCdmJson(full)).toBe(true);
    expect(isSpaceTrackCdmJson(sampleCdm())).toBe(false);
    expect(isSpaceTrackCdmJson([])).toBe(false);
    expect(parseSpaceTrackCdms({ tca: 'x' }).ok).toBe(false);
  });

  it('cdm_public: ids, TCA, miss distance, Pc and objects; the rest kept as comments; originator SPACE-TRACK', () => {
    const [first, second] = cdms(publicRecords);
    expect(first).toMatchObject({
      cdm_id: '280352437',
      creation_date: '2022-04-29T00:45:12.000000Z',
      originator: 'SPACE-TRACK',
      tca: '2022-04-29T22:03:26.595000Z',
      miss_distance_m: 4,
      collision_probability: 0.1663616,
      object1: { object_id: '22487', object_name: 'COSMOS 2233', object_type: 'PAYLOAD' },
      object2: { object_id: '5758', object_name: 'THORAD AGENA D DEB', object_type: 'DEBRIS' },
    });
    expect(JSON.stringify(first?.ccsds?.comments)).toContain('EMERGENCY_REPORTABLE = Y');
    expect(first?.ccsds?.comments?.object1?.before?.OBJECT).toEqual(['SAT1_RCS = LARGE', 'SAT_1_EXCL_VOL = 5.00']);
    expect(second).not.toHaveProperty('collision_probability');
  });

  it('the full cdm class: the event of the CSpOC KVN (a later message), every CCSDS keyword in its block', () => {
    const [fromJson] = cdms(full);
    const fromKvn = parsed(parseCdm(fixtureIn('corpus', 'cdm.kvn')));
    expect(fromJson).toMatchObject({
      cdm_id: '000048911_conj_000015331_2022361132859_35900400162880',
      originator: 'CSpOC',
      miss_distance_m: 974,
      collision_probability: 5.162516e-16,
      relative_state: { relative_position_r_m: -170.9, relative_velocity_n_m_s: -2566.1 },
    });
    for (const field of ['originator', 'message_for'] as const) expect(fromJson?.[field]).toEqual(fromKvn[field]);
    expect(fromJson?.tca.slice(0, 16)).toBe(fromKvn.tca.slice(0, 16));
    for (const side of ['object1', 'object2'] as const) {
      expect(fromJson?.[side]).toMatchObject({
        object_id: fromKvn[side].object_id,
        object_name: fromKvn[side].object_name,
        object_type: fromKvn[side].object_type,
      });
      expect(Object.keys(fromJson?.ccsds?.[side] ?? {}).sort()).toEqual(Object.keys(fromKvn.ccsds?.[side] ?? {}).sort());
    }
    expect(fromJson?.object1.covariance_rtm?.cr_r).toBe(1484.661743393455);
    expect(JSON.stringify(fromJson?.ccsds?.comments)).toContain('CDM_ID = 406320986');
    expect(JSON.stringify(fromJson?.ccsds?.comments)).toContain('Screening Option = Covariance');
  });

  it('round-trips through KVN and XML', () => {
    for (const cdm of [...cdms(publicRecords), ...cdms(full)]) {
      expect(parsed(parseCdm(writeCdmKvn(cdm)))).toEqual(cdm);
      expect(parsed(parseCdm(writeCdmXml(cdm)))).toEqual(cdm);
    }
  });

  it('refuses a record naming the record and key, and reads the others', () => {
    const records = structuredClone(publicRecords) as Array<Record<string, unknown>>;
    (records[1] as Record<string, unknown>).MIN_RNG = 'far';
    const batch = parseSpaceTrackCdms(records);
    expect(batch.ok && batch.results[0]?.ok).toBe(true);
    expect(batch.ok && !batch.results[1]?.ok && batch.results[1]?.error.message).toBe('[1].MIN_RNG: MISS_DISTANCE: "far" is not a number');
  });
});
