import { failure, success, type Outcome } from './errors.js';
import { canonicalIndex, isNumericKind, specForName, VERSION_KEYWORD, type KeywordSpec } from './keywords.js';
import type { CommentPlacement, ObjectSection, RawEntry, RawMessage, RawSection, SectionName } from './types.js';

const KEYWORD_LINE = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/;
const COMMENT_LINE = /^COMMENT(?:\s(.*))?$/;
const TRAILING_UNIT = /^(.*?)\s*\[([^[\]]*)\]$/;
const OPEN_UNIT = /\[[^\]]*$/;

interface SectionDraft {
  entries: Map<string, RawEntry>;
  comments: CommentPlacement;
}

interface ReaderState {
  lineCount: number;
  version?: RawEntry;
  /** The segment being read; undefined while in the header and relative metadata. */
  segment?: ObjectSection;
  segmentStart: Partial<Record<ObjectSection, number>>;
  /** Segments whose B-2 XYZ alternate covariance has begun (an XYZ-only term was read). */
  xyzOpen: Partial<Record<ObjectSection, boolean>>;
  drafts: Record<SectionName, SectionDraft>;
  pendingComments: string[];
}

function newDraft(): SectionDraft {
  return { entries: new Map(), comments: {} };
}

function attachComments(state: ReaderState, section: SectionName, keyword: string): void {
  if (state.pendingComments.length === 0) return;
  const placement = state.drafts[section].comments;
  placement.before = { ...placement.before, [keyword]: state.pendingComments };
  state.pendingComments = [];
}

function startSegment(state: ReaderState, value: string, line: number): Outcome<void> {
  const name = value.toUpperCase().replace(/\s+/g, '');
  if (name !== 'OBJECT1' && name !== 'OBJECT2') {
    return failure('OBJECT', { line }, `"${value}" must be OBJECT1 or OBJECT2`);
  }
  const segment: ObjectSection = name === 'OBJECT1' ? 'object1' : 'object2';
  const earlier = state.segmentStart[segment];
  if (earlier !== undefined) {
    return failure('OBJECT', { line }, `a second ${name} segment (the first starts on line ${earlier})`);
  }
  if (segment === 'object2' && state.segmentStart.object1 === undefined) {
    return failure('OBJECT', { line }, 'the OBJECT2 segment comes before the OBJECT1 segment');
  }
  if (segment === 'object1' && state.segment === 'object2') {
    return failure('OBJECT', { line }, 'the OBJECT1 segment comes after the OBJECT2 segment');
  }
  state.segment = segment;
  state.segmentStart[segment] = line;
  attachComments(state, segment, 'OBJECT');
  return success(undefined);
}

function targetSection(state: ReaderState, spec: KeywordSpec, line: number): Outcome<SectionName> {
  const keyword = spec.name;
  if (state.segment === undefined) {
    if (spec.section === 'object') {
      return failure(keyword, { line }, 'object keyword before the first "OBJECT = OBJECT1" line');
    }
    return success(spec.section);
  }
  if (spec.section !== 'object') {
    const label = state.segment.toUpperCase();
    return failure(keyword, { line }, `${spec.section} keyword inside the ${label} segment`);
  }
  return success(state.segment);
}

/** Value and `[unit]` of a numeric keyword; a `[` without its `]` is refused. */
function splitUnit(spec: KeywordSpec, value: string, line: number): Outcome<{ value: string; unit?: string }> {
  if (!isNumericKind(spec.kind)) return success({ value });
  const match = TRAILING_UNIT.exec(value);
  if (match) return success({ value: match[1] ?? '', unit: (match[2] ?? '').trim() });
  if (OPEN_UNIT.test(value)) {
    return failure(spec.name, { line }, `the unit bracket is not closed in "${value}" (expected "value [unit]")`);
  }
  return success({ value });
}

function readEntry(state: ReaderState, keyword: string, rawValue: string, line: number): Outcome<void> {
  if (state.version === undefined) {
    if (keyword !== VERSION_KEYWORD) {
      return failure(VERSION_KEYWORD, { line }, `the message must start with ${VERSION_KEYWORD} (found ${keyword})`);
    }
    state.version = { keyword, value: rawValue, where: { line } };
    return success(undefined);
  }
  if (keyword === VERSION_KEYWORD) {
    return failure(keyword, { line }, `appears twice (first on line ${state.version.where.line ?? '?'})`);
  }
  if (keyword === 'OBJECT') return startSegment(state, rawValue, line);
  const spec = specForName(keyword, state.segment !== undefined && state.xyzOpen[state.segment] === true);
  if (!spec) return failure(keyword, { line }, 'keyword unknown to CCSDS 508.0 (B-1 and B-2)');
  const section = targetSection(state, spec, line);
  if (!section.ok) return section;
  if (spec.xyz && state.segment !== undefined) state.xyzOpen[state.segment] = true;
  const draft = state.drafts[section.value];
  const earlier = draft.entries.get(spec.keyword);
  if (earlier) return failure(keyword, { line }, `appears twice (first on line ${earlier.where.line ?? '?'})`);
  const value = splitUnit(spec, rawValue, line);
  if (!value.ok) return value;
  draft.entries.set(spec.keyword, { keyword: spec.keyword, ...value.value, where: { line } });
  attachComments(state, section.value, spec.keyword);
  return success(undefined);
}

function readLine(state: ReaderState, text: string, line: number): Outcome<void> {
  const trimmed = text.trim();
  if (trimmed === '') return success(undefined);
  const comment = COMMENT_LINE.exec(trimmed);
  if (comment) {
    state.pendingComments.push((comment[1] ?? '').trim());
    return success(undefined);
  }
  const entry = KEYWORD_LINE.exec(trimmed);
  if (!entry) {
    const shown = trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed;
    return failure('KVN', { line }, `not a "KEYWORD = value" or COMMENT line: "${shown}"`);
  }
  return readEntry(state, entry[1] ?? '', (entry[2] ?? '').trim(), line);
}

/** Where a missing keyword was expected: before the next keyword (in standard order) that is present. */
function locator(entries: RawEntry[], regionEnd: number): (keyword: string) => { line: number } {
  return (keyword) => {
    const index = canonicalIndex(keyword);
    const later = entries
      .filter((entry) => canonicalIndex(entry.keyword) > index)
      .map((entry) => entry.where.line ?? regionEnd);
    return { line: later.length > 0 ? Math.min(...later) : regionEnd };
  };
}

function finish(state: ReaderState, version: RawEntry): Outcome<RawMessage> {
  const end = state.lineCount;
  for (const segment of ['object1', 'object2'] as const) {
    if (state.segmentStart[segment] === undefined) {
      return failure('OBJECT', { line: end }, `the ${segment.toUpperCase()} segment is missing`);
    }
  }
  const last = state.drafts[state.segment ?? 'relative'];
  if (state.pendingComments.length > 0) last.comments.end = state.pendingComments;
  const object2Start = state.segmentStart.object2 ?? end;
  const preamble = [...state.drafts.header.entries.values(), ...state.drafts.relative.entries.values()];
  const section = (name: SectionName, locate: RawSection['locateMissing']): RawSection => ({
    entries: state.drafts[name].entries,
    comments: state.drafts[name].comments,
    locateMissing: locate,
  });
  const preambleLocator = locator(preamble, state.segmentStart.object1 ?? end);
  return success({
    version,
    sections: {
      header: section('header', preambleLocator),
      relative: section('relative', preambleLocator),
      object1: section('object1', locator([...state.drafts.object1.entries.values()], object2Start)),
      object2: section('object2', locator([...state.drafts.object2.entries.values()], end)),
    },
  });
}

/**
 * Splits a KVN CDM into sections of raw entries; checks keywords, segments and duplicates.
 * `firstLine`: the number of the text's first line in the request (for a message that is
 * one of several in one body).
 */
export function readKvn(text: string, firstLine = 1): Outcome<RawMessage> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const state: ReaderState = {
    lineCount: firstLine + lines.length - 1,
    segmentStart: {},
    xyzOpen: {},
    drafts: { header: newDraft(), relative: newDraft(), object1: newDraft(), object2: newDraft() },
    pendingComments: [],
  };
  for (const [index, text] of lines.entries()) {
    const outcome = readLine(state, text, index + firstLine);
    if (!outcome.ok) return outcome;
  }
  if (state.version === undefined) {
    return failure(VERSION_KEYWORD, { line: state.lineCount }, 'missing: this is not a CCSDS CDM in KVN');
  }
  return finish(state, state.version);
}
