/** Keyword ↔ model field pairs shared by the reader and the writer. */
export type FieldMap = ReadonlyArray<readonly [keyword: string, field: string]>;

export const RELATIVE_STATE_FIELDS: FieldMap = [
  ['RELATIVE_POSITION_R', 'relative_position_r_m'],
  ['RELATIVE_POSITION_T', 'relative_position_t_m'],
  ['RELATIVE_POSITION_N', 'relative_position_n_m'],
  ['RELATIVE_VELOCITY_R', 'relative_velocity_r_m_s'],
  ['RELATIVE_VELOCITY_T', 'relative_velocity_t_m_s'],
  ['RELATIVE_VELOCITY_N', 'relative_velocity_n_m_s'],
];

export const STATE_VECTOR_FIELDS: FieldMap = [
  ['X', 'x_km'],
  ['Y', 'y_km'],
  ['Z', 'z_km'],
  ['X_DOT', 'vx_km_s'],
  ['Y_DOT', 'vy_km_s'],
  ['Z_DOT', 'vz_km_s'],
];

export const COVARIANCE_FIELDS: FieldMap = [
  ['CR_R', 'cr_r'],
  ['CT_R', 'ct_r'],
  ['CT_T', 'ct_t'],
  ['CN_R', 'cn_r'],
  ['CN_T', 'cn_t'],
  ['CN_N', 'cn_n'],
];

const FIELD_KEYWORDS: Record<string, string> = {
  cdm_id: 'MESSAGE_ID',
  creation_date: 'CREATION_DATE',
  originator: 'ORIGINATOR',
  message_for: 'MESSAGE_FOR',
  tca: 'TCA',
  miss_distance_m: 'MISS_DISTANCE',
  collision_probability: 'COLLISION_PROBABILITY',
  object_id: 'OBJECT_DESIGNATOR',
  object_name: 'OBJECT_NAME',
  object_type: 'OBJECT_TYPE',
  owner_operator: 'OPERATOR_ORGANIZATION',
  maneuverable: 'MANEUVERABLE',
  reference_frame: 'REF_FRAME',
  screen_type: 'SCREEN_TYPE',
  screen_volume_shape: 'SCREEN_VOLUME_SHAPE',
  hard_body_radius_m: 'HBR',
  ...Object.fromEntries(
    [...RELATIVE_STATE_FIELDS, ...STATE_VECTOR_FIELDS, ...COVARIANCE_FIELDS].map(([keyword, field]) => [field, keyword]),
  ),
};

/** The CCSDS keyword behind a model field path such as `object1.state_vector.x_km`. */
export function keywordForField(fieldPath: string): string {
  const field = fieldPath.split('.').pop() ?? fieldPath;
  return FIELD_KEYWORDS[field] ?? fieldPath;
}
