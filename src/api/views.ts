import type { CdmRecord, ManeuverRecord, ObjectRecord } from '../model/records.js';

export function cdmListItem(record: CdmRecord) {
  const cdm = record.announce?.payload.cdm;
  return {
    cdm_id: record.cdm_id,
    tca: cdm?.tca ?? null,
    miss_distance_m: cdm?.miss_distance_m ?? null,
    collision_probability: cdm?.collision_probability ?? null,
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

export function cdmDetail(record: CdmRecord) {
  const withdrawal = record.withdrawal?.payload;
  return {
    ...(record.announce?.payload.cdm ?? { cdm_id: record.cdm_id }),
    status: record.status,
    source_node: cdmSourceNode(record),
    received_from: record.received_from,
    received_at: record.received_at,
    hop_count: (record.announce ?? record.withdrawal)?.hop_count ?? 0,
    ...(withdrawal ? { withdrawal } : {}),
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
