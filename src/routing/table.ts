import { mergeCdmAnnounce, mergeCdmWithdraw, mergeManeuverIntent, mergeManeuverStatus, mergeObjectAnnounce, mergeObjectWithdraw } from '../model/merge.js';
import {
  changed,
  type CdmRecord,
  type ManeuverRecord,
  type Merged,
  type MergeOutcome,
  type MessageSlot,
  type ObjectRecord,
  type Provenance,
  type RecordTrust,
  type SignatureCheck,
} from '../model/records.js';
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

/** The record slot a message fills: announce/withdrawal for CDMs and objects, intent/status_update for maneuvers. */
export function slotOf(message: TableMessage): MessageSlot {
  switch (message.message_type) {
    case 'CDM_ANNOUNCE':
    case 'OBJECT_STATE_ANNOUNCE':
      return 'announce';
    case 'CDM_WITHDRAW':
    case 'OBJECT_STATE_WITHDRAW':
      return 'withdrawal';
    case 'MANEUVER_INTENT':
      return 'intent';
    case 'MANEUVER_STATUS':
      return 'status_update';
  }
}

type Held = { trust?: RecordTrust } & Partial<Record<MessageSlot, TableMessage>>;

/**
 * The record's origin (PROTOCOL.md section 10): kept in `trust.origin`; for a record
 * stored before origins were kept, the source of its announce (or intent), else of the
 * message it holds.
 */
export function originOf(held: Held | undefined): string | undefined {
  if (!held) return undefined;
  return held.trust?.origin ?? (held.announce ?? held.intent ?? held.withdrawal ?? held.status_update)?.source_node_id;
}

/** The held record a message would change (undefined when there is none). */
export function heldRecordFor(store: Store, message: TableMessage): CdmRecord | ObjectRecord | ManeuverRecord | undefined {
  switch (message.message_type) {
    case 'CDM_ANNOUNCE':
      return store.getCdm(message.payload.cdm.cdm_id);
    case 'CDM_WITHDRAW':
      return store.getCdm(message.payload.cdm_id);
    case 'OBJECT_STATE_ANNOUNCE':
    case 'OBJECT_STATE_WITHDRAW':
      return store.getObject(message.payload.object_id);
    case 'MANEUVER_INTENT':
    case 'MANEUVER_STATUS':
      return store.getManeuver(message.payload.maneuver_id);
  }
}

/** The written record's trust: the origin kept (or set by this first message) and this message's check in its slot. */
function withTrust<R extends { trust?: RecordTrust }>(record: R, held: R | undefined, message: TableMessage, check: SignatureCheck | undefined): R {
  const origin = originOf(held as Held | undefined) ?? message.source_node_id;
  const checks = { ...(held?.trust?.checks ?? {}) };
  const slot = slotOf(message);
  if (check) checks[slot] = check;
  else delete checks[slot];
  return { ...record, trust: { origin, checks } };
}

/** Merges into the held record and writes it back when the merge changed it. */
function mergeAndPut<R extends { trust?: RecordTrust }, M extends TableMessage>(
  held: R | undefined,
  merge: (held: R | undefined, message: M, meta: Provenance) => Merged<R | undefined>,
  put: (record: R) => void,
  message: M,
  meta: Provenance,
  check: SignatureCheck | undefined,
): MergeOutcome {
  const merged = merge(held, message, meta);
  if (changed(merged.outcome) && merged.record) put(withTrust(merged.record, held, message, check));
  return merged.outcome;
}

/**
 * The one place that changes the table: reads the held record, merges (PROTOCOL.md
 * section 7) and writes it back when the merge changed it, with the record's origin and
 * the signature check of the message (section 10) kept beside it.
 */
export function applyToTable(store: Store, message: TableMessage, meta: Provenance, check?: SignatureCheck): MergeOutcome {
  const putCdm = (r: CdmRecord) => store.putCdm(r);
  const putObject = (r: ObjectRecord) => store.putObject(r);
  const putManeuver = (r: ManeuverRecord) => store.putManeuver(r);
  switch (message.message_type) {
    case 'CDM_ANNOUNCE':
      return mergeAndPut(store.getCdm(message.payload.cdm.cdm_id), mergeCdmAnnounce, putCdm, message, meta, check);
    case 'CDM_WITHDRAW':
      return mergeAndPut(store.getCdm(message.payload.cdm_id), mergeCdmWithdraw, putCdm, message, meta, check);
    case 'OBJECT_STATE_ANNOUNCE':
      return mergeAndPut(store.getObject(message.payload.object_id), mergeObjectAnnounce, putObject, message, meta, check);
    case 'OBJECT_STATE_WITHDRAW':
      return mergeAndPut(store.getObject(message.payload.object_id), mergeObjectWithdraw, putObject, message, meta, check);
    case 'MANEUVER_INTENT':
      return mergeAndPut(store.getManeuver(message.payload.maneuver_id), mergeManeuverIntent, putManeuver, message, meta, check);
    case 'MANEUVER_STATUS':
      return mergeAndPut(store.getManeuver(message.payload.maneuver_id), mergeManeuverStatus, putManeuver, message, meta, check);
  }
}
