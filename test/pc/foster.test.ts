import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc } from '../../src/pc/erfc.js';
import { pc2dEncounterPlane, pc2dFromStates, type InertialState } from '../../src/pc/foster.js';
import type { Mat3, Vec3 } from '../../src/pc/linalg.js';

const REL = 1e-3;

function expectRelative(actual: number, expected: number, tolerance = REL): void {
  expect(Math.abs(actual - expected) / expected).toBeLessThan(tolerance);
}

function kmState(r: Vec3, v: Vec3, covKm2: Mat3): InertialState {
  const m = (a: Vec3): Vec3 => [a[0] * 1000, a[1] * 1000, a[2] * 1000];
  const cov = covKm2.map((row) => m(m(row))) as unknown as Mat3;
  return { r: m(r), v: m(v), cov };
}

describe('complementary error function', () => {
  // Reference values: mpmath 1.3 `erfc` at 30 significant digits, rounded to doubles; one or more
  // arguments in each of Cody's ranges (|x| ≤ 0.46875, ≤ 4, < 26.543) and at their borders.
  const table: Array<[number, number]> = [
    [0, 1],
    [0.1, 0.887537083981715],
    [0.46875, 0.507386526782062],
    [0.47, 0.5062549491139179],
    [1, 0.15729920705028513],
    [2, 0.004677734981047266],
    [3.99, 1.6739211364520814e-08],
    [4, 1.541725790028002e-08],
    [4.01, 1.4196939421371052e-08],
    [5, 1.537459794428035e-12],
    [10, 2.088487583762545e-45],
    [15, 7.212994172451207e-100],
    [20, 5.395865611607901e-176],
    [26, 5.663192408856143e-296],
    [-0.3, 1.3286267594591274],
    [-1, 1.842700792949715],
    [-5, 1.9999999999984626],
  ];

  it('matches high-precision reference values to 1e-14 relative, far tail included', () => {
    for (const [x, value] of table) expectRelative(erfc(x), value, 1e-14);
  });

  it('is 0 past its underflow, 2 far left, NaN for NaN', () => {
    expect(erfc(27)).toBe(0);
    expect(erfc(-40)).toBe(2);
    expect(erfc(Number.NaN)).toBeNaN();
  });

  it('keeps erfc(x) + erfc(−x) = 2 and decreases', () => {
    fc.assert(
      fc.property(fc.double({ min: -6, max: 6, noNaN: true }), fc.double({ min: 1e-9, max: 1, noNaN: true }), (x, step) => {
        expect(Math.abs(erfc(x) + erfc(-x) - 2)).toBeLessThan(1e-15);
        expect(erfc(x + step)).toBeLessThanOrEqual(erfc(x));
      }),
    );
  });
});

describe('Foster 2-D Pc: NASA CARA Omitron case 1 (inertial states, km and km²)', () => {
  const o1 = kmState(
    [378.39559, 4305.721887, 5752.767554],
    [2.360800244, 5.580331936, -4.322349039],
    [
      [44.5757544811362, 81.6751751052616, -67.8687662707124],
      [81.6751751052616, 158.453402956163, -128.616921644857],
      [-67.8687662707124, -128.616921644858, 105.490542562701],
    ],
  );
  const o2 = kmState(
    [374.5180598, 4307.560983, 5751.130418],
    [-5.388125081, -3.946827739, 3.322820358],
    [
      [2.31067077720423, 1.69905293875632, -1.4170164577661],
      [1.69905293875632, 1.24957388457206, -1.04174164279599],
      [-1.4170164577661, -1.04174164279599, 0.869260558223714],
    ],
  );

  it('circle of HBR 20 m gives 2.706023476569787e-05', () => {
    const pc = pc2dFromStates(o1, o2, 20, 'circle');
    expect(pc.ok).toBe(true);
    if (pc.ok) expectRelative(pc.value, 2.706023476569787e-05);
  });

  it('square circumscribing HBR 20 m gives 3.44534649703584e-05', () => {
    const pc = pc2dFromStates(o1, o2, 20, 'square');
    expect(pc.ok).toBe(true);
    if (pc.ok) expectRelative(pc.value, 3.44534649703584e-5);
  });

  it('the square of equal area lies close to the circle and the order of objects does not matter', () => {
    const square = pc2dFromStates(o1, o2, 20, 'square_equal_area');
    const circle = pc2dFromStates(o2, o1, 20, 'circle');
    expect(square.ok && circle.ok).toBe(true);
    if (square.ok && circle.ok) {
      expectRelative(circle.value, 2.706023476569787e-05);
      expect(Math.abs(square.value - circle.value) / circle.value).toBeLessThan(0.05);
    }
  });
});

describe('Foster 2-D Pc: Orekit encounter-plane cases (miss, sigmas, radius in m)', () => {
  const cases: Array<[xm: number, ym: number, sx: number, sy: number, radius: number, expected: number]> = [
    [0, 10, 25, 50, 5, 9.742e-3],
    [10, 0, 25, 75, 5, 6.125e-3],
    [0, 1000, 1000, 3000, 10, 1.577e-5],
    [10000, 0, 1000, 3000, 10, 3.219e-27],
  ];
  for (const [xm, ym, sx, sy, radius, expected] of cases) {
    it(`(${xm}, ${ym}, ${sx}, ${sy}, ${radius}) gives ${expected}`, () => {
      const pc = pc2dEncounterPlane({ xm, ym, sxx: sx * sx, syy: sy * sy, sxy: 0 }, radius);
      expect(pc.ok).toBe(true);
      // The published values have four digits: agree to their rounding.
      if (pc.ok) expectRelative(pc.value, expected, 5e-4 / 1.5);
    });
  }
});

describe('Foster 2-D Pc: degenerate input', () => {
  const good: InertialState = { r: [7e6, 0, 0], v: [0, 7500, 0], cov: [[100, 0, 0], [0, 100, 0], [0, 0, 100]] };

  it('refuses zero relative velocity', () => {
    const pc = pc2dFromStates(good, { ...good, r: [7e6, 0, 10] }, 20);
    expect(pc).toEqual({ ok: false, reason: expect.stringContaining('relative velocity is zero') });
  });

  it('refuses a covariance that is singular on the encounter plane', () => {
    const flat: Mat3 = [[0, 0, 0], [0, 100, 0], [0, 0, 0]];
    const pc = pc2dFromStates({ ...good, cov: flat }, { r: [7e6, 0, 10], v: [0, -7500, 10], cov: flat }, 20);
    expect(pc).toEqual({ ok: false, reason: expect.stringContaining('not positive definite') });
  });

  it('refuses a non-positive hard-body radius', () => {
    const pc = pc2dEncounterPlane({ xm: 1, ym: 0, sxx: 1, syy: 1, sxy: 0 }, 0);
    expect(pc.ok).toBe(false);
  });

  it('gives the whole probability for a tiny covariance centred inside a large disc', () => {
    const pc = pc2dEncounterPlane({ xm: 1, ym: 0, sxx: 1e-6, syy: 4e-6, sxy: 1e-6 }, 20);
    expect(pc.ok && pc.value).toBeCloseTo(1, 9);
  });
});

/**
 * An independent check: the bivariate normal density integrated over the disc in polar
 * coordinates about the miss point, with no error function and no change of variable —
 * Gauss–Legendre in the radius (nodes of `radialRule`) and the trapezoid rule in the angle
 * (exponentially accurate for a smooth periodic integrand).
 */
function bruteForceCirclePc(p: { xm: number; ym: number; sxx: number; syy: number; sxy: number }, hbr: number): number {
  const det = p.sxx * p.syy - p.sxy * p.sxy;
  const norm = 1 / (2 * Math.PI * Math.sqrt(det));
  const [nodes, weights] = radialRule;
  const angles = 512;
  let sum = 0;
  for (let i = 0; i < nodes.length; i++) {
    const r = (hbr * ((nodes[i] as number) + 1)) / 2;
    let ring = 0;
    for (let k = 0; k < angles; k++) {
      const t = (2 * Math.PI * k) / angles;
      const x = p.xm + r * Math.cos(t);
      const y = p.ym + r * Math.sin(t);
      ring += Math.exp(-(p.syy * x * x - 2 * p.sxy * x * y + p.sxx * y * y) / (2 * det));
    }
    sum += (weights[i] as number) * r * ring * ((2 * Math.PI) / angles);
  }
  return (norm * sum * hbr) / 2;
}

/** 48-point Gauss–Legendre rule on [−1, 1] by Newton's method on P₄₈ (Numerical Recipes 4.6). */
const radialRule: [number[], number[]] = (() => {
  const n = 48;
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j + 1) * z * p2 - j * p3) / (j + 1);
      }
      dp = (n * (z * p1 - p2)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    nodes.push(z);
    weights.push(2 / ((1 - z * z) * dp * dp));
  }
  return [nodes, weights];
})();

describe('Foster 2-D Pc against brute-force integration over the disc', () => {
  it('agrees to 1e-5 on random encounter planes (disc up to twice the smaller sigma)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: -0.9, max: 0.9, noNaN: true }),
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        (logSx, logSy, missX, missY, rho, hbrScale) => {
          const sx = 10 ** logSx;
          const sy = 10 ** logSy;
          const plane = { xm: missX * sx, ym: missY * sy, sxx: sx * sx, syy: sy * sy, sxy: rho * sx * sy };
          const hbr = hbrScale * Math.min(sx, sy) * Math.sqrt(1 - rho * rho);
          const pc = pc2dEncounterPlane(plane, hbr);
          expect(pc.ok).toBe(true);
          const reference = bruteForceCirclePc(plane, hbr);
          // The quadrature's own tolerance is 1e-6 relative; the reference has its own error.
          if (pc.ok) expect(Math.abs(pc.value - reference) / reference).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 200 },
    );
  });
});
