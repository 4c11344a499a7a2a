import { listedPc } from '../model/assessment.js';
import type { CdmRecord, ManeuverRecord, MessageSlot, ObjectRecord, RecordTrust, SignatureCheck } from '../model/records.js';
import type { Envelope } from '../protocol/envelope.js';
import { pcDisagrees } from '../pc/index.js';

export function cdmListItem(record: CdmRecord) {
  const cdm = record.announce?.payload.cdm;
  const pc = listedPc(record);
  return {
    cdm_id: record.cdm_id,
    tca: cdm?.tca ?? null,
    miss_distance_m: cdm?.miss_distance_m ?? null,
    // The given Pc, else the node's computed one; `pc_source` says which.
    collision_probability: pc?.value ?? null,
    pc_source: pc?.source ?? null,
    object1_id: cdm?.object1.object_id ?? null,
    object2_id: cdm?.object2.object_id ?? null,
    created_at: cdm?.creation_date ?? null,
    source_node: cdmSourceNode(record),
    status: record.status,
  };
}

export function cdmSourceNode(record: CdmRecord): string {
  return (record.announce ?? record.withdrawal)?.source_node_id ?? record.received_from;
}

/** What `GET /cdms/{id}` adds about the node's own Pc and the CDM's conjunction event. */
export function cdmAssessment(record: CdmRecord, eventId: string | undefined, disagreementFactor: number) {
  const given = record.announce?.payload.cdm.collision_probability;
  return {
    ...(eventId !== undefined ? { event_id: eventId } : {}),
    ...(record.computed_pc ? { computed_pc: record.computed_pc } : {}),
    ...(record.computed_pc_error !== undefined ? { computed_pc_error: record.computed_pc_error } : {}),
    ...(pcDisagrees(given, record.computed_pc?.value, disagreementFactor) ? { pc_disagreement: true } : {}),
  };
}

export function cdmDetail(record: CdmRecord, extra: object = {}) {
  const withdrawal = record.withdrawal?.payload;
  return {
    ...(record.announce?.payload.cdm ?? { cdm_id: record.cdm_id }),
    status: record.status,
    source_node: cdmSourceNode(record),
    received_from: record.received_from,
    received_at: record.received_at,
    hop_count: (record.announce ?? record.withdrawal)?.hop_count ?? 0,
    ...(withdrawal ? { withdrawal } : {}),
    ...extra,
  };
}

export function objectListItem(record: ObjectRecord) {
  const state = record.announce?.payload;
  return {
    object_id: record.object_id,
    object_name: state?.object_name ?? null,
    object_type: state?.object_type ?? null,
    owner_operator: state?.owner_operator ?? null,
    last_updated: record.received_at,
    status: record.status,
  };
}

export function objectDetail(record: ObjectRecord, activeCdms: string[]) {
  return {
    ...(record.announce?.payload ?? { object_id: record.object_id }),
    status: record.status,
    source_node: (record.announce ?? record.withdrawal)?.source_node_id ?? record.received_from,
    received_from: record.received_from,
    received_at: record.received_at,
    last_updated: record.received_at,
    active_cdms: activeCdms,
    ...(record.withdrawal ? { withdrawal: record.withdrawal.payload } : {}),
  };
}

export function maneuverView(record: ManeuverRecord) {
  return {
    ...(record.intent?.payload ?? {}),
    maneuver_id: record.maneuver_id,
    object_id: record.object_id,
    status: record.status,
    ...(record.status_update ? { status_update: record.status_update.payload } : {}),
    source_node: (record.intent ?? record.status_update)?.source_node_id ?? record.received_from,
    received_from: record.received_from,
    received_at: record.received_at,
  };
}

type Signed = { status: string; trust?: RecordTrust } & Partial<Record<MessageSlot, Envelope>>;

/** The check of the message in one slot; a record stored before checks were kept shows its key, not checked. */
function slotCheck(record: Signed, slot: MessageSlot): SignatureCheck | undefined {
  const message = record[slot];
  if (!message) return undefined;
  return record.trust?.checks[slot] ?? { key_id: message.signature?.key_id ?? null, verified: false, result: 'not_checked', authority: 'origin' };
}

/**
 * What `GET /cdms/{id}` (objects, maneuvers) shows of origin signatures (PROTOCOL.md
 * section 10): `signature` of the message that makes the record's present state (its
 * withdrawal or status change, else its announce or intent), `signatures` of every held
 * message, and the record's `origin`.
 */
export function signatureView(record: Signed) {
  const slots: MessageSlot[] = ['withdrawal', 'status_update', 'announce', 'intent'];
  const checks = Object.fromEntries(slots.map((slot) => [slot, slotCheck(record, slot)] as const).filter(([, c]) => c !== undefined));
  const current = record.status === 'withdrawn' || record.status_update ? (checks.withdrawal ?? checks.status_update ?? checks.announce ?? checks.intent) : (checks.announce ?? checks.intent);
  const origin = record.trust?.origin ?? (record.announce ?? record.intent ?? record.withdrawal ?? record.status_update)?.source_node_id;
  return {
    ...(origin !== undefined ? { origin } : {}),
    ...(current ? { signature: current } : {}),
    signatures: checks,
  };
}
