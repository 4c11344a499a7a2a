import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCdm } from '../../src/ccsds/index.js';
import { assessCdmPc, hardBodyRadius, pcDisagrees } from '../../src/pc/index.js';
import type { Cdm } from '../../src/protocol/cdm.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/pc/', import.meta.url));

function cdmFile(name: string): Cdm {
  const result = parseCdm(readFileSync(`${FIXTURES}${name}`, 'utf8'));
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.cdm;
}

function relative(actual: number, expected: number): number {
  return Math.abs(actual - expected) / expected;
}

describe("NASA CARA's Alfano test cases as CCSDS CDMs (HBR from COMMENT HBR)", () => {
  const cases: Array<[file: string, hbr: number, expected: number]> = [
    ['alfano01.cdm', 15, 1.46749549e-1],
    ['alfano02.cdm', 4, 6.222267e-3],
    ['alfano03.cdm', 15, 1.00351176e-1],
    ['alfano04.cdm', 15, 4.9323406e-2],
    ['alfano05.cdm', 10, 4.4487386e-2],
    ['alfano06.cdm', 10, 4.335455e-3],
  ];
  for (const [file, hbr, expected] of cases) {
    it(`${file}: HBR ${hbr} m, Pc ${expected} to 1e-3`, () => {
      const cdm = cdmFile(file);
      expect(cdm.collision_probability).toBeUndefined();
      const assessment = assessCdmPc(cdm, { defaultHbrM: 20 });
      expect(assessment.computed_pc_error).toBeUndefined();
      const computed = assessment.computed_pc;
      expect(computed).toMatchObject({ method: 'FOSTER-1992', hbr_m: hbr, hbr_source: 'comment_hbr', shape: 'circle' });
      expect(relative(computed?.value ?? 0, expected)).toBeLessThan(1e-3);
    });
  }
});

describe('real operational CDMs', () => {
  it("CARA's EME2000 CDM: COMMENT HBR wins over the objects' exclusion radii and the value is near the given one", () => {
    const cdm = cdmFile('cara-000020580.cdm');
    const computed = assessCdmPc(cdm, { defaultHbrM: 20 }).computed_pc;
    expect(computed).toMatchObject({ hbr_m: 10, hbr_source: 'comment_hbr' });
    // The given value (1.862e-05) is CARA's own Foster computation with the same inputs.
    expect(relative(computed?.value ?? 0, cdm.collision_probability ?? 0)).toBeLessThan(0.05);
  });

  it("Space-Track's ITRF CDM: radius from both Exclusion Volume Radius comments, value near the given one", () => {
    const cdm = cdmFile('spacetrack-itrf.kvn');
    const computed = assessCdmPc(cdm, { defaultHbrM: 20 }).computed_pc;
    expect(computed).toMatchObject({ hbr_m: 10, hbr_source: 'comment_exclusion_volume' });
    expect(pcDisagrees(cdm.collision_probability, computed?.value, 10)).toBe(false);
  });
});

describe('hard-body radius sources', () => {
  const base = cdmFile('alfano02.cdm');
  const { ccsds: _ccsds, ...plain } = base as Cdm & { ccsds?: unknown };

  it('an override beats everything, the B-2 HBR keywords come next and add up', () => {
    expect(hardBodyRadius(base, 20, 7)).toEqual({ metres: 7, source: 'override' });
    const b2 = { ...base, ccsds: { version: '2.0', object1: { HBR: 2.5 }, object2: { HBR: 1.5 } } } as Cdm;
    expect(hardBodyRadius(b2, 20)).toEqual({ metres: 4, source: 'ccsds_hbr' });
  });

  it('screening_data.hard_body_radius_m, then the default', () => {
    expect(hardBodyRadius({ ...plain, screening_data: { hard_body_radius_m: 12 } } as Cdm, 20)).toEqual({ metres: 12, source: 'screening_data' });
    expect(hardBodyRadius(plain as Cdm, 20)).toEqual({ metres: 20, source: 'default' });
  });

  it('the chosen shape and radius change the value as expected', () => {
    const circle = assessCdmPc(base, { defaultHbrM: 20 }).computed_pc?.value ?? 0;
    const square = assessCdmPc(base, { defaultHbrM: 20, shape: 'square' }).computed_pc?.value ?? 0;
    const larger = assessCdmPc(base, { defaultHbrM: 20, hbrM: 8 }).computed_pc;
    expect(square).toBeGreaterThan(circle);
    expect(larger).toMatchObject({ hbr_m: 8, hbr_source: 'override' });
    expect(larger?.value ?? 0).toBeGreaterThan(circle);
  });
});

describe('degenerate CDMs give a reason, never a number', () => {
  const base = cdmFile('alfano01.cdm');

  it('a missing covariance', () => {
    const { covariance_rtm: _c, ...object2 } = base.object2;
    expect(assessCdmPc({ ...base, object2 } as Cdm, { defaultHbrM: 20 })).toEqual({ computed_pc_error: expect.stringContaining('object2: no position covariance') });
  });

  it('a missing state vector', () => {
    const { state_vector: _s, ...object1 } = base.object1;
    expect(assessCdmPc({ ...base, object1 } as Cdm, { defaultHbrM: 20 }).computed_pc_error).toContain('object1: no state vector');
  });

  it('a covariance that is not positive semi-definite', () => {
    const cov = { ...base.object1.covariance_rtm, cr_r: 1, ct_t: 1, ct_r: 5 } as NonNullable<Cdm['object1']['covariance_rtm']>;
    const result = assessCdmPc({ ...base, object1: { ...base.object1, covariance_rtm: cov } }, { defaultHbrM: 20 });
    expect(result.computed_pc).toBeUndefined();
    expect(result.computed_pc_error).toContain('not positive semi-definite');
  });

  it('zero relative velocity', () => {
    const object2 = { ...base.object2, state_vector: { ...base.object1.state_vector, x_km: 153.45 } } as Cdm['object2'];
    expect(assessCdmPc({ ...base, object2 }, { defaultHbrM: 20 }).computed_pc_error).toContain('relative velocity is zero');
  });

  it('different frames, or a frame the node does not know', () => {
    const sv = base.object2.state_vector as NonNullable<Cdm['object2']['state_vector']>;
    const itrf = { ...base, object2: { ...base.object2, state_vector: { ...sv, reference_frame: 'ITRF' } } };
    expect(assessCdmPc(itrf, { defaultHbrM: 20 }).computed_pc_error).toContain('different frames');
    const odd = { ...base, object1: { ...base.object1, state_vector: { ...sv, reference_frame: 'RSW' } }, object2: { ...base.object2, state_vector: { ...sv, reference_frame: 'RSW' } } };
    expect(assessCdmPc(odd, { defaultHbrM: 20 }).computed_pc_error).toContain('REF_FRAME RSW is not supported');
  });
});

describe('disagreement between given and computed Pc', () => {
  it('more than the factor either way, never for a missing value', () => {
    expect(pcDisagrees(1e-4, 2e-5, 10)).toBe(false);
    expect(pcDisagrees(1e-4, 9e-6, 10)).toBe(true);
    expect(pcDisagrees(1e-6, 1e-4, 10)).toBe(true);
    expect(pcDisagrees(undefined, 1e-4, 10)).toBe(false);
    expect(pcDisagrees(0, 1e-40, 10)).toBe(false);
  });
});
