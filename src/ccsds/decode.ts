import { failure, success, type Outcome } from './errors.js';
import { isObligatory, keywordSpec, VERSION_KEYWORD } from './keywords.js';
import type { CommentPlacement, RawEntry, RawMessage, RawSection, SectionName, Where } from './types.js';
import { SECTION_NAMES } from './types.js';
import { canonicalText, decodeValue, normalizeMinus, unitMatches, type DecodedValue } from './values.js';

export interface DecodedEntry {
  value: DecodedValue;
  where: Where;
}

export interface DecodedSection {
  values: Map<string, DecodedEntry>;
  /** Original value texts that differ from the writer's rendering. */
  lexical: Record<string, string>;
  comments: CommentPlacement;
  locateMissing(keyword: string): Where;
}

export interface DecodedMessage {
  version: string;
  sections: Record<SectionName, DecodedSection>;
}

const VERSION = /^[12]\.\d+$/;

function describeUnit(unit: string | undefined): string {
  return unit === undefined ? 'has no unit' : `is [${unit}]`;
}

/**
 * Checks the unit and decodes the value of one entry. An empty value (KVN `KEY =`, XML `<KEY/>`,
 * `<KEY></KEY>`, `nil="true"`) is "absent" for an optional keyword and refused for an obligatory
 * one (508.0 6.2.3.1); an empty unit (`[]`, `units=""`) is no unit.
 */
function decodeEntry(entry: RawEntry, version: string): Outcome<{ value: DecodedValue; lexical?: string }> {
  const spec = keywordSpec(entry.keyword);
  if (!spec) return failure(entry.keyword, entry.where, 'keyword unknown to CCSDS 508.0 (B-1 and B-2)');
  if (entry.value === '') {
    if (isObligatory(spec, version)) {
      return failure(spec.name, entry.where, 'obligatory keyword has an empty value (CCSDS 508.0 6.2.3.1)');
    }
    return success({ value: undefined });
  }
  const unit = entry.unit?.trim() === '' ? undefined : entry.unit;
  if (unit !== undefined && !unitMatches(spec, unit)) {
    return failure(
      spec.name,
      entry.where,
      `unit [${unit}] is not the unit of ${spec.name}, which ${describeUnit(spec.unit)}; units are not converted`,
    );
  }
  const decoded = decodeValue(spec, entry.value);
  if (!decoded.ok) return failure(spec.name, entry.where, decoded.reason);
  const text = spec.kind === 'text' ? entry.value : normalizeMinus(entry.value);
  const lexical = text === canonicalText(spec, decoded.value) ? undefined : text;
  return success({ value: decoded.value, ...(lexical !== undefined ? { lexical } : {}) });
}

function decodeSection(raw: RawSection, version: string): Outcome<DecodedSection> {
  const values = new Map<string, DecodedEntry>();
  const lexical: Record<string, string> = {};
  for (const entry of raw.entries.values()) {
    const decoded = decodeEntry(entry, version);
    if (!decoded.ok) return decoded;
    values.set(entry.keyword, { value: decoded.value.value, where: entry.where });
    if (decoded.value.lexical !== undefined) lexical[entry.keyword] = decoded.value.lexical;
  }
  return success({ values, lexical, comments: raw.comments, locateMissing: raw.locateMissing });
}

/** Checks units and decodes every value of a message read from KVN or XML. */
export function decodeMessage(raw: RawMessage): Outcome<DecodedMessage> {
  const version = raw.version.value;
  if (!VERSION.test(version)) {
    return failure(VERSION_KEYWORD, raw.version.where, `unsupported version "${version}" (1.x or 2.x expected)`);
  }
  const sections: Partial<Record<SectionName, DecodedSection>> = {};
  for (const name of SECTION_NAMES) {
    const decoded = decodeSection(raw.sections[name], version);
    if (!decoded.ok) return decoded;
    sections[name] = decoded.value;
  }
  return success({ version, sections: sections as Record<SectionName, DecodedSection> });
}
