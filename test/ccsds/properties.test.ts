import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cdm, CdmObject } from '../../src/protocol/cdm.js';
import { validateCdm } from '../../src/protocol/validate.js';
import { parseCdm, parseCdmKvn, parseCdmXml, writeCdmKvn, writeCdmXml, type CcsdsResult } from '../../src/ccsds/index.js';
import { core, fixture, parsed } from './helpers.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const nonNegative = fc.double({ min: 0, max: 1e12, noNaN: true });
const timestamp = fc
  .date({ min: new Date('1958-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());
/** Text the model may carry and CCSDS can write: trimmed, printable, not the N/A marker. */
const text = fc.string({ maxLength: 24 }).map((value) => value.trim()).filter((value) => value.toUpperCase() !== 'N/A');
const nonEmptyText = text.filter((value) => value !== '');
const frames = fc.constantFrom('EME2000', 'GCRF', 'ITRF', 'TEME');

function objectArbitrary(tca: string): fc.Arbitrary<CdmObject> {
  return fc.record(
    {
      object_id: nonEmptyText,
      object_name: nonEmptyText,
      object_type: fc.constantFrom('PAYLOAD', 'DEBRIS', 'ROCKET_BODY', 'UNKNOWN'),
      owner_operator: nonEmptyText,
      maneuverable: fc.boolean(),
      state_vector: fc.record({
        reference_frame: frames,
        epoch: fc.constant(tca),
        x_km: finite, y_km: finite, z_km: finite, vx_km_s: finite, vy_km_s: finite, vz_km_s: finite,
      }),
      covariance_rtm: fc.record({ cr_r: finite, ct_r: finite, ct_t: finite, cn_r: finite, cn_t: finite, cn_n: finite }),
    },
    { requiredKeys: ['object_id', 'object_name', 'object_type'] },
  );
}

const relativeState = fc
  .record(
    {
      relative_position_r_m: finite,
      relative_position_t_m: finite,
      relative_position_n_m: finite,
      relative_velocity_r_m_s: finite,
      relative_velocity_t_m_s: finite,
      relative_velocity_n_m_s: finite,
    },
    { requiredKeys: [] },
  )
  .filter((state) => Object.keys(state).length > 0);

const screeningData = fc
  .record({ screen_type: nonEmptyText, screen_volume_shape: nonEmptyText, hard_body_radius_m: nonNegative }, { requiredKeys: [] })
  .filter((data) => Object.keys(data).length > 0);

/** Valid models as the node carries them (no ccsds block, no node-only transparency fields). */
const cdmArbitrary: fc.Arbitrary<Cdm> = timestamp.chain((tca) =>
  fc.record(
    {
      cdm_id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/),
      creation_date: timestamp,
      originator: nonEmptyText,
      message_for: nonEmptyText,
      tca: fc.constant(tca),
      miss_distance_m: nonNegative,
      collision_probability: fc.double({ min: 0, max: 1, noNaN: true }),
      object1: objectArbitrary(tca),
      object2: objectArbitrary(tca),
      relative_state: relativeState,
      screening_data: screeningData,
    },
    { requiredKeys: ['cdm_id', 'creation_date', 'tca', 'miss_distance_m', 'collision_probability', 'object1', 'object2'] },
  ),
);

const FORMATS = [
  ['KVN', writeCdmKvn, parseCdmKvn],
  ['XML', writeCdmXml, parseCdmXml],
] as const;

describe.each(FORMATS)('random valid models survive model → %s → model', (_format, write, parse) => {
  it('gives back the same model fields, and a model that passes validateCdm', () => {
    fc.assert(
      fc.property(cdmArbitrary, (cdm) => {
        expect(validateCdm(cdm).ok).toBe(true);
        const back = parsed(parse(write(cdm)));
        expect(core(back)).toEqual(cdm);
        expect(validateCdm(back).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is a fixed point from the first write on (ccsds block included)', () => {
    fc.assert(
      fc.property(cdmArbitrary, (cdm) => {
        const written = write(cdm);
        const back = parsed(parse(written));
        expect(write(back)).toBe(written);
        expect(parsed(parse(write(back)))).toEqual(back);
      }),
      { numRuns: 200 },
    );
  });
});

function expectHarmless(result: CcsdsResult): void {
  if (result.ok) expect(validateCdm(result.cdm).ok).toBe(true);
  else expect(typeof result.error.message).toBe('string');
}

describe('hostile input never throws', () => {
  it('random byte strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const decoded = new TextDecoder('utf-8').decode(bytes);
        for (const candidate of [decoded, `CCSDS_CDM_VERS = 1.0\n${decoded}`, `<cdm version="1.0">${decoded}`]) {
          expectHarmless(parseCdm(candidate));
          expectHarmless(parseCdmKvn(candidate));
          expectHarmless(parseCdmXml(candidate));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('random unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
        expectHarmless(parseCdm(value));
        expectHarmless(parseCdmXml(`<${value}`));
      }),
      { numRuns: 300 },
    );
  });

  interface Mutation {
    kind: 'delete' | 'duplicate' | 'alter' | 'swap';
    at: number;
    other: number;
    replacement: string;
  }

  const mutation: fc.Arbitrary<Mutation[]> = fc.array(
    fc.record({
      kind: fc.constantFrom('delete', 'duplicate', 'alter', 'swap'),
      at: fc.nat(),
      other: fc.nat(),
      replacement: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('N/A', '', '= =', '[km]', '\u2212', 'OBJECT = OBJECT1', '<X>', '</segment>')),
    }),
    { minLength: 1, maxLength: 5 },
  );

  function mutate(textToMutate: string, mutations: Mutation[]): string {
    const lines = textToMutate.split('\n');
    for (const { kind, at, other, replacement } of mutations) {
      if (lines.length === 0) break;
      const i = at % lines.length;
      const j = other % lines.length;
      const line = lines[i] ?? '';
      if (kind === 'delete') lines.splice(i, 1);
      else if (kind === 'duplicate') lines.splice(i, 0, line);
      else if (kind === 'swap') [lines[i], lines[j]] = [lines[j] ?? '', line];
      else {
        const cut = other % (line.length + 1);
        lines[i] = `${line.slice(0, cut)}${replacement}${line.slice(cut + (at % 4))}`;
      }
    }
    return lines.join('\n');
  }

  it.each(['CDMExample2.kvn', 'untidy-b1.kvn', 'b2-example.kvn', 'CDMExample2.xml', 'b2-example.xml'])(
    'mutated %s (lines deleted, duplicated, altered, swapped)',
    (name) => {
      const sample = fixture(name);
      fc.assert(
        fc.property(mutation, (mutations) => {
          const candidate = mutate(sample, mutations);
          expectHarmless(parseCdm(candidate));
          expectHarmless(name.endsWith('.xml') ? parseCdmXml(candidate) : parseCdmKvn(candidate));
        }),
        { numRuns: 300 },
      );
    },
  );
});
