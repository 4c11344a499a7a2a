import type { Envelope } from '../protocol/envelope.js';
import type { ManeuverStatus } from '../protocol/messages.js';
import type { PcAssessment } from './assessment.js';

/** Who last changed a record and when, on this node (not part of the replicated content). */
export interface Provenance {
  /** The neighbour that delivered the change, or this node's own id for local ingest. */
  received_from: string;
  /** ISO 8601 UTC time this node stored the change. */
  received_at: string;
}

export type RecordStatus = 'active' | 'withdrawn';

/**
 * A CDM is the join of two registers: the winning announce and the winning withdrawal.
 * Keeping both (instead of a single state) is what makes the merge order-independent.
 */
export interface CdmRecord extends Provenance, PcAssessment {
  cdm_id: string;
  status: RecordStatus;
  announce?: Envelope<'CDM_ANNOUNCE'>;
  withdrawal?: Envelope<'CDM_WITHDRAW'>;
}

export interface ObjectRecord extends Provenance {
  object_id: string;
  status: RecordStatus;
  announce?: Envelope<'OBJECT_STATE_ANNOUNCE'>;
  withdrawal?: Envelope<'OBJECT_STATE_WITHDRAW'>;
}

export interface ManeuverRecord extends Provenance {
  maneuver_id: string;
  object_id: string;
  status: ManeuverStatus;
  intent?: Envelope<'MANEUVER_INTENT'>;
  status_update?: Envelope<'MANEUVER_STATUS'>;
}

/**
 * `created` and `updated` change the table; `unchanged` is the same content again;
 * `stale` lost the merge against what is held.
 */
export type MergeOutcome = 'created' | 'updated' | 'unchanged' | 'stale';

export interface Merged<R> {
  outcome: MergeOutcome;
  record: R;
}

export function changed(outcome: MergeOutcome): boolean {
  return outcome === 'created' || outcome === 'updated';
}
