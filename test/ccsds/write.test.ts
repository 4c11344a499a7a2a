import { describe, expect, it } from 'vitest';
import type { Cdm } from '../../src/protocol/cdm.js';
import { validateCdm } from '../../src/protocol/validate.js';
import { parseCdmKvn, parseCdmXml, writeCdmKvn, writeCdmXml } from '../../src/ccsds/index.js';
import { core, fixture, parsed } from './helpers.js';

const KVN_FIXTURES = ['CDMExample2.kvn', 'untidy-b1.kvn', 'b2-example.kvn'];
const XML_FIXTURES = ['CDMExample2.xml', 'b2-example.xml'];

function announcedCdm(): Cdm {
  const envelope = JSON.parse(fixture('cdm-announce.json')) as { payload: { cdm: Cdm } };
  return envelope.payload.cdm;
}

function significantLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/\s*=\s*/, ' = '))
    .filter((line) => line !== '');
}

describe('round trips', () => {
  it.each(KVN_FIXTURES)('%s: KVN → model → KVN → model gives the same model', (name) => {
    const first = parsed(parseCdmKvn(fixture(name)));
    expect(parsed(parseCdmKvn(writeCdmKvn(first)))).toEqual(first);
  });

  it.each(XML_FIXTURES)('%s: XML → model → XML → model gives the same model', (name) => {
    const first = parsed(parseCdmXml(fixture(name)));
    expect(parsed(parseCdmXml(writeCdmXml(first)))).toEqual(first);
  });

  it.each(KVN_FIXTURES)('%s: KVN → model → XML → model gives the same model', (name) => {
    const first = parsed(parseCdmKvn(fixture(name)));
    expect(parsed(parseCdmXml(writeCdmXml(first)))).toEqual(first);
  });

  it('rewrites the B-1 example keyword for keyword, value for value, comment for comment', () => {
    const sample = fixture('CDMExample2.kvn');
    const written = writeCdmKvn(parsed(parseCdmKvn(sample)));
    expect(significantLines(written)).toEqual(significantLines(sample));
  });

  it('rewrites the B-1 example XML element for element', () => {
    const sample = fixture('CDMExample2.xml');
    const written = writeCdmXml(parsed(parseCdmXml(sample)));
    expect(significantLines(written)).toEqual(significantLines(sample));
  });
});

describe('writing a CDM that came from JSON (no ccsds block)', () => {
  const cdm = announcedCdm();

  it.each([
    ['KVN', writeCdmKvn, parseCdmKvn],
    ['XML', writeCdmXml, parseCdmXml],
  ] as const)('%s output is read back to the same model fields', (_format, write, parse) => {
    const back = parsed(parse(write(cdm)));
    const { conjunction_category: _category, recommended_action: _action, ...ccsdsFields } = cdm;
    expect(core(back)).toEqual(ccsdsFields);
    expect(validateCdm(back).ok).toBe(true);
  });

  it('fills the mandatory B-1 keywords the model has no value for', () => {
    const text = writeCdmKvn(cdm);
    expect(text.startsWith('CCSDS_CDM_VERS                 = 1.0\n')).toBe(true);
    for (const line of ['CATALOG_NAME                   = N/A', 'EPHEMERIS_NAME                 = NONE', 'COVARIANCE_METHOD              = N/A', 'INTERNATIONAL_DESIGNATOR       = N/A']) {
      expect(text).toContain(line);
    }
    expect(text).toContain('HBR                            = 20 [m]');
    expect(text).toContain('SCREEN_TYPE                    = ROUTINE');
  });

  it('writes defaults: OBJECT_TYPE, REF_FRAME/MANEUVERABLE/ORIGINATOR/MESSAGE_FOR N/A (read back as absent)', () => {
    const bare: Cdm = {
      cdm_id: 'X-1',
      creation_date: '2026-01-01T00:00:00Z',
      tca: '2026-01-02T03:04:05.5+00:00',
      miss_distance_m: 0,
      collision_probability: 0,
      object1: { object_id: 'A', object_name: 'a', object_type: 'ROCKET_BODY', state_vector: { x_km: 1, y_km: 2, z_km: 3, vx_km_s: 4, vy_km_s: 5, vz_km_s: 6 } },
      object2: { object_id: 'B', object_name: 'b', object_type: 'UNKNOWN' },
    };
    const text = writeCdmKvn(bare);
    expect(text).toMatch(/^ORIGINATOR\s+= N\/A$/m);
    expect(text).toMatch(/^MESSAGE_FOR\s+= N\/A$/m);
    expect(text).toMatch(/^TCA\s+= 2026-01-02T03:04:05\.5$/m);
    expect(text).toMatch(/^OBJECT_TYPE\s+= ROCKET BODY$/m);
    expect(text).toMatch(/^MANEUVERABLE\s+= N\/A$/m);
    expect(text.match(/^REF_FRAME\s+= N\/A$/gm)).toHaveLength(2);
    const back = parsed(parseCdmKvn(text));
    expect(back).toMatchObject({ tca: '2026-01-02T03:04:05.5Z', object1: { object_type: 'ROCKET_BODY', object_name: 'a' } });
    expect(back).not.toHaveProperty('originator');
    expect(back.object1.state_vector).not.toHaveProperty('reference_frame');
    expect(back.ccsds?.object2).toBeUndefined();
    expect(parsed(parseCdmXml(writeCdmXml(bare))).object1).toEqual(back.object1);
  });
});

describe('values', () => {
  const base = announcedCdm();

  it('keeps numbers to the last bit', () => {
    const cdm: Cdm = {
      ...base,
      miss_distance_m: 0.1 + 0.2,
      collision_probability: 5e-324,
      object1: { ...base.object1, state_vector: { ...base.object1.state_vector!, x_km: -0, y_km: 1.7976931348623157e308, z_km: -1e-300 } },
    };
    for (const [write, parse] of [[writeCdmKvn, parseCdmKvn], [writeCdmXml, parseCdmXml]] as const) {
      const back = parsed(parse(write(cdm)));
      expect(back.miss_distance_m).toBe(0.30000000000000004);
      expect(back.collision_probability).toBe(5e-324);
      expect(Object.is(back.object1.state_vector?.x_km, -0)).toBe(true);
      expect(back.object1.state_vector?.y_km).toBe(1.7976931348623157e308);
      expect(back.object1.state_vector?.z_km).toBe(-1e-300);
    }
  });

  it('uses the original lexical form only while it still means the model value', () => {
    const cdm = parsed(parseCdmKvn(fixture('CDMExample2.kvn')));
    expect(writeCdmKvn(cdm)).toContain('= 4.142E+01 [m**2]');
    const edited = { ...cdm, object1: { ...cdm.object1, covariance_rtm: { ...cdm.object1.covariance_rtm!, cr_r: 42 } } };
    const text = writeCdmKvn(edited);
    expect(text).toMatch(/^CR_R\s+= 42 \[m\*\*2\]$/m);
    expect(text).toContain('= -8.579E+00 [m**2]');
  });

  it('escapes XML and flattens control characters in text', () => {
    const cdm: Cdm = { ...base, object1: { ...base.object1, object_name: 'A & <B> "C"', owner_operator: 'line1\nline2' } };
    const xml = writeCdmXml(cdm);
    expect(xml).toContain('A &amp; &lt;B&gt; &quot;C&quot;');
    expect(parsed(parseCdmXml(xml)).object1).toMatchObject({ object_name: 'A & <B> "C"', owner_operator: 'line1 line2' });
    expect(parsed(parseCdmKvn(writeCdmKvn(cdm))).object1.owner_operator).toBe('line1 line2');
  });

  it('ignores a malformed ccsds block instead of writing what its reader would refuse', () => {
    const cdm = {
      ...base,
      ccsds: {
        version: 'x',
        relative: { RELATIVE_SPEED: 'fast', SCREEN_VOLUME_X: 200, NOT_A_KEYWORD: 1, TCA: 5 },
        object1: { MASS: [1, 2], CATALOG_NAME: 'SATCAT', OBS_USED: 1.5 },
        lexical: { relative: { MISS_DISTANCE: 'a\nb' } },
        comments: { header: { before: { CREATION_DATE: ['ok', 3] }, end: 'no' } },
      },
    } as unknown as Cdm;
    const back = parsed(parseCdmKvn(writeCdmKvn(cdm)));
    expect(back.ccsds?.version).toBe('1.0');
    expect(back.ccsds?.relative).toEqual({ SCREEN_VOLUME_X: 200 });
    expect(back.ccsds?.object1).toEqual({ CATALOG_NAME: 'SATCAT', HBR: 20 });
    expect(back.ccsds?.comments?.header).toEqual({ before: { CREATION_DATE: ['ok'] } });
    expect(core(back)).toMatchObject({ miss_distance_m: base.miss_distance_m, tca: base.tca });
  });
});
