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
    expect(hardBodyRadius(base, 20, 7)).toEqual({ ok: true, radius: { metres: 7, source: 'override' } });
    const b2 = { ...base, ccsds: { version: '2.0', object1: { HBR: 2.5 }, object2: { HBR: 1.5 } } } as Cdm;
    expect(hardBodyRadius(b2, 20)).toEqual({ ok: true, radius: { metres: 4, source: 'ccsds_hbr' } });
  });

  it('screening_data.hard_body_radius_m, then the default', () => {
    expect(hardBodyRadius({ ...plain, screening_data: { hard_body_radius_m: 12 } } as Cdm, 20)).toEqual({ ok: true, radius: { metres: 12, source: 'screening_data' } });
    expect(hardBodyRadius(plain as Cdm, 20)).toEqual({ ok: true, radius: { metres: 20, source: 'default' } });
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

describe('radii the CDM gives but that cannot be used are refused, never replaced by the default', () => {
  const base = cdmFile('alfano02.cdm');
  const { ccsds: _ccsds, ...plain } = base as Cdm & { ccsds?: unknown };
  const withComments = (sections: Record<string, string[]>): Cdm =>
    ({ ...plain, ccsds: { version: '1.0', comments: Object.fromEntries(Object.entries(sections).map(([k, end]) => [k, { end }])) } }) as Cdm;
  const reason = (cdm: Cdm) => {
    const r = hardBodyRadius(cdm, 20);
    return r.ok ? `accepted ${r.radius.metres} m from ${r.radius.source}` : r.reason;
  };

  it.each([
    ['HBR = -15', 'not a positive radius'],
    ['HBR = 0', 'not a positive radius'],
    ['HBR = -0', 'not a positive radius'],
    ['HBR = abc', 'is not a number of metres'],
    ['HBR = NaN', 'is not a number of metres'],
    ['HBR = Infinity', 'is not a number of metres'],
    ['HBR = 1e400', 'is not a number of metres'],
    ['HBR = 0x10', 'is not a number of metres'],
    ['HBR = 15 [km]', 'must be in metres'],
    ['HBR = 1e308', 'larger than 1000 m'],
  ])('COMMENT %s', (comment, expected) => {
    expect(reason(withComments({ relative: [comment] }))).toContain(expected);
  });

  it('reads the accepted forms: "=", ":", a [m] unit, spaces, any case', () => {
    for (const comment of ['HBR = 15.0', 'HBR: 15', 'hbr = 15 [m]', '  HBR=1.5e1 [ m ] ']) {
      expect(hardBodyRadius(withComments({ relative: [comment] }), 20)).toEqual({ ok: true, radius: { metres: 15, source: 'comment_hbr' } });
    }
  });

  it('two HBR comments that disagree, or one unreadable among readable ones', () => {
    expect(reason(withComments({ relative: ['HBR = 5', 'HBR = 50'] }))).toContain('disagree');
    expect(reason(withComments({ relative: ['HBR = -5', 'HBR = 7'] }))).toContain('not a positive radius');
    expect(reason(withComments({ relative: ['HBR = 7', 'HBR = 7.0'] }))).toBe('accepted 7 m from comment_hbr');
  });

  it('an exclusion volume radius for one object only, or a bad one for the other', () => {
    expect(reason(withComments({ object1: ['Exclusion Volume Radius = 5.000000 [m]'] }))).toContain('object1 only');
    expect(reason(withComments({ object1: ['Exclusion Volume Radius = 5 [m]'], object2: ['Exclusion Volume Radius = -5 [m]'] }))).toContain('not a positive radius');
    expect(reason(withComments({ object1: ['Exclusion Volume Radius = 5 [m]'], object2: ['EXCLUSION_VOLUME_RADIUS: 2.5'] }))).toBe('accepted 7.5 m from comment_exclusion_volume');
  });

  it('B-2 HBR keywords of zero, or for one object only', () => {
    expect(reason({ ...base, ccsds: { version: '2.0', object1: { HBR: 0 }, object2: { HBR: 0 } } } as Cdm)).toContain('not a positive radius');
    expect(reason({ ...base, ccsds: { version: '2.0', object1: { HBR: 3 } } } as Cdm)).toContain('object1 only');
  });

  it('reads a radius comment in time linear in its length: a 1 MB digit string is refused at once', () => {
    const digits = `HBR = ${'1'.repeat(1_000_000)}x`;
    const spaces = `HBR = 1${' '.repeat(1_000_000)}x`;
    expect(reason(withComments({ relative: [digits] }))).toContain('is not a radius');
    expect(reason(withComments({ relative: [spaces] }))).toContain('is not a radius');
    // Through the whole computation too: a reason, not a number.
    expect(assessCdmPc(withComments({ object1: [digits] }), { defaultHbrM: 20 }).computed_pc_error).toContain('hard-body radius');
  });
});

describe('covariances of any scale and shape', () => {
  it("CARA's CDM whose covariance spans 1e9 between its axes is positive definite and matches CARA's Pc", () => {
    const cdm = cdmFile('cara-000032060-elongated.cdm');
    const computed = assessCdmPc(cdm, { defaultHbrM: 20 }).computed_pc;
    expect(computed).toMatchObject({ hbr_m: 20, hbr_source: 'comment_hbr' });
    expect(relative(computed?.value ?? 0, cdm.collision_probability ?? 0)).toBeLessThan(1e-3);
  });

  const base = cdmFile('alfano01.cdm');
  const scaled = (k: number): Cdm => {
    const scale = (c: NonNullable<Cdm['object1']['covariance_rtm']>) => ({ ...c, cr_r: c.cr_r * k, ct_r: c.ct_r * k, ct_t: c.ct_t * k, cn_r: c.cn_r * k, cn_t: c.cn_t * k, cn_n: c.cn_n * k });
    return {
      ...base,
      object1: { ...base.object1, covariance_rtm: scale(base.object1.covariance_rtm as NonNullable<Cdm['object1']['covariance_rtm']>) },
      object2: { ...base.object2, covariance_rtm: scale(base.object2.covariance_rtm as NonNullable<Cdm['object1']['covariance_rtm']>) },
    };
  };

  it('covariances of 1e296 m² give a tiny Pc, of 1e-296 m² the whole probability (miss inside the disc)', () => {
    const huge = assessCdmPc(scaled(1e295), { defaultHbrM: 20 });
    expect(huge.computed_pc_error).toBeUndefined();
    expect(huge.computed_pc?.value).toBeLessThan(1e-280);
    const tiny = assessCdmPc(scaled(1e-298), { defaultHbrM: 20 });
    expect(tiny.computed_pc?.value).toBe(1);
  });

  it('a zero covariance or a negative variance is named as such', () => {
    const zero = { cr_r: 0, ct_r: 0, ct_t: 0, cn_r: 0, cn_t: 0, cn_n: 0 };
    expect(assessCdmPc({ ...base, object1: { ...base.object1, covariance_rtm: zero } }, { defaultHbrM: 20 }).computed_pc_error).toContain('the covariance is zero');
    const negative = { ...zero, cr_r: -1, ct_t: 1, cn_n: 1 };
    expect(assessCdmPc({ ...base, object1: { ...base.object1, covariance_rtm: negative } }, { defaultHbrM: 20 }).computed_pc_error).toContain('negative');
  });

  it('a state vector too large to compute with', () => {
    const sv = { ...(base.object1.state_vector as NonNullable<Cdm['object1']['state_vector']>), x_km: 1e300 };
    expect(assessCdmPc({ ...base, object1: { ...base.object1, state_vector: sv } }, { defaultHbrM: 20 }).computed_pc_error).toContain('too large');
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

  it('a state that names no frame, next to one that does or not', () => {
    const sv = base.object2.state_vector as NonNullable<Cdm['object2']['state_vector']>;
    const { reference_frame: _f, ...bare } = sv;
    const one = { ...base, object1: { ...base.object1, state_vector: bare } } as Cdm;
    expect(assessCdmPc(one, { defaultHbrM: 20 }).computed_pc_error).toContain('object1: the state vector names no REF_FRAME');
    const none = { ...one, object2: { ...base.object2, state_vector: bare } } as Cdm;
    expect(assessCdmPc(none, { defaultHbrM: 20 }).computed_pc_error).toContain('names no REF_FRAME');
  });

  it('EME2000 and J2000 are one frame', () => {
    const sv = base.object2.state_vector as NonNullable<Cdm['object2']['state_vector']>;
    const mixed = { ...base, object1: { ...base.object1, state_vector: { ...(base.object1.state_vector as typeof sv), reference_frame: 'J2000' } }, object2: { ...base.object2, state_vector: { ...sv, reference_frame: 'EME2000' } } };
    expect(assessCdmPc(mixed, { defaultHbrM: 20 }).computed_pc?.value).toBeCloseTo(assessCdmPc(base, { defaultHbrM: 20 }).computed_pc?.value ?? 0, 12);
  });

  it('a covariance said to be in a frame other than RTN', () => {
    const cov = { ...(base.object1.covariance_rtm as NonNullable<Cdm['object1']['covariance_rtm']>), reference_frame: 'ITRF' };
    expect(assessCdmPc({ ...base, object1: { ...base.object1, covariance_rtm: cov } }, { defaultHbrM: 20 }).computed_pc_error).toContain('object1: the covariance is in ITRF');
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
