import type { CdmRecord } from './records.js';

/**
 * The node's own 2-D probability of collision of a CDM (computed by src/pc on ingest).
 * Local to this node: derived from the CDM's content, kept with its record, never replicated.
 */
export interface ComputedPc {
  /** Probability of collision, 0 to 1. */
  value: number;
  /** e.g. `FOSTER-1992-2D`. */
  method: string;
  /** Combined hard-body radius used, m. */
  hbr_m: number;
  /** Where the radius came from: `override`, `ccsds_hbr`, `screening_data`, `comment_hbr`, `comment_exclusion_volume`, `default`. */
  hbr_source: string;
  shape: string;
}

/** What the node concluded about a CDM's Pc: a value, or why there is none. */
export interface PcAssessment {
  computed_pc?: ComputedPc;
  computed_pc_error?: string;
}

export type PcSource = 'given' | 'computed';

/**
 * The Pc a CDM is listed, sorted and filtered by: the originator's COLLISION_PROBABILITY
 * when given, else the node's computed one; undefined when there is neither.
 */
export function listedPc(record: CdmRecord): { value: number; source: PcSource } | undefined {
  const given = record.announce?.payload.cdm.collision_probability;
  if (given !== undefined) return { value: given, source: 'given' };
  const computed = record.computed_pc?.value;
  return computed !== undefined ? { value: computed, source: 'computed' } : undefined;
}
