import type { Cdm, CdmObject } from '../protocol/cdm.js';
import { readBlock, sectionKind, type KeptBlock } from './block.js';
import { isNumericKind, specsOfSection, USER_DEFINED_PREFIX, keywordSpec, type KeywordSpec } from './keywords.js';
import { COVARIANCE_FIELDS, RELATIVE_STATE_FIELDS, STATE_VECTOR_FIELDS, type FieldMap } from './mapping.js';
import type { CommentPlacement, KeywordValues, ObjectSection, SectionName } from './types.js';
import { SECTION_NAMES } from './types.js';
import { canonicalText, decodeValue, sameValue, type DecodedValue } from './values.js';

export interface OutputLine {
  /** Key of the value (comments are placed by it). */
  keyword: string;
  /** The keyword as written (differs from `keyword` for XYZ terms named like RTN ones). */
  name: string;
  text: string;
  unit?: string;
  /** XML container path below the section element. */
  group: string;
}

export interface OutputSection {
  lines: OutputLine[];
  comments: CommentPlacement;
}

export interface OutputMessage {
  version: string;
  sections: Record<SectionName, OutputSection>;
}

type SectionValues = Map<string, DecodedValue>;

function fromFields(values: SectionValues, fields: FieldMap, source: object | undefined): void {
  const record = (source ?? {}) as Record<string, unknown>;
  for (const [keyword, field] of fields) {
    const value = record[field];
    values.set(keyword, typeof value === 'number' ? value : undefined);
  }
}

function headerValues(cdm: Cdm, kept: KeywordValues): SectionValues {
  const values: SectionValues = new Map(Object.entries(kept));
  values.set('MESSAGE_ID', cdm.cdm_id);
  values.set('CREATION_DATE', cdm.creation_date);
  values.set('ORIGINATOR', cdm.originator);
  values.set('MESSAGE_FOR', cdm.message_for);
  return values;
}

function relativeValues(cdm: Cdm, kept: KeywordValues): SectionValues {
  const values: SectionValues = new Map(Object.entries(kept));
  values.set('TCA', cdm.tca);
  values.set('MISS_DISTANCE', cdm.miss_distance_m);
  values.set('COLLISION_PROBABILITY', cdm.collision_probability);
  fromFields(values, RELATIVE_STATE_FIELDS, cdm.relative_state);
  values.set('SCREEN_TYPE', cdm.screening_data?.screen_type);
  values.set('SCREEN_VOLUME_SHAPE', cdm.screening_data?.screen_volume_shape);
  return values;
}

function objectValues(object: CdmObject, kept: KeywordValues): SectionValues {
  const values: SectionValues = new Map(Object.entries(kept));
  values.set('OBJECT_DESIGNATOR', object.object_id);
  values.set('OBJECT_NAME', object.object_name);
  values.set('OBJECT_TYPE', object.object_type);
  values.set('OPERATOR_ORGANIZATION', object.owner_operator);
  values.set('MANEUVERABLE', object.maneuverable);
  const keptFrame = typeof kept.REF_FRAME === 'string' ? kept.REF_FRAME : undefined;
  const frame = object.state_vector ? object.state_vector.reference_frame : keptFrame;
  // Unknown frame: the N/A fill, read back as absent, so that a CDM without frame round-trips.
  values.set('REF_FRAME', frame);
  fromFields(values, STATE_VECTOR_FIELDS, object.state_vector);
  fromFields(values, COVARIANCE_FIELDS, object.covariance_rtm);
  return values;
}

/**
 * The model's hard_body_radius_m is the sum of the objects' HBR. Kept per-object values are
 * written while they still add up to it; otherwise the model's value is written as OBJECT1's HBR.
 */
function applyHardBodyRadius(cdm: Cdm, objects: Record<ObjectSection, SectionValues>): void {
  const radius = cdm.screening_data?.hard_body_radius_m;
  if (radius === undefined) return;
  const radii = [objects.object1.get('HBR'), objects.object2.get('HBR')].filter(
    (value): value is number => typeof value === 'number',
  );
  const total = radii.reduce((sum, value) => sum + value, 0);
  if (radii.length > 0 && Object.is(total, radius)) return;
  objects.object1.set('HBR', radius);
  objects.object2.delete('HBR');
}

/** Text to write: the kept original while it still means the current value, else our own rendering. */
function chooseText(spec: KeywordSpec, value: DecodedValue, lexical: string | undefined): string | undefined {
  if (lexical !== undefined) {
    const original = decodeValue(spec, lexical);
    if (original.ok && sameValue(original.value, value)) return lexical;
  }
  return canonicalText(spec, value);
}

function sectionSpecs(name: SectionName, values: SectionValues): KeywordSpec[] {
  const specs = specsOfSection(sectionKind(name));
  if (sectionKind(name) !== 'object') return specs;
  const userDefined = [...values.keys()]
    .filter((keyword) => keyword.startsWith(USER_DEFINED_PREFIX))
    .flatMap((keyword) => keywordSpec(keyword) ?? []);
  return [...specs, ...userDefined];
}

/** Keywords that B-1 requires (so the writer fills them) but B-2 makes optional. */
const OPTIONAL_SINCE_B2 = new Set(['MESSAGE_FOR']);

function renderSection(name: SectionName, values: SectionValues, block: KeptBlock): OutputSection {
  const lines: OutputLine[] = [];
  const isB2 = block.version.startsWith('2.');
  for (const spec of sectionSpecs(name, values)) {
    const value = values.get(spec.keyword);
    const text =
      spec.keyword === 'OBJECT' ? name.toUpperCase() : chooseText(spec, value, block.lexical[name][spec.keyword]);
    if (text === undefined) continue;
    if (isB2 && value === undefined && text === spec.fill && OPTIONAL_SINCE_B2.has(spec.keyword)) continue;
    const withUnit = isNumericKind(spec.kind) && spec.unit !== undefined && text.toUpperCase() !== 'N/A';
    lines.push({ keyword: spec.keyword, name: spec.name, text, group: spec.group, ...(withUnit ? { unit: spec.unit } : {}) });
  }
  return { lines, comments: block.comments[name] };
}

/** Everything a KVN or XML writer emits, section by section, in the standard's order. */
export function modelToOutput(cdm: Cdm): OutputMessage {
  const block = readBlock(cdm);
  const objects: Record<ObjectSection, SectionValues> = {
    object1: objectValues(cdm.object1, block.values.object1),
    object2: objectValues(cdm.object2, block.values.object2),
  };
  applyHardBodyRadius(cdm, objects);
  const values: Record<SectionName, SectionValues> = {
    header: headerValues(cdm, block.values.header),
    relative: relativeValues(cdm, block.values.relative),
    ...objects,
  };
  const sections = {} as Record<SectionName, OutputSection>;
  for (const name of SECTION_NAMES) sections[name] = renderSection(name, values[name], block);
  return { version: block.version, sections };
}

/** Comments placed before keywords that are no longer written, so that none is dropped. */
export function orphanComments(section: OutputSection): string[] {
  const written = new Set(section.lines.map((line) => line.keyword));
  return Object.entries(section.comments.before ?? {})
    .filter(([keyword]) => !written.has(keyword))
    .flatMap(([, comments]) => comments);
}
