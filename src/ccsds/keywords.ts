/**
 * The CDM keywords of CCSDS 508.0-B-1 and those that 508.0-B-2 adds, in the order the
 * standard lists them (which is the order the writers emit them).
 */

export type ValueKind =
  | 'text'
  | 'designator'
  | 'number'
  | 'integer'
  | 'time'
  | 'numbers'
  | 'maneuverable'
  | 'objectType';

export type SectionKind = 'header' | 'relative' | 'object';

export interface KeywordSpec {
  /**
   * The key under which the value is kept (`cdm.ccsds`). Equal to `name`, except for the six
   * B-2 XYZ alternate covariance terms named like RTN ones: `XYZ_CDRG_DRG` for the XYZ block's
   * `CDRG_DRG`, and likewise CSRP_DRG, CSRP_SRP, CTHR_DRG, CTHR_SRP, CTHR_THR.
   */
  keyword: string;
  /** The keyword as written in KVN and as the XML element name. */
  name: string;
  /**
   * Obligatory in CCSDS 508.0 (Tables 3-2 to 3-5): an empty value is refused (6.2.3.1).
   * 'b1' = obligatory in 508.0-B-1 only (MESSAGE_FOR).
   */
  obligatory?: 'always' | 'b1';
  /** The B-2 alternate XYZ covariance block (ALT_COV_TYPE = XYZ). */
  xyz?: boolean;
  section: SectionKind;
  kind: ValueKind;
  /** CCSDS unit, as written in KVN brackets and XML `units` attributes. */
  unit?: string;
  /** XML container path below the section's element (`data/stateVector`); '' = directly inside. */
  group: string;
  /** Written when the message has no value for this B-1 mandatory keyword; read back as "absent". */
  fill?: string;
  /** `N/A` means "no value" (otherwise `N/A` is kept as text). */
  naMeansAbsent: boolean;
  /** Standard edition that introduced the keyword: 1 = 508.0-B-1, 2 = 508.0-B-2. */
  since: 1 | 2;
}

interface Options {
  unit?: string;
  obligatory?: 'always' | 'b1';
  fill?: string;
  since?: 1 | 2;
  /** For text keywords mapped to optional model fields. */
  naMeansAbsent?: boolean;
}

type Entry = [keyword: string, kind: ValueKind, options?: Options];

function specs(section: SectionKind, group: string, entries: Entry[]): KeywordSpec[] {
  return entries.map(([keyword, kind, options = {}]) => ({
    keyword,
    name: keyword,
    ...(options.obligatory ? { obligatory: options.obligatory } : {}),
    section,
    kind,
    group,
    unit: options.unit,
    fill: options.fill,
    naMeansAbsent: kind !== 'text' || options.naMeansAbsent === true || options.fill === 'N/A',
    since: options.since ?? 1,
  }));
}

const B2 = { since: 2 } as const;

const HEADER = specs('header', '', [
  ['CREATION_DATE', 'time', { obligatory: 'always' }],
  ['ORIGINATOR', 'text', { fill: 'N/A', obligatory: 'always' }],
  ['MESSAGE_FOR', 'text', { fill: 'N/A', obligatory: 'b1' }],
  ['MESSAGE_ID', 'text', { obligatory: 'always' }],
  ['CLASSIFICATION', 'text', B2],
]);

const RELATIVE_STATE = specs('relative', 'relativeStateVector', [
  ['RELATIVE_POSITION_R', 'number', { unit: 'm' }],
  ['RELATIVE_POSITION_T', 'number', { unit: 'm' }],
  ['RELATIVE_POSITION_N', 'number', { unit: 'm' }],
  ['RELATIVE_VELOCITY_R', 'number', { unit: 'm/s' }],
  ['RELATIVE_VELOCITY_T', 'number', { unit: 'm/s' }],
  ['RELATIVE_VELOCITY_N', 'number', { unit: 'm/s' }],
]);

const RELATIVE = [
  ...specs('relative', '', [
    ['CONJUNCTION_ID', 'text', B2],
    ['TCA', 'time', { obligatory: 'always' }],
    ['MISS_DISTANCE', 'number', { unit: 'm', obligatory: 'always' }],
    ['MAHALANOBIS_DISTANCE', 'number', B2],
    ['RELATIVE_SPEED', 'number', { unit: 'm/s' }],
    ['APPROACH_ANGLE', 'number', { unit: 'deg', since: 2 }],
  ]),
  ...RELATIVE_STATE,
  ...specs('relative', '', [
    ['START_SCREEN_PERIOD', 'time'],
    ['STOP_SCREEN_PERIOD', 'time'],
    ['SCREEN_TYPE', 'text', { since: 2, naMeansAbsent: true }],
    ['SCREEN_VOLUME_FRAME', 'text'],
    ['SCREEN_VOLUME_SHAPE', 'text', { naMeansAbsent: true }],
    ['SCREEN_VOLUME_RADIUS', 'number', { unit: 'm', since: 2 }],
    ['SCREEN_VOLUME_X', 'number', { unit: 'm' }],
    ['SCREEN_VOLUME_Y', 'number', { unit: 'm' }],
    ['SCREEN_VOLUME_Z', 'number', { unit: 'm' }],
    ['SCREEN_ENTRY_TIME', 'time'],
    ['SCREEN_EXIT_TIME', 'time'],
    ['SCREEN_PC_THRESHOLD', 'number', B2],
    ['COLLISION_PERCENTILE', 'numbers', B2],
    ['COLLISION_PROBABILITY', 'number'],
    ['COLLISION_PROBABILITY_METHOD', 'text'],
    ['COLLISION_MAX_PROBABILITY', 'number', B2],
    ['COLLISION_MAX_PC_METHOD', 'text', B2],
    ['SEFI_COLLISION_PROBABILITY', 'number', B2],
    ['SEFI_COLLISION_PROBABILITY_METHOD', 'text', B2],
    ['SEFI_FRAGMENTATION_MODEL', 'text', B2],
    ['PREVIOUS_MESSAGE_ID', 'text', B2],
    ['PREVIOUS_MESSAGE_EPOCH', 'time', B2],
    ['NEXT_MESSAGE_EPOCH', 'time', B2],
  ]),
];

const METADATA = specs('object', 'metadata', [
  ['OBJECT', 'text', { obligatory: 'always' }],
  ['OBJECT_DESIGNATOR', 'designator', { obligatory: 'always' }],
  ['CATALOG_NAME', 'text', { fill: 'N/A', obligatory: 'always' }],
  ['OBJECT_NAME', 'text', { obligatory: 'always' }],
  ['INTERNATIONAL_DESIGNATOR', 'designator', { fill: 'N/A', obligatory: 'always' }],
  ['OBJECT_TYPE', 'objectType'],
  ['OPERATOR_CONTACT_POSITION', 'text'],
  ['OPERATOR_ORGANIZATION', 'text', { naMeansAbsent: true }],
  ['OPERATOR_PHONE', 'text'],
  ['OPERATOR_EMAIL', 'text'],
  ['ODM_MSG_LINK', 'text', B2],
  ['ADM_MSG_LINK', 'text', B2],
  ['EPHEMERIS_NAME', 'text', { fill: 'NONE', obligatory: 'always' }],
  ['OBS_BEFORE_NEXT_MESSAGE', 'text', B2],
  ['COVARIANCE_METHOD', 'text', { fill: 'N/A', obligatory: 'always' }],
  ['COVARIANCE_SOURCE', 'text', B2],
  ['MANEUVERABLE', 'maneuverable', { fill: 'N/A', obligatory: 'always' }],
  ['ORBIT_CENTER', 'text', B2],
  ['REF_FRAME', 'text', { fill: 'N/A', obligatory: 'always' }],
  ['ALT_COV_TYPE', 'text', B2],
  ['ALT_COV_REF_FRAME', 'text', B2],
  ['GRAVITY_MODEL', 'text'],
  ['ATMOSPHERIC_MODEL', 'text'],
  ['N_BODY_PERTURBATIONS', 'text'],
  ['SOLAR_RAD_PRESSURE', 'text'],
  ['EARTH_TIDES', 'text'],
  ['INTRACK_THRUST', 'text'],
]);

const OD_PARAMETERS = specs('object', 'data/odParameters', [
  ['TIME_LASTOB_START', 'time'],
  ['TIME_LASTOB_END', 'time'],
  ['RECOMMENDED_OD_SPAN', 'number', { unit: 'd' }],
  ['ACTUAL_OD_SPAN', 'number', { unit: 'd' }],
  ['OBS_AVAILABLE', 'integer'],
  ['OBS_USED', 'integer'],
  ['TRACKS_AVAILABLE', 'integer'],
  ['TRACKS_USED', 'integer'],
  ['RESIDUALS_ACCEPTED', 'number', { unit: '%' }],
  ['WEIGHTED_RMS', 'number'],
  ['OD_EPOCH', 'time', B2],
]);

const M2 = { unit: 'm**2' } as const;
const M2_B2 = { unit: 'm**2', since: 2 } as const;

const ADDITIONAL_PARAMETERS = specs('object', 'data/additionalParameters', [
  ['AREA_PC', 'number', M2],
  ['AREA_PC_MIN', 'number', M2_B2],
  ['AREA_PC_MAX', 'number', M2_B2],
  ['AREA_DRG', 'number', M2_B2],
  ['AREA_SRP', 'number', M2_B2],
  ['OEB_PARENT_FRAME', 'text', B2],
  ['OEB_PARENT_FRAME_EPOCH', 'time', B2],
  ['OEB_Q1', 'number', B2],
  ['OEB_Q2', 'number', B2],
  ['OEB_Q3', 'number', B2],
  ['OEB_QC', 'number', B2],
  ['OEB_MAX', 'number', { unit: 'm', since: 2 }],
  ['OEB_INT', 'number', { unit: 'm', since: 2 }],
  ['OEB_MIN', 'number', { unit: 'm', since: 2 }],
  ['AREA_ALONG_OEB_MAX', 'number', M2_B2],
  ['AREA_ALONG_OEB_INT', 'number', M2_B2],
  ['AREA_ALONG_OEB_MIN', 'number', M2_B2],
  ['RCS', 'number', M2_B2],
  ['RCS_MIN', 'number', M2_B2],
  ['RCS_MAX', 'number', M2_B2],
  ['VM_ABSOLUTE', 'number', B2],
  ['VM_APPARENT_MIN', 'number', B2],
  ['VM_APPARENT', 'number', B2],
  ['VM_APPARENT_MAX', 'number', B2],
  ['REFLECTANCE', 'number', B2],
  ['MASS', 'number', { unit: 'kg' }],
  ['HBR', 'number', { unit: 'm', since: 2 }],
  ['CD_AREA_OVER_MASS', 'number', { unit: 'm**2/kg' }],
  ['CR_AREA_OVER_MASS', 'number', { unit: 'm**2/kg' }],
  ['THRUST_ACCELERATION', 'number', { unit: 'm/s**2' }],
  ['SEDR', 'number', { unit: 'W/kg' }],
  ['APOAPSIS_ALTITUDE', 'number', { unit: 'km', since: 2 }],
  ['PERIAPSIS_ALTITUDE', 'number', { unit: 'km', since: 2 }],
  ['INCLINATION', 'number', { unit: 'deg', since: 2 }],
  ['COV_CONFIDENCE', 'number', B2],
  ['COV_CONFIDENCE_METHOD', 'text', B2],
]);

const STATE_VECTOR = specs('object', 'data/stateVector', [
  ['X', 'number', { unit: 'km', obligatory: 'always' }],
  ['Y', 'number', { unit: 'km', obligatory: 'always' }],
  ['Z', 'number', { unit: 'km', obligatory: 'always' }],
  ['X_DOT', 'number', { unit: 'km/s', obligatory: 'always' }],
  ['Y_DOT', 'number', { unit: 'km/s', obligatory: 'always' }],
  ['Z_DOT', 'number', { unit: 'km/s', obligatory: 'always' }],
]);

type Component = 'position' | 'velocity' | 'drag' | 'thrust';
const COMPONENT_TYPES: Component[] = [
  'position', 'position', 'position', 'velocity', 'velocity', 'velocity', 'drag', 'drag', 'thrust',
];

/** Unit of the covariance term row x column, as 508.0 writes it. */
function covarianceUnit(row: Component, column: Component): string {
  const units: Record<string, string> = {
    'position/position': 'm**2',
    'velocity/position': 'm**2/s',
    'velocity/velocity': 'm**2/s**2',
    'drag/position': 'm**3/kg',
    'drag/velocity': 'm**3/(kg*s)',
    'drag/drag': 'm**4/kg**2',
    'thrust/position': 'm**2/s**2',
    'thrust/velocity': 'm**2/s**3',
    'thrust/drag': 'm**3/(kg*s**2)',
    'thrust/thrust': 'm**2/s**4',
  };
  return units[`${row}/${column}`] ?? '';
}

interface CovarianceBlock {
  rows: string[];
  columns: string[];
  xyz: boolean;
}

/**
 * Lower triangle of a 9x9 covariance: row keyword prefix + '_' + column name. The 6x6 RTN
 * part is obligatory (508.0 Table 3-5); the thrust row and the XYZ block are B-2. XYZ terms
 * whose names the RTN block also uses get the key `XYZ_<name>`.
 */
function covarianceSpecs(block: CovarianceBlock, rtnNames: ReadonlySet<string>): KeywordSpec[] {
  const entries: Entry[] = [];
  block.rows.forEach((row, i) => {
    for (let j = 0; j <= i; j++) {
      const keyword = `${row}_${block.columns[j] ?? ''}`;
      const unit = covarianceUnit(COMPONENT_TYPES[i] ?? 'position', COMPONENT_TYPES[j] ?? 'position');
      const since = block.xyz || i === 8 ? 2 : 1;
      const obligatory = !block.xyz && i < 6 ? ('always' as const) : undefined;
      entries.push([keyword, 'number', { unit, since, ...(obligatory ? { obligatory } : {}) }]);
    }
  });
  const group = block.xyz ? XYZ_GROUP : 'data/covarianceMatrix';
  return specs('object', group, entries).map((spec) => {
    if (!block.xyz) return spec;
    const keyword = rtnNames.has(spec.name) ? `${XYZ_KEY_PREFIX}${spec.name}` : spec.name;
    return { ...spec, keyword, xyz: true };
  });
}

/** Key prefix of the XYZ terms named like RTN ones (see `KeywordSpec.keyword`). */
export const XYZ_KEY_PREFIX = 'XYZ_';
/** XML container of the B-2 XYZ alternate covariance. */
export const XYZ_GROUP = 'data/xyzCovarianceMatrix';

const RTN_COVARIANCE = covarianceSpecs(
  {
    rows: ['CR', 'CT', 'CN', 'CRDOT', 'CTDOT', 'CNDOT', 'CDRG', 'CSRP', 'CTHR'],
    columns: ['R', 'T', 'N', 'RDOT', 'TDOT', 'NDOT', 'DRG', 'SRP', 'THR'],
    xyz: false,
  },
  new Set(),
);

/** B-2 alternate XYZ covariance; its drag/SRP/thrust-only terms share names with the RTN ones. */
const XYZ_COVARIANCE = covarianceSpecs(
  {
    rows: ['CX', 'CY', 'CZ', 'CXDOT', 'CYDOT', 'CZDOT', 'CDRG', 'CSRP', 'CTHR'],
    columns: ['X', 'Y', 'Z', 'XDOT', 'YDOT', 'ZDOT', 'DRG', 'SRP', 'THR'],
    xyz: true,
  },
  new Set(RTN_COVARIANCE.map((spec) => spec.name)),
);

const OTHER_COVARIANCE = specs('object', 'data/covarianceMatrix', [
  ['CSIG3EIGVEC3', 'numbers', B2],
  ['DENSITY_FORECAST_UNCERTAINTY', 'number', B2],
  ['CSCALE_FACTOR_MIN', 'number', B2],
  ['CSCALE_FACTOR', 'number', B2],
  ['CSCALE_FACTOR_MAX', 'number', B2],
  ['SCREENING_DATA_SOURCE', 'text', B2],
  ['DCP_SENSITIVITY_VECTOR_POSITION', 'numbers', B2],
  ['DCP_SENSITIVITY_VECTOR_VELOCITY', 'numbers', B2],
]);

export const VERSION_KEYWORD = 'CCSDS_CDM_VERS';
export const USER_DEFINED_PREFIX = 'USER_DEFINED_';
export const USER_DEFINED_GROUP = 'data/userDefinedParameters';

export const KEYWORD_SPECS: readonly KeywordSpec[] = [
  ...HEADER,
  ...RELATIVE,
  ...METADATA,
  ...OD_PARAMETERS,
  ...ADDITIONAL_PARAMETERS,
  ...STATE_VECTOR,
  ...RTN_COVARIANCE,
  ...XYZ_COVARIANCE,
  ...OTHER_COVARIANCE,
];

const BY_KEYWORD = new Map(KEYWORD_SPECS.map((spec) => [spec.keyword, spec]));
const CANONICAL_INDEX = new Map(KEYWORD_SPECS.map((spec, index) => [spec.keyword, index]));

/** The spec of a keyword, including B-2 `USER_DEFINED_*` parameters; undefined if unknown. */
export function keywordSpec(keyword: string): KeywordSpec | undefined {
  const known = BY_KEYWORD.get(keyword);
  if (known) return known;
  if (keyword.startsWith(USER_DEFINED_PREFIX) && /^USER_DEFINED_[A-Za-z0-9_]+$/.test(keyword)) {
    return { keyword, name: keyword, section: 'object', kind: 'text', group: USER_DEFINED_GROUP, naMeansAbsent: false, since: 2 };
  }
  return undefined;
}

const XYZ_BY_NAME = new Map(XYZ_COVARIANCE.map((spec) => [spec.name, spec]));

/**
 * The spec of a keyword as written in a message. `inXyzBlock`: the reader is inside the B-2
 * XYZ alternate covariance (an XYZ-only term such as CX_X came earlier in the segment, or the
 * XML container is the XYZ one), where CDRG_DRG, CSRP_DRG, CSRP_SRP, CTHR_DRG, CTHR_SRP and
 * CTHR_THR are XYZ terms. Internal keys (`XYZ_CDRG_DRG`) are not keywords of a message.
 */
export function specForName(name: string, inXyzBlock: boolean): KeywordSpec | undefined {
  if (inXyzBlock) {
    const xyz = XYZ_BY_NAME.get(name);
    if (xyz) return xyz;
  }
  const spec = keywordSpec(name);
  return spec && spec.name === name ? spec : undefined;
}

/** Whether a keyword is obligatory in a message of this version (`1.x` or `2.x`). */
export function isObligatory(spec: KeywordSpec, version: string): boolean {
  return spec.obligatory === 'always' || (spec.obligatory === 'b1' && version.startsWith('1.'));
}

/** Position in the standard's order; user-defined parameters come last. */
export function canonicalIndex(keyword: string): number {
  return CANONICAL_INDEX.get(keyword) ?? KEYWORD_SPECS.length;
}

export function specsOfSection(section: SectionKind): KeywordSpec[] {
  return KEYWORD_SPECS.filter((spec) => spec.section === section);
}

export function isNumericKind(kind: ValueKind): boolean {
  return kind === 'number' || kind === 'integer' || kind === 'numbers';
}
