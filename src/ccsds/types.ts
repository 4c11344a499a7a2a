import type { Cdm } from '../protocol/cdm.js';

/** Why a CCSDS message was refused: the keyword, and where (KVN line or XML element path). */
export interface CcsdsError {
  keyword: string;
  line?: number;
  path?: string;
  /** Reads like `line 7: TCA: mandatory keyword is missing`. */
  message: string;
}

export type CcsdsResult = { ok: true; cdm: Cdm } | { ok: false; error: CcsdsError };

/** Every CDM of a text (one result each, in order), or why the text as a whole is unreadable. */
export type CcsdsBatch = { ok: true; results: CcsdsResult[] } | { ok: false; error: CcsdsError };

export type SectionName = 'header' | 'relative' | 'object1' | 'object2';
export const SECTION_NAMES: readonly SectionName[] = ['header', 'relative', 'object1', 'object2'];
export const OBJECT_SECTIONS = ['object1', 'object2'] as const;
export type ObjectSection = (typeof OBJECT_SECTIONS)[number];

/** A keyword's value once read: text, number, ISO time (as text) or list of numbers. */
export type KeywordValue = string | number | number[];
export type KeywordValues = Record<string, KeywordValue>;

/** COMMENT lines of a section: those written before a keyword, and those after its last keyword. */
export interface CommentPlacement {
  before?: Record<string, string[]>;
  end?: string[];
}

/**
 * Everything of a CCSDS CDM the node's model has no field for, kept as `cdm.ccsds`.
 * - header/relative/object1/object2: keywords without a model field, by keyword
 *   (numbers as numbers, times as ISO 8601 UTC with `Z`, lists of numbers as arrays);
 * - lexical: the original text of a value when it differs from the writer's own
 *   rendering (`4.142E+01`, `N/A`, `OTHER`, day-of-year times), reused while it still
 *   denotes the model's value;
 * - comments: COMMENT lines, placed before the keyword they preceded.
 */
export interface CcsdsBlock {
  version: string;
  header?: KeywordValues;
  relative?: KeywordValues;
  object1?: KeywordValues;
  object2?: KeywordValues;
  lexical?: Partial<Record<SectionName, Record<string, string>>>;
  comments?: Partial<Record<SectionName, CommentPlacement>>;
}

export type CdmWithCcsds = Cdm & { ccsds?: CcsdsBlock };

/** Location in the source: a KVN line (1-based) or an XML element path. */
export interface Where {
  line?: number;
  path?: string;
}

export interface RawEntry {
  keyword: string;
  /** Trimmed value text, without the KVN `[unit]`. */
  value: string;
  unit?: string;
  where: Where;
}

/** One section as read from KVN or XML, before values are decoded. */
export interface RawSection {
  entries: Map<string, RawEntry>;
  comments: CommentPlacement;
  /** Where a missing keyword was expected. */
  locateMissing(keyword: string): Where;
}

export interface RawMessage {
  version: RawEntry;
  sections: Record<SectionName, RawSection>;
}
