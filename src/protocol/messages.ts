import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Cdm, OBJECT_TYPES } from './cdm.js';
import { Enum, OpenObject, RecordId, StateVector, UtcTimestamp } from './common.js';

export const CAPABILITIES = ['CDM', 'OBJECT_STATE', 'MANEUVER'] as const;
export const CDM_WITHDRAW_REASONS = ['SUPERSEDED', 'TCA_PASSED', 'FALSE_POSITIVE', 'ERROR'] as const;
export const OBJECT_WITHDRAW_REASONS = ['DECAYED', 'MANEUVER_COMPLETE', 'SUPERSEDED', 'ERROR'] as const;
export const MANEUVER_TYPES = ['COLLISION_AVOIDANCE', 'STATION_KEEPING', 'DEORBIT', 'OTHER'] as const;
export const MANEUVER_STATUSES = ['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
/** 1.1 features (HELLO `features`) this node implements; a feature is used only when both sides list it. */
export const FEATURES = ['SYNC_REQUEST', 'GOODBYE', 'BATCH', 'SIGNATURES'] as const;
export type Feature = (typeof FEATURES)[number];
export const ERROR_CODES = ['INVALID_MESSAGE', 'INVALID_SIGNATURE', 'UNSUPPORTED_VERSION', 'UNAUTHORIZED', 'RATE_LIMITED', 'INTERNAL_ERROR'] as const;

/** A public key as HELLO lists it (PROTOCOL.md section 10): base64url of the raw 32-byte Ed25519 key. */
export const PublicKeyEntry = OpenObject({
  key_id: Type.String({ minLength: 1, maxLength: 160 }),
  public_key: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
  not_after: Type.Optional(UtcTimestamp),
});

export const HelloPayload = OpenObject({
  node_name: Type.String(),
  capabilities: Type.Array(Enum(CAPABILITIES)),
  supported_versions: Type.Array(Type.String({ pattern: '^\\d+\\.\\d+(\\.\\d+)?$' }), { minItems: 1 }),
  auth_token: Type.Optional(Type.String()),
  /** 1.1: optional features the sender supports; names this node does not know are ignored. */
  features: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
  /** 1.1 `SIGNATURES` (PROTOCOL.md section 10): the sender's own public keys, taken only when the configuration allows it for this peer. */
  public_keys: Type.Optional(Type.Array(PublicKeyEntry, { maxItems: 16 })),
});

/** 1.1 SYNC_REQUEST (route refresh): the receiver sends the requester a full table sync. */
export const SyncRequestPayload = OpenObject({
  reason: Type.Optional(Type.String({ maxLength: 1024 })),
});

/** 1.1 GOODBYE: the sender stops or removes the peering; the receiver marks the session disconnected at once. */
export const GoodbyePayload = OpenObject({
  reason: Type.Optional(Type.String({ maxLength: 1024 })),
});

export const HeartbeatPayload = OpenObject({
  sequence: Type.Integer({ minimum: 0 }),
  objects_tracked: Type.Optional(Type.Integer({ minimum: 0 })),
  cdms_active: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const CdmAnnouncePayload = OpenObject({ cdm: Cdm });

export const CdmWithdrawPayload = OpenObject({
  cdm_id: RecordId,
  reason: Enum(CDM_WITHDRAW_REASONS),
  superseded_by: Type.Optional(RecordId),
  effective_time: UtcTimestamp,
});

export const ObjectCovariance = OpenObject({
  reference_frame: Type.Optional(Type.String()),
  cr_r: Type.Optional(Type.Number()),
  ct_r: Type.Optional(Type.Number()),
  ct_t: Type.Optional(Type.Number()),
  cn_r: Type.Optional(Type.Number()),
  cn_t: Type.Optional(Type.Number()),
  cn_n: Type.Optional(Type.Number()),
});

export const ObjectStateAnnouncePayload = OpenObject({
  object_id: RecordId,
  object_name: Type.String(),
  object_type: Enum(OBJECT_TYPES),
  owner_operator: Type.Optional(Type.String()),
  epoch: UtcTimestamp,
  state_vector: StateVector,
  covariance: Type.Optional(ObjectCovariance),
  metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

export const ObjectStateWithdrawPayload = OpenObject({
  object_id: RecordId,
  reason: Enum(OBJECT_WITHDRAW_REASONS),
  effective_time: UtcTimestamp,
});

export const DeltaV = OpenObject({
  reference_frame: Type.Optional(Type.String()),
  dv_v_m_s: Type.Optional(Type.Number()),
  dv_n_m_s: Type.Optional(Type.Number()),
  dv_b_m_s: Type.Optional(Type.Number()),
});

export const ManeuverIntentPayload = OpenObject({
  maneuver_id: RecordId,
  object_id: RecordId,
  related_cdm_id: Type.Optional(RecordId),
  planned_start: UtcTimestamp,
  planned_duration_s: Type.Number({ minimum: 0 }),
  maneuver_type: Enum(MANEUVER_TYPES),
  delta_v: Type.Optional(DeltaV),
  predicted_post_maneuver_state: Type.Optional(StateVector),
});

export const ManeuverStatusPayload = OpenObject({
  maneuver_id: RecordId,
  object_id: RecordId,
  status: Enum(MANEUVER_STATUSES),
  actual_start: Type.Optional(UtcTimestamp),
  actual_duration_s: Type.Optional(Type.Number({ minimum: 0 })),
  achieved_delta_v: Type.Optional(DeltaV),
  post_maneuver_state: Type.Optional(StateVector),
});

export const ErrorPayload = OpenObject({
  error_code: Type.String(),
  error_message: Type.String(),
  related_message_id: Type.Optional(Type.String()),
});

/** Payload schema of every message type; the keys are the closed list of `message_type` values. */
export const PAYLOAD_SCHEMAS = {
  HELLO: HelloPayload,
  HEARTBEAT: HeartbeatPayload,
  CDM_ANNOUNCE: CdmAnnouncePayload,
  CDM_WITHDRAW: CdmWithdrawPayload,
  OBJECT_STATE_ANNOUNCE: ObjectStateAnnouncePayload,
  OBJECT_STATE_WITHDRAW: ObjectStateWithdrawPayload,
  MANEUVER_INTENT: ManeuverIntentPayload,
  MANEUVER_STATUS: ManeuverStatusPayload,
  SYNC_REQUEST: SyncRequestPayload,
  GOODBYE: GoodbyePayload,
  ERROR: ErrorPayload,
} as const satisfies Record<string, TSchema>;

export type MessageType = keyof typeof PAYLOAD_SCHEMAS;

export type HelloPayload = Static<typeof HelloPayload>;
export type PublicKeyEntry = Static<typeof PublicKeyEntry>;
export type HeartbeatPayload = Static<typeof HeartbeatPayload>;
export type CdmAnnouncePayload = Static<typeof CdmAnnouncePayload>;
export type CdmWithdrawPayload = Static<typeof CdmWithdrawPayload>;
export type ObjectStateAnnouncePayload = Static<typeof ObjectStateAnnouncePayload>;
export type ObjectStateWithdrawPayload = Static<typeof ObjectStateWithdrawPayload>;
export type ManeuverIntentPayload = Static<typeof ManeuverIntentPayload>;
export type ManeuverStatusPayload = Static<typeof ManeuverStatusPayload>;
export type ErrorPayload = Static<typeof ErrorPayload>;
export type SyncRequestPayload = Static<typeof SyncRequestPayload>;
export type GoodbyePayload = Static<typeof GoodbyePayload>;
export type ManeuverStatus = (typeof MANEUVER_STATUSES)[number];
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface PayloadByType {
  HELLO: HelloPayload;
  HEARTBEAT: HeartbeatPayload;
  CDM_ANNOUNCE: CdmAnnouncePayload;
  CDM_WITHDRAW: CdmWithdrawPayload;
  OBJECT_STATE_ANNOUNCE: ObjectStateAnnouncePayload;
  OBJECT_STATE_WITHDRAW: ObjectStateWithdrawPayload;
  MANEUVER_INTENT: ManeuverIntentPayload;
  MANEUVER_STATUS: ManeuverStatusPayload;
  SYNC_REQUEST: SyncRequestPayload;
  GOODBYE: GoodbyePayload;
  ERROR: ErrorPayload;
}
