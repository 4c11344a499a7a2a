/**
 * Space-Track.org CDM JSON → the same raw message the KVN and XML readers produce.
 *
 * Two shapes, both an array of records (or one record) with upper-case keys:
 * - `cdm_public`: CDM_ID, CREATED, EMERGENCY_REPORTABLE, TCA, MIN_RNG (metres), PC,
 *   SAT_1_ID, SAT_1_NAME, SAT1_OBJECT_TYPE, SAT1_RCS, SAT_1_EXCL_VOL, SAT_2_… ;
 * - `cdm` (operator access): the CCSDS 508.0 keywords themselves, object keywords prefixed
 *   SAT1_/SAT2_, units as `<KEY>_UNIT`, comments as `COMMENT_<topic>` / `SAT1_COMMENT_<topic>`.
 * Keys that are no CCSDS keyword (CDM_ID beside MESSAGE_ID, EMERGENCY_REPORTABLE, SAT1_RCS,
 * SAT_1_EXCL_VOL, CONSTELLATION, FILENAME, …) are kept as COMMENT lines `KEY = value` of their
 * section, so that KVN and XML exports carry them and read back the same.
 */
import { ccsdsError, success, type Outcome } from './errors.js';
import { keywordSpec, VERSION_KEYWORD } from './keywords.js';
import { modelFromRaw, unreadable } from './pipeline.js';
import type { CcsdsBatch, RawEntry, RawMessage, RawSection, SectionName } from './types.js';
import { SECTION_NAMES } from './types.js';

/** ORIGINATOR of a record that names none. */
export const SPACE_TRACK_ORIGINATOR = 'SPACE-TRACK';

type SpaceTrackRecord = Record<string, unknown>;

const UPPER_KEY = /^[A-Z0-9_]+$/;

/** `cdm_public` keys and the CCSDS keyword each stands for. */
const PUBLIC_KEYS: Record<string, { section: SectionName; keyword: string }> = {
  CDM_ID: { section: 'header', keyword: 'MESSAGE_ID' },
  CREATED: { section: 'header', keyword: 'CREATION_DATE' },
  MIN_RNG: { section: 'relative', keyword: 'MISS_DISTANCE' },
  PC: { section: 'relative', keyword: 'COLLISION_PROBABILITY' },
  SAT_1_ID: { section: 'object1', keyword: 'OBJECT_DESIGNATOR' },
  SAT_1_NAME: { section: 'object1', keyword: 'OBJECT_NAME' },
  SAT_2_ID: { section: 'object2', keyword: 'OBJECT_DESIGNATOR' },
  SAT_2_NAME: { section: 'object2', keyword: 'OBJECT_NAME' },
};

function isRecord(value: unknown): value is SpaceTrackRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function looksLikeRecord(value: unknown): value is SpaceTrackRecord {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.includes('TCA') && (keys.includes('CDM_ID') || keys.includes('MESSAGE_ID')) && keys.every((key) => UPPER_KEY.test(key));
}

/** Whether a parsed JSON body is Space-Track CDM JSON (by its shape: upper-case keys, TCA, CDM_ID or MESSAGE_ID). */
export function isSpaceTrackCdmJson(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every(looksLikeRecord);
  return looksLikeRecord(value);
}

function valueText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

interface Draft {
  entries: Map<string, RawEntry>;
  before: Record<string, string[]>;
  pending: string[];
}

/** Where a key of the record goes: section and CCSDS keyword, or undefined for an extra key. */
function placeKey(key: string): { section: SectionName; keyword: string } | undefined {
  // Space-Track's SAT1_RCS is a size class (SMALL, MEDIUM, LARGE), not the B-2 RCS in m**2.
  if (/^SAT[12]_RCS$/.test(key)) return undefined;
  const mapped = PUBLIC_KEYS[key];
  if (mapped) return mapped;
  const object = /^SAT([12])_(.+)$/.exec(key);
  if (object) {
    const spec = keywordSpec(object[2] ?? '');
    return spec?.section === 'object' && spec.name === object[2] ? { section: `object${object[1]}` as SectionName, keyword: spec.keyword } : undefined;
  }
  const spec = keywordSpec(key);
  return spec && spec.section !== 'object' && spec.name === key ? { section: spec.section, keyword: spec.keyword } : undefined;
}

function sectionOfExtra(key: string): SectionName {
  const object = /^SAT_?([12])_/.exec(key);
  return object ? (`object${object[1]}` as SectionName) : 'header';
}

/** Space-Track writes `2022-04-29 00:45:12.000000` for CREATED. */
function normalizeValue(keyword: string, text: string): string {
  return keywordSpec(keyword)?.kind === 'time' ? text.replace(' ', 'T') : text;
}

function recordToRaw(record: SpaceTrackRecord, index: number): Outcome<RawMessage> {
  const drafts = {} as Record<SectionName, Draft>;
  for (const name of SECTION_NAMES) drafts[name] = { entries: new Map(), before: {}, pending: [] };
  const where = (key: string) => ({ path: `[${index}].${key}` });
  const hasMessageId = record.MESSAGE_ID !== undefined && record.MESSAGE_ID !== null;
  for (const [key, raw] of Object.entries(record)) {
    const text = valueText(raw);
    if (text === undefined || text === '' || key === VERSION_KEYWORD || /_UNIT$/.test(key) || /^SAT[12]_OBJECT$/.test(key)) continue;
    const comment = /^(?:SAT([12])_)?COMMENT_/.exec(key);
    if (comment) {
      drafts[comment[1] ? (`object${comment[1]}` as SectionName) : 'header'].pending.push(text);
      continue;
    }
    const place = key === 'CDM_ID' && hasMessageId ? undefined : placeKey(key);
    if (!place) {
      drafts[sectionOfExtra(key)].pending.push(`${key} = ${text}`);
      continue;
    }
    const draft = drafts[place.section];
    if (draft.entries.has(place.keyword)) continue; // the CCSDS key wins over its cdm_public alias
    const unit = valueText(record[`${key}_UNIT`]);
    draft.entries.set(place.keyword, {
      keyword: place.keyword,
      value: normalizeValue(place.keyword, text),
      ...(unit ? { unit } : {}),
      where: where(key),
    });
    if (draft.pending.length > 0) {
      draft.before[place.keyword] = draft.pending;
      draft.pending = [];
    }
  }
  if (!drafts.header.entries.has('ORIGINATOR')) {
    drafts.header.entries.set('ORIGINATOR', { keyword: 'ORIGINATOR', value: SPACE_TRACK_ORIGINATOR, where: { path: `[${index}]` } });
  }
  const version = valueText(record[VERSION_KEYWORD]) || '1.0';
  const section = (name: SectionName): RawSection => {
    const draft = drafts[name];
    // Comments go before a keyword every export writes: OBJECT in a segment, CREATION_DATE in the header.
    const anchor = name === 'header' ? 'CREATION_DATE' : name === 'relative' ? 'TCA' : 'OBJECT';
    const before = { ...draft.before };
    if (draft.pending.length > 0) before[anchor] = [...(before[anchor] ?? []), ...draft.pending];
    return {
      entries: draft.entries,
      comments: Object.keys(before).length > 0 ? { before } : {},
      locateMissing: () => ({ path: `[${index}]` }),
    };
  };
  return success({
    version: { keyword: VERSION_KEYWORD, value: version, where: where(VERSION_KEYWORD) },
    sections: { header: section('header'), relative: section('relative'), object1: section('object1'), object2: section('object2') },
  });
}

/**
 * Reads Space-Track CDM JSON (see the module comment): one result per record, in order.
 * `ok: false` when the value is not Space-Track CDM JSON at all.
 */
export function parseSpaceTrackCdms(value: unknown): CcsdsBatch {
  if (!isSpaceTrackCdmJson(value)) {
    return { ok: false, error: ccsdsError('CDM_ID', {}, 'not Space-Track CDM JSON: expected records with upper-case keys, TCA and CDM_ID or MESSAGE_ID') };
  }
  const records: unknown[] = Array.isArray(value) ? value : [value];
  return {
    ok: true,
    results: records.map((record, index) => {
      try {
        return modelFromRaw(recordToRaw(record as SpaceTrackRecord, index));
      } catch (error) {
        return unreadable(error);
      }
    }),
  };
}
