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
 * What became of a message's origin signature at this node (PROTOCOL.md section 10):
 * `verified` by a trusted key of its source node; `unsigned`; `unknown_key` (signed by a
 * key this node does not trust); `invalid` (malformed, of another node, retired before the
 * message's timestamp, or not matching the signed bytes); `not_checked` (`trust.mode: off`);
 * `tca_expiry` (the built-in TCA_PASSED withdrawal, which needs no signature).
 */
export type SignatureResult = 'verified' | 'unsigned' | 'unknown_key' | 'invalid' | 'not_checked' | 'tca_expiry';

/** Whether the message's source may change the record: its `origin`, a configured delegate, or neither. */
export type AuthorityResult = 'origin' | 'delegate' | 'not_origin';

/** The signature and authority check of one held message, kept with its record. */
export interface SignatureCheck {
  /** The key the message names (`signature.key_id`), null when unsigned. */
  key_id: string | null;
  /** True only when `result` is `verified`. */
  verified: boolean;
  result: SignatureResult;
  authority: AuthorityResult;
  /** Why it is not verified or not authorised. */
  reason?: string;
  /** A withdrawal this node's operator forced on a record of another origin (`DELETE` with `force`). */
  forced?: boolean;
}

/** The slots of a record that hold a message: announce/withdrawal (CDMs, objects), intent/status_update (maneuvers). */
export type MessageSlot = 'announce' | 'withdrawal' | 'intent' | 'status_update';

/** A record's owner and the check of each message it holds; local to this node, never sent. */
export interface RecordTrust {
  /** The node that first announced the record (section 10 "authority"). */
  origin: string;
  checks: Partial<Record<MessageSlot, SignatureCheck>>;
}

/**
 * A CDM is the join of two registers: the winning announce and the winning withdrawal.
 * Keeping both (instead of a single state) is what makes the merge order-independent.
 */
export interface CdmRecord extends Provenance, PcAssessment {
  cdm_id: string;
  status: RecordStatus;
  announce?: Envelope<'CDM_ANNOUNCE'>;
  withdrawal?: Envelope<'CDM_WITHDRAW'>;
  trust?: RecordTrust;
}

export interface ObjectRecord extends Provenance {
  object_id: string;
  status: RecordStatus;
  announce?: Envelope<'OBJECT_STATE_ANNOUNCE'>;
  withdrawal?: Envelope<'OBJECT_STATE_WITHDRAW'>;
  trust?: RecordTrust;
}

export interface ManeuverRecord extends Provenance {
  maneuver_id: string;
  object_id: string;
  status: ManeuverStatus;
  intent?: Envelope<'MANEUVER_INTENT'>;
  status_update?: Envelope<'MANEUVER_STATUS'>;
  trust?: RecordTrust;
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
