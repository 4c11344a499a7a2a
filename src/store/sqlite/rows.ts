import { listedPc } from '../../model/assessment.js';
import type { CdmRecord, ManeuverRecord, ObjectRecord } from '../../model/records.js';
import { timestampKey } from '../../model/time.js';
import type { StoredPeer } from '../store.js';

/** Column values of a `cdms` row; the body columns are null for a tombstone without announce. */
export interface CdmRow {
  cdm_id: string;
  status: string;
  tca_key: string | null;
  created_key: string | null;
  collision_probability: number | null;
  miss_distance_m: number | null;
  object1_id: string | null;
  object2_id: string | null;
  owner1: string | null;
  owner2: string | null;
  received_key: string;
  record: string;
}

export function cdmRow(record: CdmRecord): CdmRow {
  const cdm = record.announce?.payload.cdm;
  return {
    cdm_id: record.cdm_id,
    status: record.status,
    tca_key: cdm ? timestampKey(cdm.tca) : null,
    created_key: cdm ? timestampKey(cdm.creation_date) : null,
    // Given Pc, else the computed one (`listedPc`): what the list filters and sorts by.
    collision_probability: cdm ? (listedPc(record)?.value ?? null) : null,
    miss_distance_m: cdm ? cdm.miss_distance_m : null,
    object1_id: cdm ? cdm.object1.object_id : null,
    object2_id: cdm ? cdm.object2.object_id : null,
    owner1: cdm?.object1.owner_operator ?? null,
    owner2: cdm?.object2.owner_operator ?? null,
    received_key: timestampKey(record.received_at),
    record: JSON.stringify(record),
  };
}

export function objectRow(record: ObjectRecord) {
  const state = record.announce?.payload;
  return {
    object_id: record.object_id,
    status: record.status,
    object_type: state?.object_type ?? null,
    owner: state?.owner_operator ?? null,
    received_key: timestampKey(record.received_at),
    record: JSON.stringify(record),
  };
}

export function maneuverRow(record: ManeuverRecord) {
  return {
    maneuver_id: record.maneuver_id,
    object_id: record.object_id,
    status: record.status,
    record: JSON.stringify(record),
  };
}

export function peerRow(peer: StoredPeer) {
  return { peer_id: peer.peer_id, record: JSON.stringify(peer) };
}

/**
 * Parses a stored `record` column. The text was written by `JSON.stringify` of a record of
 * this type in the same transaction as its columns, so the type is trusted, not re-validated.
 */
export function parseStored<T>(text: unknown): T {
  if (typeof text !== 'string') throw new Error(`Stored record is not text (${typeof text})`);
  return JSON.parse(text) as T;
}
