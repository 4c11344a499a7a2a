import { Type, type Static } from '@sinclair/typebox';
import { Enum } from './common.js';

export const FILTER_TYPES = ['object_owner', 'object_type', 'object_id', 'min_collision_probability'] as const;

export const PolicyFilter = Type.Object(
  {
    type: Enum(FILTER_TYPES),
    values: Type.Array(Type.Union([Type.String(), Type.Number()]), { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** Import and export policy of one peering (PROTOCOL.md section 8). */
export const PeerPolicies = Type.Object(
  {
    accept_cdm: Type.Boolean({ default: true }),
    accept_object_state: Type.Boolean({ default: true }),
    accept_maneuver: Type.Boolean({ default: true }),
    forward_cdm: Type.Boolean({ default: true }),
    forward_object_state: Type.Boolean({ default: true }),
    forward_maneuver: Type.Boolean({ default: true }),
    filters: Type.Array(PolicyFilter, { default: [] }),
  },
  { additionalProperties: false, default: {} },
);

export type PolicyFilter = Static<typeof PolicyFilter>;
export type PeerPolicies = Static<typeof PeerPolicies>;

export const DEFAULT_POLICIES: PeerPolicies = {
  accept_cdm: true,
  accept_object_state: true,
  accept_maneuver: true,
  forward_cdm: true,
  forward_object_state: true,
  forward_maneuver: true,
  filters: [],
};
