import { Type, type Static } from '@sinclair/typebox';
import { Enum, OpenObject, RecordId, StateVector, UtcTimestamp } from './common.js';

export const OBJECT_TYPES = ['PAYLOAD', 'DEBRIS', 'ROCKET_BODY', 'UNKNOWN'] as const;

export const CovarianceRtn = OpenObject({
  reference_frame: Type.Optional(Type.String()),
  cr_r: Type.Number(),
  ct_r: Type.Number(),
  ct_t: Type.Number(),
  cn_r: Type.Number(),
  cn_t: Type.Number(),
  cn_n: Type.Number(),
});

export const CdmObject = OpenObject({
  object_id: Type.String({ minLength: 1 }),
  /** Non-empty: OBJECT_NAME is obligatory in CCSDS 508.0 and an empty value is refused there (6.2.3.1). */
  object_name: Type.String({ minLength: 1 }),
  object_type: Enum(OBJECT_TYPES),
  owner_operator: Type.Optional(Type.String({ minLength: 1 })),
  maneuverable: Type.Optional(Type.Boolean()),
  state_vector: Type.Optional(StateVector),
  covariance_rtm: Type.Optional(CovarianceRtn),
});

export const RelativeState = OpenObject({
  relative_position_r_m: Type.Optional(Type.Number()),
  relative_position_t_m: Type.Optional(Type.Number()),
  relative_position_n_m: Type.Optional(Type.Number()),
  relative_velocity_r_m_s: Type.Optional(Type.Number()),
  relative_velocity_t_m_s: Type.Optional(Type.Number()),
  relative_velocity_n_m_s: Type.Optional(Type.Number()),
});

export const ScreeningData = OpenObject({
  screen_type: Type.Optional(Type.String()),
  screen_volume_shape: Type.Optional(Type.String()),
  hard_body_radius_m: Type.Optional(Type.Number({ minimum: 0 })),
});

/** A conjunction data message as carried by CDM_ANNOUNCE (PROTOCOL.md section 4). */
export const Cdm = OpenObject({
  cdm_id: RecordId,
  creation_date: UtcTimestamp,
  /** Optional and, when given, non-empty: CCSDS has no empty value (508.0 6.2.3.1), so '' could not round-trip. */
  originator: Type.Optional(Type.String({ minLength: 1 })),
  message_for: Type.Optional(Type.String({ minLength: 1 })),
  tca: UtcTimestamp,
  miss_distance_m: Type.Number({ minimum: 0 }),
  /** Optional, as in CCSDS 508.0; when absent the node lists the CDM by its computed Pc. */
  collision_probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  object1: CdmObject,
  object2: CdmObject,
  relative_state: Type.Optional(RelativeState),
  screening_data: Type.Optional(ScreeningData),
  data_quality_score: Type.Optional(Type.Number()),
  conjunction_category: Type.Optional(Enum(['HIGH', 'MEDIUM', 'LOW'] as const)),
  recommended_action: Type.Optional(Enum(['MONITOR', 'PREPARE', 'MANEUVER'] as const)),
});

export type Cdm = Static<typeof Cdm>;
export type CdmObject = Static<typeof CdmObject>;
export type ObjectType = (typeof OBJECT_TYPES)[number];
