import { normalInterval } from './erfc.js';
import { cross, dot, matAdd, norm, quadratic, scale, sub, unit, type Mat3, type Vec3 } from './linalg.js';
import { integrate } from './quadrature.js';

/**
 * The hard-body shape integrated in the encounter plane:
 * - `circle`: the disc of radius HBR (Foster & Estes 1992);
 * - `square`: the square circumscribing that disc (side 2·HBR), sides along the miss
 *   direction and the normal r×v, as NASA CARA's Pc2D_Foster `HBRType = 'square'`;
 * - `square_equal_area`: the square of the disc's area (side √π·HBR), as CARA's `'squareEquArea'`.
 */
export const HARD_BODY_SHAPES = ['circle', 'square', 'square_equal_area'] as const;
export type HardBodyShape = (typeof HARD_BODY_SHAPES)[number];

/**
 * The encounter plane at TCA: the miss position of object 2 relative to object 1 (xm, ym,
 * metres) and the combined position covariance projected on the plane (m²), in axes x (the
 * miss direction) and y (the normal r×v).
 */
export interface EncounterPlane {
  xm: number;
  ym: number;
  sxx: number;
  syy: number;
  sxy: number;
}

export type PcOutcome = { ok: true; value: number } | { ok: false; reason: string };

/** Smallest 1 − ρ² accepted as positive definite (round-off on m² values near 1e-16 relative). */
const CONDITION_FLOOR = 1e-14;

/** Whether the 2×2 covariance is positive definite: positive variances and determinant. */
export function planeCovarianceProblem(p: EncounterPlane): string | undefined {
  const values = [p.xm, p.ym, p.sxx, p.syy, p.sxy];
  if (!values.every(Number.isFinite)) return 'the encounter plane has a non-finite value';
  // 1 − ρ², from ratios so that variances of 1e±300 m² neither overflow nor underflow.
  const decorrelation = p.sxx > 0 && p.syy > 0 ? 1 - (p.sxy / p.sxx) * (p.sxy / p.syy) : Number.NaN;
  if (!(decorrelation > CONDITION_FLOOR)) {
    return 'the combined covariance projected on the encounter plane is not positive definite';
  }
  return undefined;
}

/** Rotates the plane to the principal axes of its covariance, the larger variance on x. */
function principal(p: EncounterPlane): EncounterPlane {
  const angle = 0.5 * Math.atan2(2 * p.sxy, p.sxx - p.syy);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const mean = (p.sxx + p.syy) / 2;
  const spread = Math.hypot((p.sxx - p.syy) / 2, p.sxy);
  return { xm: c * p.xm + s * p.ym, ym: -s * p.xm + c * p.ym, sxx: mean + spread, syy: Math.max(mean - spread, 0), sxy: 0 };
}

/** Points of [a, b] where the x-marginal density changes fast: its mean and ±1 to ±12 σ (past 12 σ it is below 1e-31 of its peak). */
function peakBreakpoints(a: number, b: number, sigma: number): number[] {
  const points = [a, b];
  for (const k of [-12, -8, -5, -3, -2, -1, 0, 1, 2, 3, 5, 8, 12]) {
    const x = k * sigma;
    if (x > a && x < b) points.push(x);
  }
  return points.sort((u, v) => u - v);
}

/**
 * The 2-D probability of collision: the bivariate normal density of the encounter plane,
 * centred at the origin with covariance (sxx, sxy; sxy, syy), integrated over the hard-body
 * shape of radius `hbr` (m) centred at the miss (xm, ym). Foster & Estes (1992), "A
 * parametric analysis of orbital debris collision probability and maneuver rate for space
 * vehicles", NASA JSC-25898; written as one integral over x of the marginal density times the
 * conditional interval probability in y (the error-function form of Alfano 2005, "A
 * numerical implementation of spherical object collision probability", J. Astronaut. Sci.
 * 53(1); and of NASA CARA's Pc2D_Foster), integrated by adaptive Gauss–Kronrod quadrature (QUADPACK QAGP, `integrate`).
 * For the circle, x = xm + HBR·sin θ removes the square-root end points.
 */
export function pc2dEncounterPlane(plane: EncounterPlane, hbr: number, shape: HardBodyShape = 'circle'): PcOutcome {
  const problem = planeCovarianceProblem(plane);
  if (problem) return { ok: false, reason: problem };
  if (!(hbr > 0) || !Number.isFinite(hbr)) return { ok: false, reason: `the hard-body radius must be a positive number of metres (got ${hbr})` };
  const halfSide = shape === 'square' ? hbr : (Math.sqrt(Math.PI) / 2) * hbr;
  if (wholeMassInside(plane, shape === 'circle' ? hbr : halfSide)) return { ok: true, value: 1 };
  const value = shape === 'circle' ? circlePc(principal(plane), hbr) : squarePc(plane, halfSide);
  return Number.isFinite(value) ? { ok: true, value: Math.min(1, Math.max(0, value)) } : { ok: false, reason: 'the integration did not converge' };
}

/** Standard deviations beyond which the normal density's mass is below the smallest double (e^(−40²/2) ≈ 1e-348). */
const NEGLIGIBLE_SIGMAS = 40;

/**
 * Whether the disc of radius `inner` about the miss (inscribed in the shape) holds all the
 * density's mass to double precision: the covariance is tiny against the shape, where the
 * quadrature's breakpoints would collapse onto one another.
 */
function wholeMassInside(p: EncounterPlane, inner: number): boolean {
  const largestSigma = Math.sqrt((p.sxx + p.syy) / 2 + Math.hypot((p.sxx - p.syy) / 2, p.sxy));
  return inner - Math.hypot(p.xm, p.ym) > NEGLIGIBLE_SIGMAS * largestSigma;
}

function circlePc(p: EncounterPlane, hbr: number): number {
  const sx = Math.sqrt(p.sxx);
  const sy = Math.sqrt(p.syy);
  const density = 1 / (Math.sqrt(2 * Math.PI) * sx);
  const f = (theta: number) => {
    const x = p.xm + hbr * Math.sin(theta);
    const h = hbr * Math.cos(theta);
    return density * Math.exp((-0.5 * x * x) / p.sxx) * normalInterval(p.ym - h, p.ym + h, sy) * h;
  };
  const toTheta = (x: number) => Math.asin(Math.min(1, Math.max(-1, (x - p.xm) / hbr)));
  const breaks = peakBreakpoints(p.xm - hbr, p.xm + hbr, sx).map(toTheta);
  return integrate(f, breaks);
}

function squarePc(p: EncounterPlane, halfSide: number): number {
  const sx = Math.sqrt(p.sxx);
  const slope = p.sxy / p.sxx;
  const conditional = Math.sqrt(p.syy - p.sxy * slope);
  const density = 1 / (Math.sqrt(2 * Math.PI) * sx);
  const f = (x: number) => {
    const mean = slope * x;
    return density * Math.exp((-0.5 * x * x) / p.sxx) * normalInterval(p.ym - halfSide - mean, p.ym + halfSide - mean, conditional);
  };
  return integrate(f, peakBreakpoints(p.xm - halfSide, p.xm + halfSide, sx));
}

/** Position (m), velocity (m/s) and position covariance (m², 3×3) in one inertial frame. */
export interface InertialState {
  r: Vec3;
  v: Vec3;
  cov: Mat3;
}

/**
 * The encounter plane of two objects at TCA (linear relative motion): y-axis... the plane is
 * normal to the relative velocity v = v2 − v1; x is the miss direction (r2 − r1 without its
 * part along v), y the normal (r×v); the covariance is C1 + C2 (uncorrelated errors).
 * As NASA CARA's Pc2D_Foster. Errors: zero relative velocity.
 */
export function encounterPlane(o1: InertialState, o2: InertialState): { ok: true; plane: EncounterPlane } | { ok: false; reason: string } {
  const r = sub(o2.r, o1.r);
  const along = unit(sub(o2.v, o1.v));
  if (!along) return { ok: false, reason: 'the relative velocity is zero: there is no encounter plane' };
  const perpendicular = sub(r, scale(along, dot(r, along)));
  const missAxis = unit(perpendicular) ?? anyPerpendicular(along);
  const normal = cross(missAxis, along);
  const cov = matAdd(o1.cov, o2.cov);
  return {
    ok: true,
    plane: {
      xm: norm(perpendicular),
      ym: 0,
      sxx: quadratic(missAxis, cov, missAxis),
      syy: quadratic(normal, cov, normal),
      sxy: quadratic(missAxis, cov, normal),
    },
  };
}

/** A unit vector perpendicular to `u` (for a zero miss, where any in-plane axis will do). */
function anyPerpendicular(u: Vec3): Vec3 {
  const helper: Vec3 = Math.abs(u[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  return unit(cross(u, helper)) ?? [0, 0, 1];
}

/** Foster's 2-D Pc from two inertial states and covariances (m, m/s, m²) and the combined HBR (m). */
export function pc2dFromStates(o1: InertialState, o2: InertialState, hbr: number, shape: HardBodyShape = 'circle'): PcOutcome {
  const plane = encounterPlane(o1, o2);
  if (!plane.ok) return plane;
  return pc2dEncounterPlane(plane.plane, hbr, shape);
}
