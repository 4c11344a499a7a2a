import type { ComputedPc, PcAssessment } from '../model/assessment.js';
import type { Cdm } from '../protocol/cdm.js';
import { pc2dFromStates, type HardBodyShape } from './foster.js';
import { frameKind, inertialState, type FrameKind } from './frames.js';
import { hardBodyRadius } from './hbr.js';

/** The method name reported with every computed value (CCSDS COLLISION_PROBABILITY_METHOD style). */
export const PC_METHOD = 'FOSTER-1992';

export interface PcOptions {
  /** Radius when the CDM names none, m (config `pc.default_hbr_m`). */
  defaultHbrM: number;
  /** Radius that overrides the CDM's, m. */
  hbrM?: number;
  shape?: HardBodyShape;
}

/** The state's REF_FRAME of one object, named (a CDM names one per object, CCSDS 508.0 table 3-4). */
function stateFrame(cdm: Cdm, label: 'object1' | 'object2'): string | undefined {
  return cdm[label].state_vector?.reference_frame?.trim().toUpperCase() || undefined;
}

/** Names of one frame: EME2000 is J2000 (the mean equator and equinox of J2000.0). */
function canonicalFrame(name: string): string {
  return name === 'J2000' ? 'EME2000' : name;
}

/** RTN and the other names of the radial / along-track / cross-track axes (CCSDS 508.0 annex). */
const RTN_NAMES = new Set(['RTN', 'RSW', 'RIC', 'UVW', 'LVLH_RTN']);

/** Both objects' frame kind: each must name its REF_FRAME, the same one, and its covariance must be in RTN. */
function sharedFrame(cdm: Cdm): { ok: true; kind: FrameKind } | { ok: false; reason: string } {
  for (const label of ['object1', 'object2'] as const) {
    const cov = cdm[label].covariance_rtm?.reference_frame?.trim().toUpperCase();
    if (cov && !RTN_NAMES.has(cov)) return { ok: false, reason: `${label}: the covariance is in ${cov}; CR_R … CN_N must be in RTN` };
  }
  for (const label of ['object1', 'object2'] as const) {
    if (!cdm[label].state_vector) return { ok: false, reason: `${label}: no state vector (X … Z_DOT)` };
  }
  const f1 = stateFrame(cdm, 'object1');
  const f2 = stateFrame(cdm, 'object2');
  if (f1 === undefined || f2 === undefined) return { ok: false, reason: `${f1 === undefined ? 'object1' : 'object2'}: the state vector names no REF_FRAME` };
  if (canonicalFrame(f1) !== canonicalFrame(f2)) return { ok: false, reason: `the objects' states are in different frames (${f1}, ${f2})` };
  const kind = frameKind(f1);
  return kind ? { ok: true, kind } : { ok: false, reason: `REF_FRAME ${f1} is not supported (EME2000, GCRF, ITRF and other inertial or Earth-fixed frames are)` };
}

/**
 * The node's 2-D Pc of a CDM (Foster & Estes 1992; see `pc2dEncounterPlane`): each object's
 * state vector (km, km/s) at TCA and RTN position covariance (m²) put in the frame of the
 * states (for ITRF with v_inertial = v + ω×r), combined, projected on the encounter plane and
 * integrated over the hard-body shape. Assumes a short encounter with linear relative motion.
 * Never throws: missing or degenerate input gives `computed_pc_error`, a reason for people.
 */
export function assessCdmPc(cdm: Cdm, options: PcOptions): PcAssessment {
  try {
    const frame = sharedFrame(cdm);
    if (!frame.ok) return { computed_pc_error: frame.reason };
    const o1 = inertialState(cdm.object1, 'object1', frame.kind);
    if (!o1.ok) return { computed_pc_error: o1.reason };
    const o2 = inertialState(cdm.object2, 'object2', frame.kind);
    if (!o2.ok) return { computed_pc_error: o2.reason };
    const hbr = hardBodyRadius(cdm, options.defaultHbrM, options.hbrM);
    if (!hbr.ok) return { computed_pc_error: hbr.reason };
    const { metres, source } = hbr.radius;
    const shape = options.shape ?? 'circle';
    const pc = pc2dFromStates(o1.value, o2.value, metres, shape);
    if (!pc.ok) return { computed_pc_error: pc.reason };
    const computed: ComputedPc = { value: pc.value, method: PC_METHOD, hbr_m: metres, hbr_source: source, shape };
    return { computed_pc: computed };
  } catch (err) {
    // Defensive: the computation is pure arithmetic; a bug must not stop ingest.
    return { computed_pc_error: `the computation failed (${err instanceof Error ? err.message : String(err)})` };
  }
}

/**
 * Whether the given and computed Pc differ by more than `factor` (either way). Values below
 * 1e-30 count as 1e-30, so that two negligible values never disagree.
 */
export function pcDisagrees(given: number | undefined, computed: number | undefined, factor: number): boolean {
  if (given === undefined || computed === undefined) return false;
  const floor = 1e-30;
  const a = Math.max(given, floor);
  const b = Math.max(computed, floor);
  return Math.max(a / b, b / a) > factor;
}
