/**
 * The complementary error function with full relative accuracy in the far tail, which the
 * 2-D probability of collision needs (values down to 1e-300 must keep their digits).
 *
 * W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
 * (1969) 631–637, as in his routine CALERF (netlib specfun, 1990): three rational
 * approximations with maximal relative error below 6e-19 (|x| ≤ 0.5), 7.1e-18 (0.5 ≤ |x| ≤ 4)
 * and 7.3e-18 (|x| ≥ 4) in exact arithmetic; in doubles, a few ulps. e^(−x²) is evaluated as
 * e^(−t²)·e^(−(x−t)(x+t)) with t = x rounded down to 1/16, so that the rounding of x² does
 * not cost digits for large x. erfc underflows to 0 past x = 26.543.
 */

const THRESHOLD = 0.46875;
const UNDERFLOW = 26.543;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315] as const;
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171] as const;
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707,
  2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-08,
] as const;
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
  3439.3676741437216, 1230.3393548037495,
] as const;
const P = [0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378, 0.016315387137302097] as const;
const Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918] as const;

/** e^(−y²) without the cancellation error of rounding y² (CALERF's split at 1/16). */
function expMinusSquare(y: number): number {
  const t = Math.trunc(y * 16) / 16;
  return Math.exp(-t * t) * Math.exp(-(y - t) * (y + t));
}

/** erfc(x) for x real; NaN for NaN. Relative error a few units in the last place. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= THRESHOLD) {
    const ysq = y * y;
    let num = A[4] * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + (A[i] as number)) * ysq;
      den = (den + (B[i] as number)) * ysq;
    }
    return 1 - (x * (num + A[3])) / (den + B[3]);
  }
  let tail: number;
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + (C[i] as number)) * y;
      den = (den + (D[i] as number)) * y;
    }
    tail = (expMinusSquare(y) * (num + C[7])) / (den + D[7]);
  } else if (y >= UNDERFLOW) {
    tail = 0;
  } else {
    const z = 1 / (y * y);
    let num = P[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + (P[i] as number)) * z;
      den = (den + (Q[i] as number)) * z;
    }
    const ratio = (z * (num + P[4])) / (den + Q[4]);
    tail = (expMinusSquare(y) * (ONE_OVER_SQRT_PI - ratio)) / y;
  }
  return x < 0 ? 2 - tail : tail;
}

/**
 * P(lo ≤ Z ≤ hi) for Z ~ N(0, σ²), computed without cancellation when both bounds lie in
 * the same tail (the difference of two small erfc values, not of two values near 1).
 */
export function normalInterval(lo: number, hi: number, sigma: number): number {
  if (!(hi > lo)) return 0;
  const s = Math.SQRT2 * sigma;
  if (lo >= 0) return 0.5 * (erfc(lo / s) - erfc(hi / s));
  if (hi <= 0) return 0.5 * (erfc(-hi / s) - erfc(-lo / s));
  return 1 - 0.5 * (erfc(hi / s) + erfc(-lo / s));
}
