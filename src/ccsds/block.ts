import { keywordSpec, type SectionKind } from './keywords.js';
import type { CcsdsBlock, CommentPlacement, KeywordValue, KeywordValues, SectionName } from './types.js';
import { SECTION_NAMES } from './types.js';
import { canonicalText, decodeValue, sameValue, sanitizeText } from './values.js';

const VERSION = /^[12]\.\d+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sectionKind(name: SectionName): SectionKind {
  return name === 'object1' || name === 'object2' ? 'object' : name;
}

function isKeywordValue(value: unknown): value is KeywordValue {
  if (typeof value === 'string' || typeof value === 'number') return true;
  return Array.isArray(value) && value.every((item) => typeof item === 'number');
}

/** A kept value is used only if it survives a write and a read unchanged. */
function survives(keyword: string, kind: SectionKind, value: unknown): value is KeywordValue {
  const spec = keywordSpec(keyword);
  if (!spec || spec.section !== kind || keyword === 'OBJECT' || !isKeywordValue(value)) return false;
  if (spec.kind === 'maneuverable') return false;
  const written = canonicalText(spec, value);
  if (written === undefined) return false;
  const read = decodeValue(spec, written);
  return read.ok && sameValue(read.value, value);
}

function keptValues(raw: unknown, kind: SectionKind): KeywordValues | undefined {
  if (!isRecord(raw)) return undefined;
  const values: KeywordValues = {};
  for (const [keyword, value] of Object.entries(raw)) {
    if (survives(keyword, kind, value)) values[keyword] = value;
  }
  return values;
}

function keptLexical(raw: unknown): Record<string, string> {
  const lexical: Record<string, string> = {};
  if (!isRecord(raw)) return lexical;
  for (const [keyword, text] of Object.entries(raw)) {
    if (typeof text === 'string' && keywordSpec(keyword) && sanitizeText(text) === text) lexical[keyword] = text;
  }
  return lexical;
}

function commentList(raw: unknown): string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.filter((item): item is string => typeof item === 'string').map(sanitizeText);
}

function keptComments(raw: unknown): CommentPlacement {
  if (!isRecord(raw)) return {};
  const placement: CommentPlacement = {};
  if (isRecord(raw.before)) {
    const before: Record<string, string[]> = {};
    for (const [keyword, list] of Object.entries(raw.before)) {
      const comments = commentList(list);
      if (comments && comments.length > 0) before[keyword] = comments;
    }
    placement.before = before;
  }
  const end = commentList(raw.end);
  if (end && end.length > 0) placement.end = end;
  return placement;
}

export interface KeptBlock {
  version: string;
  values: Record<SectionName, KeywordValues>;
  lexical: Record<SectionName, Record<string, string>>;
  comments: Record<SectionName, CommentPlacement>;
}

/** The `ccsds` block of a model, keeping only what can be written (it may come from any JSON). */
export function readBlock(cdm: object): KeptBlock {
  const raw: unknown = (cdm as { ccsds?: unknown }).ccsds;
  const block: Partial<CcsdsBlock> = isRecord(raw) ? (raw as Partial<CcsdsBlock>) : {};
  const rawVersion: unknown = block.version;
  const version = typeof rawVersion === 'string' && VERSION.test(rawVersion) ? rawVersion : '1.0';
  const values = {} as Record<SectionName, KeywordValues>;
  const lexical = {} as Record<SectionName, Record<string, string>>;
  const comments = {} as Record<SectionName, CommentPlacement>;
  const rawLexical: unknown = block.lexical;
  const rawComments: unknown = block.comments;
  for (const name of SECTION_NAMES) {
    values[name] = keptValues(block[name], sectionKind(name)) ?? {};
    lexical[name] = keptLexical(isRecord(rawLexical) ? rawLexical[name] : undefined);
    comments[name] = keptComments(isRecord(rawComments) ? rawComments[name] : undefined);
  }
  return { version, values, lexical, comments };
}
