import type { CdmObject } from '../protocol/cdm.js';
import { add, cross, dot, scale, unit, rotateCovariance, symmetricEigenvalues, type Mat3, type Vec3 } from './linalg.js';
import type { InertialState } from './foster.js';

/**
 * Earth's nominal rotation rate, rad/s (IERS Conventions 2010, TN 36, section 1.2: ω = 7.292115e-5).
 * Used only to turn an ITRF velocity into an inertial one; polar motion, precession and
 * nutation are neglected over the instant of TCA (they rotate both objects alike, which a
 * relative geometry does not see).
 */
export const EARTH_ROTATION_RAD_S = 7.292115e-5;

/** Frames treated as inertial (no rotation at TCA). Two objects must share one frame. */
const INERTIAL_FRAMES = new Set(['EME2000', 'J2000', 'GCRF', 'ICRF', 'TEME', 'TOD', 'MOD']);
/** Earth-fixed frames: their velocities get ω×r added. */
const ROTATING_FRAME = /^(ITRF.*|EFG|ECEF|ECF|TDR|PEF)$/;

export type FrameKind = 'inertial' | 'rotating';

/** Which kind a CDM `REF_FRAME` is, or undefined for a frame the node cannot use. */
export function frameKind(frame: string): FrameKind | undefined {
  const name = frame.trim().toUpperCase();
  if (INERTIAL_FRAMES.has(name)) return 'inertial';
  return ROTATING_FRAME.test(name) ? 'rotating' : undefined;
}

/** v_inertial = v_itrf + ω_earth × r (r in m, v in m/s), expressed in ITRF axes. */
export function inertialVelocity(r: Vec3, vItrf: Vec3): Vec3 {
  return add(vItrf, cross([0, 0, EARTH_ROTATION_RAD_S], r));
}

/** The RTN unit vectors of a state: R along r, N along r×v, T = N×R (CCSDS 508.0 annex, RTN). */
export function rtnAxes(r: Vec3, v: Vec3): [Vec3, Vec3, Vec3] | undefined {
  const radial = unit(r);
  const normal = unit(cross(r, v));
  if (!radial || !normal) return undefined;
  return [radial, cross(normal, radial), normal];
}

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Why a symmetric 3×3 covariance is not positive semi-definite, or undefined when it is.
 * Checked on its correlation matrix D^(−1/2)·C·D^(−1/2) (D the diagonal), which is
 * semi-definite exactly when C is, and whose entries lie in [−1, 1] whatever the units and
 * however elongated C is (real covariances span 1e9 between their axes, beyond what an
 * eigenvalue of C itself keeps in doubles).
 */
export function covarianceProblem(m: Mat3): string | undefined {
  const d = [m[0][0], m[1][1], m[2][2]];
  if (d.some((v) => v < 0)) return 'a variance (CR_R, CT_T or CN_N) is negative';
  if (m.flat().every((v) => v === 0)) return 'the covariance is zero';
  const s = d.map(Math.sqrt);
  const r = m.map((row, i) =>
    row.map((v, j) => {
      if (i === j) return d[i] === 0 ? 0 : 1;
      const scale = (s[i] as number) * (s[j] as number);
      return scale === 0 ? (v === 0 ? 0 : Number.POSITIVE_INFINITY) : v / (s[i] as number) / (s[j] as number);
    }),
  ) as unknown as Mat3;
  if (!r.flat().every(Number.isFinite)) return 'a covariance term is non-zero where a variance is zero';
  const [smallest] = symmetricEigenvalues(r);
  // Round-off in published 16-digit covariances leaves correlation eigenvalues of about −1e-12.
  return smallest < -1e-9 ? `a correlation is inconsistent (the correlation matrix has eigenvalue ${smallest.toPrecision(3)})` : undefined;
}

/** The 3×3 RTN position covariance of a CDM object (CR_R … CN_N, m²), checked positive semi-definite. */
export function rtnCovariance(object: CdmObject, label: string): Outcome<Mat3> {
  const c = object.covariance_rtm;
  if (!c) return { ok: false, reason: `${label}: no position covariance (CR_R … CN_N)` };
  const m: Mat3 = [
    [c.cr_r, c.ct_r, c.cn_r],
    [c.ct_r, c.ct_t, c.cn_t],
    [c.cn_r, c.cn_t, c.cn_n],
  ];
  if (!m.flat().every(Number.isFinite)) return { ok: false, reason: `${label}: the covariance has a non-finite value` };
  const problem = covarianceProblem(m);
  return problem ? { ok: false, reason: `${label}: the position covariance is not positive semi-definite: ${problem}` } : { ok: true, value: m };
}

/**
 * The object's position (m), inertial velocity (m/s) and position covariance (m²) in the
 * axes of its state's frame, from the CDM's state vector (km, km/s) and RTN covariance.
 */
export function inertialState(object: CdmObject, label: string, kind: FrameKind): Outcome<InertialState> {
  const s = object.state_vector;
  if (!s) return { ok: false, reason: `${label}: no state vector (X … Z_DOT)` };
  const r: Vec3 = scale([s.x_km, s.y_km, s.z_km], 1000);
  const vFrame: Vec3 = scale([s.vx_km_s, s.vy_km_s, s.vz_km_s], 1000);
  if (![...r, ...vFrame].every(Number.isFinite)) return { ok: false, reason: `${label}: the state vector has a non-finite value` };
  if (!Number.isFinite(dot(r, r)) || !Number.isFinite(dot(vFrame, vFrame))) return { ok: false, reason: `${label}: the state vector is too large to compute with` };
  const v = kind === 'rotating' ? inertialVelocity(r, vFrame) : vFrame;
  const axes = rtnAxes(r, v);
  if (!axes) return { ok: false, reason: `${label}: position and velocity are parallel or zero, RTN is undefined` };
  const cov = rtnCovariance(object, label);
  if (!cov.ok) return cov;
  return { ok: true, value: { r, v, cov: rotateCovariance(cov.value, axes) } };
}
