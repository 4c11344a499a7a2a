import { mergeCdmAnnounce, mergeCdmWithdraw, mergeManeuverIntent, mergeManeuverStatus, mergeObjectAnnounce, mergeObjectWithdraw } from '../model/merge.js';
import { changed, type CdmRecord, type ManeuverRecord, type Merged, type MergeOutcome, type ObjectRecord, type Provenance } from '../model/records.js';
import type { Envelope } from '../protocol/envelope.js';
import type { Store } from '../store/store.js';

/** Message types that change the table (HELLO, HEARTBEAT and ERROR do not). */
export const TABLE_MESSAGE_TYPES = [
  'CDM_ANNOUNCE',
  'CDM_WITHDRAW',
  'OBJECT_STATE_ANNOUNCE',
  'OBJECT_STATE_WITHDRAW',
  'MANEUVER_INTENT',
  'MANEUVER_STATUS',
] as const;
export type TableMessageType = (typeof TABLE_MESSAGE_TYPES)[number];
export type TableMessage = Envelope<TableMessageType>;

export function isTableMessage(envelope: Envelope): envelope is TableMessage {
  return (TABLE_MESSAGE_TYPES as readonly string[]).includes(envelope.message_type);
}

/** Whether the table holds this very message (same message_id) as its record's current state. */
export function holdsMessage(store: Store, message: TableMessage): boolean {
  const id = message.message_id;
  switch (message.message_type) {
    case 'CDM_ANNOUNCE':
      return store.getCdm(message.payload.cdm.cdm_id)?.announce?.message_id === id;
    case 'CDM_WITHDRAW':
      return store.getCdm(message.payload.cdm_id)?.withdrawal?.message_id === id;
    case 'OBJECT_STATE_ANNOUNCE':
      return store.getObject(message.payload.object_id)?.announce?.message_id === id;
    case 'OBJECT_STATE_WITHDRAW':
      return store.getObject(message.payload.object_id)?.withdrawal?.message_id === id;
    case 'MANEUVER_INTENT':
      return store.getManeuver(message.payload.maneuver_id)?.intent?.message_id === id;
    case 'MANEUVER_STATUS':
      return store.getManeuver(message.payload.maneuver_id)?.status_update?.message_id === id;
  }
}

/** Merges into the held record and writes it back when the merge changed it. */
function mergeAndPut<R, M>(
  held: R | undefined,
  merge: (held: R | undefined, message: M, meta: Provenance) => Merged<R | undefined>,
  put: (record: R) => void,
  message: M,
  meta: Provenance,
): MergeOutcome {
  const merged = merge(held, message, meta);
  if (changed(merged.outcome) && merged.record) put(merged.record);
  return merged.outcome;
}

/**
 * The one place that changes the table: reads the held record, merges (PROTOCOL.md
 * section 7) and writes it back when the merge changed it.
 */
export function applyToTable(store: Store, message: TableMessage, meta: Provenance): MergeOutcome {
  const putCdm = (r: CdmRecord) => store.putCdm(r);
  const putObject = (r: ObjectRecord) => store.putObject(r);
  const putManeuver = (r: ManeuverRecord) => store.putManeuver(r);
  switch (message.message_type) {
    case 'CDM_ANNOUNCE':
      return mergeAndPut(store.getCdm(message.payload.cdm.cdm_id), mergeCdmAnnounce, putCdm, message, meta);
    case 'CDM_WITHDRAW':
      return mergeAndPut(store.getCdm(message.payload.cdm_id), mergeCdmWithdraw, putCdm, message, meta);
    case 'OBJECT_STATE_ANNOUNCE':
      return mergeAndPut(store.getObject(message.payload.object_id), mergeObjectAnnounce, putObject, message, meta);
    case 'OBJECT_STATE_WITHDRAW':
      return mergeAndPut(store.getObject(message.payload.object_id), mergeObjectWithdraw, putObject, message, meta);
    case 'MANEUVER_INTENT':
      return mergeAndPut(store.getManeuver(message.payload.maneuver_id), mergeManeuverIntent, putManeuver, message, meta);
    case 'MANEUVER_STATUS':
      return mergeAndPut(store.getManeuver(message.payload.maneuver_id), mergeManeuverStatus, putManeuver, message, meta);
  }
}
