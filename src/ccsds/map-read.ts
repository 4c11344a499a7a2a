import type { Cdm, CdmObject, ObjectType } from '../protocol/cdm.js';
import { validateCdm } from '../protocol/validate.js';
import type { DecodedEntry, DecodedMessage, DecodedSection } from './decode.js';
import { failure, success, type Outcome } from './errors.js';
import {
  COVARIANCE_FIELDS,
  RELATIVE_STATE_FIELDS,
  STATE_VECTOR_FIELDS,
  keywordForField,
  type FieldMap,
} from './mapping.js';
import type { CcsdsBlock, CdmWithCcsds, KeywordValue, KeywordValues, SectionName } from './types.js';
import { OBJECT_SECTIONS, SECTION_NAMES } from './types.js';

const CDM_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function take(section: DecodedSection, keyword: string): DecodedEntry | undefined {
  const entry = section.values.get(keyword);
  section.values.delete(keyword);
  return entry;
}

function required(section: DecodedSection, keyword: string): Outcome<DecodedEntry> {
  const entry = take(section, keyword);
  if (!entry) return failure(keyword, section.locateMissing(keyword), 'mandatory keyword is missing');
  if (entry.value === undefined) return failure(keyword, entry.where, 'N/A is not accepted: the node needs this value');
  return success(entry);
}

function text(entry: DecodedEntry | undefined): string | undefined {
  return typeof entry?.value === 'string' ? entry.value : undefined;
}

function numberOf(entry: DecodedEntry | undefined): number | undefined {
  return typeof entry?.value === 'number' ? entry.value : undefined;
}

/** Reads a group of numbers that the model needs complete (state vector, covariance): all or none. */
function completeGroup(section: DecodedSection, fields: FieldMap, label: string): Outcome<Record<string, number> | undefined> {
  const group: Record<string, number> = {};
  let missing: { keyword: string; entry?: DecodedEntry } | undefined;
  for (const [keyword, field] of fields) {
    const entry = take(section, keyword);
    const value = numberOf(entry);
    if (value === undefined) missing ??= { keyword, entry };
    else group[field] = value;
  }
  const count = Object.keys(group).length;
  if (count === 0) return success(undefined);
  if (!missing) return success(group);
  const where = missing.entry?.where ?? section.locateMissing(missing.keyword);
  return failure(missing.keyword, where, `the ${label} needs ${fields.map(([keyword]) => keyword).join(', ')}`);
}

function readHeader(header: DecodedSection): Outcome<Pick<Cdm, 'cdm_id' | 'creation_date' | 'originator' | 'message_for'>> {
  const id = required(header, 'MESSAGE_ID');
  if (!id.ok) return id;
  const cdmId = text(id.value) ?? '';
  if (!CDM_ID.test(cdmId)) {
    return failure('MESSAGE_ID', id.value.where, `"${cdmId}" cannot be a cdm_id (1 to 128 letters, digits, '.', '_', ':' or '-')`);
  }
  const created = required(header, 'CREATION_DATE');
  if (!created.ok) return created;
  const originator = text(take(header, 'ORIGINATOR'));
  const messageFor = text(take(header, 'MESSAGE_FOR'));
  return success({
    cdm_id: cdmId,
    creation_date: text(created.value) ?? '',
    ...(originator !== undefined ? { originator } : {}),
    ...(messageFor !== undefined ? { message_for: messageFor } : {}),
  });
}

function boundedNumber(entry: DecodedEntry, keyword: string, max?: number): Outcome<number> {
  const value = numberOf(entry) ?? Number.NaN;
  if (value < 0 || (max !== undefined && value > max)) {
    const range = max === undefined ? 'must not be negative' : `must be between 0 and ${max}`;
    return failure(keyword, entry.where, `${value} ${range}`);
  }
  return success(value);
}

type RelativePart = Pick<Cdm, 'tca' | 'miss_distance_m' | 'collision_probability' | 'relative_state' | 'screening_data'>;

function readRelative(relative: DecodedSection): Outcome<RelativePart> {
  const tca = required(relative, 'TCA');
  if (!tca.ok) return tca;
  const missEntry = required(relative, 'MISS_DISTANCE');
  if (!missEntry.ok) return missEntry;
  const miss = boundedNumber(missEntry.value, 'MISS_DISTANCE');
  if (!miss.ok) return miss;
  // Optional in 508.0 (Table 3-3): absent, empty or N/A leaves collision_probability unset.
  const pcEntry = take(relative, 'COLLISION_PROBABILITY');
  const pc = pcEntry?.value === undefined ? success(undefined) : boundedNumber(pcEntry, 'COLLISION_PROBABILITY', 1);
  if (!pc.ok) return pc;
  const relativeState: Record<string, number> = {};
  for (const [keyword, field] of RELATIVE_STATE_FIELDS) {
    const value = numberOf(take(relative, keyword));
    if (value !== undefined) relativeState[field] = value;
  }
  const screening: Record<string, string> = {};
  const screenType = text(take(relative, 'SCREEN_TYPE'));
  const shape = text(take(relative, 'SCREEN_VOLUME_SHAPE'));
  if (screenType !== undefined) screening.screen_type = screenType;
  if (shape !== undefined) screening.screen_volume_shape = shape;
  return success({
    tca: text(tca.value) ?? '',
    miss_distance_m: miss.value,
    ...(pc.value !== undefined ? { collision_probability: pc.value } : {}),
    ...(Object.keys(relativeState).length > 0 ? { relative_state: relativeState } : {}),
    ...(Object.keys(screening).length > 0 ? { screening_data: screening } : {}),
  });
}

function readIdentity(section: DecodedSection): Outcome<Pick<CdmObject, 'object_id' | 'object_name' | 'object_type'>> {
  const designator = required(section, 'OBJECT_DESIGNATOR');
  if (!designator.ok) return designator;
  const objectId = text(designator.value) ?? '';
  if (objectId === '') return failure('OBJECT_DESIGNATOR', designator.value.where, 'must not be empty');
  const name = required(section, 'OBJECT_NAME');
  if (!name.ok) return name;
  const objectType = (text(take(section, 'OBJECT_TYPE')) ?? 'UNKNOWN') as ObjectType;
  return success({ object_id: objectId, object_name: text(name.value) ?? '', object_type: objectType });
}

function readObject(section: DecodedSection, tca: string): Outcome<CdmObject> {
  const identity = readIdentity(section);
  if (!identity.ok) return identity;
  const owner = text(take(section, 'OPERATOR_ORGANIZATION'));
  const maneuverable = take(section, 'MANEUVERABLE')?.value;
  const stateVector = completeGroup(section, STATE_VECTOR_FIELDS, 'state vector');
  if (!stateVector.ok) return stateVector;
  const covariance = completeGroup(section, COVARIANCE_FIELDS, 'RTN position covariance');
  if (!covariance.ok) return covariance;
  const frame = section.values.get('REF_FRAME');
  if (stateVector.value) take(section, 'REF_FRAME');
  const frameName = stateVector.value ? text(frame) : undefined;
  return success({
    ...identity.value,
    ...(owner !== undefined ? { owner_operator: owner } : {}),
    ...(typeof maneuverable === 'boolean' ? { maneuverable } : {}),
    ...(stateVector.value
      ? { state_vector: { ...(frameName !== undefined ? { reference_frame: frameName } : {}), epoch: tca, ...stateVector.value } }
      : {}),
    // completeGroup returns every field of its map, so the group has the covariance's shape.
    ...(covariance.value ? { covariance_rtm: covariance.value as unknown as CdmObject['covariance_rtm'] } : {}),
  } as CdmObject);
}

/** Sum of the objects' B-2 HBR values: the combined hard-body radius a Pc computation uses. */
function combinedHardBodyRadius(objects: DecodedSection[]): Outcome<number | undefined> {
  let total: number | undefined;
  for (const section of objects) {
    const entry = section.values.get('HBR');
    const value = numberOf(entry);
    if (entry === undefined || value === undefined) continue;
    if (value < 0) return failure('HBR', entry.where, `${value} must not be negative`);
    total = (total ?? 0) + value;
  }
  return success(total);
}

function remainingValues(section: DecodedSection): KeywordValues | undefined {
  const values: KeywordValues = {};
  for (const [keyword, entry] of section.values) {
    if (entry.value !== undefined && typeof entry.value !== 'boolean') values[keyword] = entry.value as KeywordValue;
  }
  return Object.keys(values).length > 0 ? values : undefined;
}

function buildBlock(message: DecodedMessage): CcsdsBlock {
  const block: CcsdsBlock = { version: message.version };
  for (const name of SECTION_NAMES) {
    const section = message.sections[name];
    const values = remainingValues(section);
    if (values) block[name] = values;
    if (Object.keys(section.lexical).length > 0) block.lexical = { ...block.lexical, [name]: section.lexical };
    const { before, end } = section.comments;
    if (before !== undefined || end !== undefined) block.comments = { ...block.comments, [name]: section.comments };
  }
  return block;
}

function withHardBodyRadius(relative: RelativePart, radius: number | undefined): RelativePart {
  if (radius === undefined) return relative;
  return { ...relative, screening_data: { ...relative.screening_data, hard_body_radius_m: radius } };
}

/** Maps a decoded CCSDS CDM onto the node's model; what the model cannot hold goes to `cdm.ccsds`. */
export function buildModel(message: DecodedMessage): Outcome<Cdm> {
  const sections: Record<SectionName, DecodedSection> = message.sections;
  const header = readHeader(sections.header);
  if (!header.ok) return header;
  const relative = readRelative(sections.relative);
  if (!relative.ok) return relative;
  const objects: Partial<Record<(typeof OBJECT_SECTIONS)[number], CdmObject>> = {};
  for (const name of OBJECT_SECTIONS) {
    const object = readObject(sections[name], relative.value.tca);
    if (!object.ok) return object;
    objects[name] = object.value;
  }
  const radius = combinedHardBodyRadius([sections.object1, sections.object2]);
  if (!radius.ok) return radius;
  const cdm: CdmWithCcsds = {
    ...header.value,
    ...withHardBodyRadius(relative.value, radius.value),
    object1: objects.object1 as CdmObject,
    object2: objects.object2 as CdmObject,
  };
  // A block that says only "version 1.0" is what the writer assumes without one: leaving it out
  // lets a CDM that came as JSON go out as KVN/XML and come back as the same CDM.
  const block = buildBlock(message);
  if (!(Object.keys(block).length === 1 && block.version === '1.0')) cdm.ccsds = block;
  const checked = validateCdm(cdm);
  if (!checked.ok) return failure(keywordForField(checked.issue.field), {}, checked.issue.message);
  return success(cdm);
}
