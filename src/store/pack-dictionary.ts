/**
 * The preset dictionary of `packJson` (RFC 1951 raw deflate with a preset dictionary, as
 * zlib's `deflateSetDictionary`): text that a stored CDM record is likely to repeat, so that
 * even a single record compresses well. Made of the member names of a CDM record as this
 * node holds it (envelope, CDM, trust checks, computed Pc) with their common enumerated
 * values, and the CCSDS 508.0 keywords found in at least 8 of the 42 CDMs of the test corpus
 * (`test/fixtures/ccsds/corpus`), rarest first: deflate reaches the end of the dictionary
 * with the shortest distances. Held in memory only, so it may change between versions.
 */

const CCSDS_KEYWORDS = [
  'START_SCREEN_PERIOD', 'STOP_SCREEN_PERIOD', 'SCREEN_VOLUME_FRAME', 'SCREEN_VOLUME_X', 'SCREEN_VOLUME_Y',
  'SCREEN_VOLUME_Z', 'SCREEN_ENTRY_TIME', 'SCREEN_EXIT_TIME', 'RELATIVE_VELOCITY_T',
  'OPERATOR_CONTACT_POSITION', 'OPERATOR_PHONE', 'OPERATOR_EMAIL', 'EPHEMERIS_NAME', 'THRUST_ACCELERATION',
  'TIME_LASTOB_END', 'COLLISION_PROBABILITY', 'TCA', 'COLLISION_PROBABILITY_METHOD', 'AREA_PC', 'CDRG_R',
  'CDRG_T', 'CDRG_N', 'CDRG_RDOT', 'CDRG_TDOT', 'CDRG_NDOT', 'CDRG_DRG', 'CSRP_R', 'CSRP_T', 'CSRP_N',
  'CSRP_RDOT', 'CSRP_TDOT', 'CSRP_NDOT', 'CSRP_DRG', 'CSRP_SRP', 'RELATIVE_SPEED', 'Y_DOT', 'OBJECT', 'Y',
  'TIME_LASTOB_START', 'Z', 'Z_DOT', 'X_DOT', 'TRACKS_AVAILABLE', 'TRACKS_USED', 'OBS_AVAILABLE', 'OBS_USED',
  'WEIGHTED_RMS', 'RESIDUALS_ACCEPTED', 'ACTUAL_OD_SPAN', 'GRAVITY_MODEL', 'ATMOSPHERIC_MODEL',
  'N_BODY_PERTURBATIONS', 'SOLAR_RAD_PRESSURE', 'EARTH_TIDES', 'INTRACK_THRUST', 'CN_R', 'CN_T', 'CT_R',
  'CT_T', 'CN_N', 'SEDR', 'CATALOG_NAME', 'INTERNATIONAL_DESIGNATOR', 'COVARIANCE_METHOD',
  'CR_AREA_OVER_MASS', 'CR_R', 'RECOMMENDED_OD_SPAN', 'CD_AREA_OVER_MASS', 'X', 'CNDOT_RDOT', 'CTDOT_N',
  'CNDOT_T', 'CNDOT_TDOT', 'CRDOT_N', 'CNDOT_R', 'CRDOT_R', 'CRDOT_T', 'CRDOT_RDOT', 'CTDOT_R', 'CTDOT_T',
  'CTDOT_RDOT', 'CTDOT_TDOT', 'CNDOT_N', 'CNDOT_NDOT',
];

const TIME = '2026-01-01T00:00:00.000Z';

function stateVector() {
  return { reference_frame: 'EME2000', epoch: TIME, x_km: 0, y_km: 0, z_km: 0, vx_km_s: 0, vy_km_s: 0, vz_km_s: 0 };
}

function covariance() {
  return { cr_r: 0, ct_r: 0, ct_t: 0, cn_r: 0, cn_t: 0, cn_n: 0 };
}

function envelope(messageType: string, payload: object) {
  const signature = { alg: 'ed25519', key_id: '', value: '' };
  return { protocol_version: '1.0', message_id: '', timestamp: TIME, source_node_id: '', message_type: messageType, hop_count: 0, ttl: 10, path: [''], payload, signature };
}

const CDM = {
  cdm_id: '',
  creation_date: TIME,
  originator: '',
  message_for: '',
  tca: TIME,
  miss_distance_m: 0,
  collision_probability: 0,
  object1: { object_id: '', object_name: '', object_type: 'PAYLOAD', owner_operator: '', maneuverable: true, state_vector: stateVector(), covariance_rtm: covariance() },
  object2: { object_id: '', object_name: '', object_type: 'DEBRIS', maneuverable: false, state_vector: stateVector(), covariance_rtm: covariance() },
  relative_state: {
    relative_position_r_m: 0,
    relative_position_t_m: 0,
    relative_position_n_m: 0,
    relative_velocity_r_m_s: 0,
    relative_velocity_t_m_s: 0,
    relative_velocity_n_m_s: 0,
  },
  screening_data: { screen_type: 'ROUTINE', screen_volume_shape: 'ELLIPSOID', hard_body_radius_m: 0 },
  conjunction_category: 'MEDIUM',
  recommended_action: 'MONITOR',
};

const RECORD = {
  cdm_id: '',
  status: 'active',
  announce: envelope('CDM_ANNOUNCE', { cdm: CDM }),
  withdrawal: envelope('CDM_WITHDRAW', { cdm_id: '', reason: 'SUPERSEDED', superseded_by: '', effective_time: TIME }),
  received_from: '',
  received_at: TIME,
  trust: {
    origin: '',
    checks: {
      announce: { key_id: '', verified: true, result: 'verified', authority: 'origin' },
      withdrawal: { key_id: null, verified: false, result: 'unsigned', authority: 'not_origin', reason: '' },
    },
  },
  computed_pc: { value: 0, method: 'FOSTER-1992', hbr_m: 0, hbr_source: 'screening_data', shape: 'circle' },
};

const CCSDS_BLOCK = `"ccsds":{"version":"1.0","relative":{},"lexical":{},"comments":{"before":{}},"header":{}}`;

/** The dictionary's bytes (about 3.4 KB; deflate's window, 32 KiB, holds it whole). */
export const PACK_DICTIONARY: Buffer = Buffer.from(CCSDS_BLOCK + CCSDS_KEYWORDS.map((k) => `"${k}":`).join('') + JSON.stringify(RECORD), 'utf8');
