import type { CdmRecord, ManeuverRecord, ObjectRecord } from '../../src/model/records.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import type { MessageType, ManeuverStatus, PayloadByType } from '../../src/protocol/messages.js';
import type { StoredPeer } from '../../src/store/store.js';
import { DEFAULT_POLICIES } from '../../src/protocol/policies.js';

const NODE = 'node-test';
const DEFAULT_TIME = '2026-01-01T00:00:00.000Z';

function envelope<T extends MessageType>(type: T, payload: PayloadByType[T], id: string, timestamp = DEFAULT_TIME): Envelope<T> {
  const base = {
    protocol_version: '1.0',
    message_id: `msg-${type.toLowerCase()}-${id}`,
    timestamp,
    source_node_id: NODE,
    hop_count: 0,
    ttl: 8,
    path: [NODE],
  };
  // The mapped union type of Envelope<T> cannot be narrowed from a generic T; the fields are checked above.
  return { ...base, message_type: type, payload } as unknown as Envelope<T>;
}

export interface CdmOptions {
  cdm_id: string;
  status?: 'active' | 'withdrawn';
  /** A tombstone: a withdrawal received before (or without) any announce. */
  tombstone?: boolean;
  tca?: string;
  creation_date?: string;
  collision_probability?: number;
  /** A CDM without COLLISION_PROBABILITY (optional in CCSDS 508.0). */
  noProbability?: boolean;
  miss_distance_m?: number;
  object1_id?: string;
  object2_id?: string;
  owner1?: string;
  owner2?: string;
  received_at?: string;
}

export function makeCdmRecord(o: CdmOptions): CdmRecord {
  const status = o.tombstone ? 'withdrawn' : (o.status ?? 'active');
  const received_at = o.received_at ?? DEFAULT_TIME;
  const record: CdmRecord = { cdm_id: o.cdm_id, status, received_from: NODE, received_at };
  if (!o.tombstone) {
    record.announce = envelope(
      'CDM_ANNOUNCE',
      {
        cdm: {
          cdm_id: o.cdm_id,
          creation_date: o.creation_date ?? '2026-01-01T00:00:00Z',
          tca: o.tca ?? '2026-02-01T12:00:00.000Z',
          miss_distance_m: o.miss_distance_m ?? 250,
          ...(o.noProbability ? {} : { collision_probability: o.collision_probability ?? 1e-4 }),
          object1: cdmObject(o.object1_id ?? 'SAT-1', o.owner1, 'PAYLOAD'),
          object2: cdmObject(o.object2_id ?? 'DEB-1', o.owner2, 'DEBRIS'),
        },
      },
      o.cdm_id,
    );
  }
  if (status === 'withdrawn') record.withdrawal = withdrawal(o.cdm_id, received_at);
  return record;
}

function cdmObject(object_id: string, owner: string | undefined, object_type: 'PAYLOAD' | 'DEBRIS') {
  return {
    object_id,
    object_name: `name of ${object_id}`,
    object_type,
    ...(owner === undefined ? {} : { owner_operator: owner }),
  };
}

function withdrawal(cdm_id: string, time: string): Envelope<'CDM_WITHDRAW'> {
  return envelope('CDM_WITHDRAW', { cdm_id, reason: 'FALSE_POSITIVE', effective_time: time }, cdm_id, time);
}

export interface ObjectOptions {
  object_id: string;
  status?: 'active' | 'withdrawn';
  tombstone?: boolean;
  object_type?: 'PAYLOAD' | 'DEBRIS' | 'ROCKET_BODY' | 'UNKNOWN';
  owner?: string;
  received_at?: string;
}

export function makeObjectRecord(o: ObjectOptions): ObjectRecord {
  const status = o.tombstone ? 'withdrawn' : (o.status ?? 'active');
  const received_at = o.received_at ?? DEFAULT_TIME;
  const record: ObjectRecord = { object_id: o.object_id, status, received_from: NODE, received_at };
  if (!o.tombstone) {
    record.announce = envelope(
      'OBJECT_STATE_ANNOUNCE',
      {
        object_id: o.object_id,
        object_name: `name of ${o.object_id}`,
        object_type: o.object_type ?? 'PAYLOAD',
        ...(o.owner === undefined ? {} : { owner_operator: o.owner }),
        epoch: '2026-01-01T00:00:00Z',
        state_vector: { x_km: 7000, y_km: 0, z_km: 0, vx_km_s: 0, vy_km_s: 7.5, vz_km_s: 0 },
      },
      o.object_id,
    );
  }
  if (status === 'withdrawn') {
    record.withdrawal = envelope('OBJECT_STATE_WITHDRAW', { object_id: o.object_id, reason: 'DECAYED', effective_time: received_at }, o.object_id);
  }
  return record;
}

export function makeManeuverRecord(o: { maneuver_id: string; object_id: string; status?: ManeuverStatus }): ManeuverRecord {
  const status = o.status ?? 'PLANNED';
  const record: ManeuverRecord = {
    maneuver_id: o.maneuver_id,
    object_id: o.object_id,
    status,
    received_from: NODE,
    received_at: DEFAULT_TIME,
    intent: envelope(
      'MANEUVER_INTENT',
      {
        maneuver_id: o.maneuver_id,
        object_id: o.object_id,
        planned_start: '2026-02-01T10:00:00Z',
        planned_duration_s: 30,
        maneuver_type: 'COLLISION_AVOIDANCE',
      },
      o.maneuver_id,
    ),
  };
  if (status !== 'PLANNED') {
    record.status_update = envelope('MANEUVER_STATUS', { maneuver_id: o.maneuver_id, object_id: o.object_id, status }, o.maneuver_id);
  }
  return record;
}

export function makePeer(peer_id: string, address = `https://${peer_id}.example:8443`): StoredPeer {
  return { peer_id, address, auth_token: `token-${peer_id}`, policies: { ...DEFAULT_POLICIES, filters: [] }, added_at: DEFAULT_TIME };
}
