/**
 * Adaptive Gauss–Kronrod quadrature: the 7-point Gauss rule and its 15-point Kronrod
 * extension (Piessens, de Doncker-Kapenga, Überhuber & Kahaner, QUADPACK, Springer 1983,
 * routines QK15 and QAGP; the rule MATLAB's `integral`, and so NASA CARA's Pc2D_Foster, uses).
 */

export type Integrand = (x: number) => number;

/** Kronrod nodes on [0, 1]; the odd-indexed ones (1, 3, 5, 7 = the centre) are the Gauss nodes. */
const KRONROD_NODES = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691,
  0.7415311855993945, 0.5860872354676911, 0.4058451513773972,
  0.20778495500789848, 0,
] as const;
const KRONROD_WEIGHTS = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019,
  0.14065325971552592, 0.1690047266392679, 0.19035057806478542,
  0.20443294007529889, 0.20948214108472782,
] as const;
/** Gauss weights of nodes 1, 3, 5 and 7 (the centre). */
const GAUSS_WEIGHTS = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694] as const;

/**
 * The 15-point Kronrod estimate of ∫ f over [a, b] and QUADPACK's estimate of its error:
 * from |K15 − G7| scaled as in QK15, e = I_asc·min(1, (200·|K15 − G7| / I_asc)^1.5), where
 * I_asc is the integral of |f − mean f| (K15 is far more accurate than G7, whose error
 * |K15 − G7| measures), and never below 50 ε ∫|f| (round-off).
 */
export function kronrod15(f: Integrand, a: number, b: number): { kronrod: number; error: number } {
  const mid = (a + b) / 2;
  const half = (b - a) / 2;
  const centre = f(mid);
  const values: number[] = [];
  let kronrod = KRONROD_WEIGHTS[7] * centre;
  let gauss = GAUSS_WEIGHTS[3] * centre;
  let absolute = KRONROD_WEIGHTS[7] * Math.abs(centre);
  for (let i = 0; i < 7; i++) {
    const dx = half * (KRONROD_NODES[i] as number);
    const left = f(mid - dx);
    const right = f(mid + dx);
    values.push(left, right);
    const w = KRONROD_WEIGHTS[i] as number;
    kronrod += w * (left + right);
    absolute += w * (Math.abs(left) + Math.abs(right));
    if (i % 2 === 1) gauss += (GAUSS_WEIGHTS[(i - 1) / 2] as number) * (left + right);
  }
  const mean = kronrod / 2;
  let spread = KRONROD_WEIGHTS[7] * Math.abs(centre - mean);
  for (let i = 0; i < 7; i++) spread += (KRONROD_WEIGHTS[i] as number) * (Math.abs((values[2 * i] as number) - mean) + Math.abs((values[2 * i + 1] as number) - mean));
  const scale = Math.abs(half);
  let error = Math.abs((kronrod - gauss) * half);
  spread *= scale;
  if (spread !== 0 && error !== 0) error = spread * Math.min(1, (200 * error / spread) ** 1.5);
  error = Math.max(error, 50 * Number.EPSILON * absolute * scale);
  return { kronrod: kronrod * half, error };
}

/** Most subintervals of one integral (QUADPACK's `limit`); bounds the cost of any input. */
const MAX_INTERVALS = 400;
/** Halvings of every piece when all first estimates are zero (a narrow peak between nodes). */
const BLIND_SPLITS = 4;

interface Interval {
  a: number;
  b: number;
  kronrod: number;
  error: number;
}

function interval(f: Integrand, a: number, b: number): Interval {
  return { a, b, ...kronrod15(f, a, b) };
}

function halves(f: Integrand, i: Interval): Interval[] {
  const mid = (i.a + i.b) / 2;
  return mid === i.a || mid === i.b ? [{ ...i, error: 0 }] : [interval(f, i.a, mid), interval(f, mid, i.b)];
}

/**
 * ∫ f over consecutive pieces [p0, p1], [p1, p2], … (breakpoints where f changes fast), as
 * QUADPACK's QAGP: the interval of largest error estimate (see `kronrod15`) is halved until their
 * sum is at most `relTol` of the integral (relative, not absolute, so that integrals of
 * 1e-30 keep their digits), or down to round-off, or `MAX_INTERVALS` are in use. Returns
 * NaN if f does.
 */
export function integrate(f: Integrand, breakpoints: readonly number[], relTol = 1e-6): number {
  let intervals: Interval[] = [];
  for (let i = 0; i + 1 < breakpoints.length; i++) {
    const a = breakpoints[i] ?? 0;
    const b = breakpoints[i + 1] ?? 0;
    if (b > a) intervals.push(interval(f, a, b));
  }
  if (intervals.every((i) => i.kronrod === 0)) {
    for (let k = 0; k < BLIND_SPLITS; k++) intervals = intervals.flatMap((i) => halves(f, i));
  }
  for (;;) {
    let total = 0;
    let magnitude = 0;
    let error = 0;
    let worst = 0;
    intervals.forEach((i, index) => {
      total += i.kronrod;
      magnitude += Math.abs(i.kronrod);
      error += i.error;
      if (i.error > (intervals[worst] as Interval).error) worst = index;
    });
    const tolerance = Math.max(relTol * Math.abs(total), 50 * Number.EPSILON * magnitude);
    if (!(error > tolerance) || intervals.length >= MAX_INTERVALS) return total;
    intervals.splice(worst, 1, ...halves(f, intervals[worst] as Interval));
  }
}
