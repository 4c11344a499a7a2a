import type { Cdm } from '../protocol/cdm.js';

/**
 * Where the combined hard-body radius came from, in the order they are tried:
 * - `override`: given by the caller (`spacecomms pc --hbr`);
 * - `ccsds_hbr`: the CCSDS 508.0 B-2 `HBR` keyword of each object (m), summed;
 * - `screening_data`: the CDM's `screening_data.hard_body_radius_m`;
 * - `comment_hbr`: a `COMMENT HBR = 15.0` or `COMMENT HBR = 20 [m]` line (NASA CARA's files);
 * - `comment_exclusion_volume`: each object's `COMMENT Exclusion Volume Radius = 5.000000 [m]`
 *   (Space-Track) or `COMMENT EXCLUSION_VOLUME_RADIUS = 5 [m]`, summed over the objects;
 * - `default`: the configured `pc.default_hbr_m`.
 */
export type HbrSource = 'override' | 'ccsds_hbr' | 'screening_data' | 'comment_hbr' | 'comment_exclusion_volume' | 'default';

export interface HardBodyRadius {
  /** Combined radius of both objects, m. */
  metres: number;
  source: HbrSource;
}

/**
 * Largest combined radius accepted, m. The largest objects in orbit span about 100 m (the
 * ISS); a radius beyond a kilometre is a unit or typing error, and would make Pc near 1.
 */
export const MAX_HBR_M = 1000;

/** Longest radius comment read; a longer one with a radius key is refused unread. */
const MAX_COMMENT_LENGTH = 200;
/** The key of a `KEY = value` comment lies within its first characters. */
const MAX_KEY_LENGTH = 64;

type Read = { ok: true; metres: number } | { ok: false; reason: string } | undefined;

/** A decimal number as CCSDS writes one: sign, digits, optional fraction and exponent (no hex, no NaN/Infinity). */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A radius value: `what` names it in the reason. Positive, finite, at most `MAX_HBR_M`.
 * Exported for the command line's `--hbr`.
 */
export function readRadius(text: string, what: string): { ok: true; metres: number } | { ok: false; reason: string } {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) return { ok: false, reason: `${what}: "${text}" is not a number of metres` };
  if (!(value > 0)) return { ok: false, reason: `${what}: ${text} is not a positive radius` };
  if (value > MAX_HBR_M) return { ok: false, reason: `${what}: ${text} m is larger than ${MAX_HBR_M} m, not a hard-body radius` };
  return { ok: true, metres: value };
}

/**
 * A `KEY = value [m]` (or `KEY: value`) comment whose key, upper-cased with `_` for spaces,
 * is `key`: undefined when the comment is about something else, else the value read.
 * Linear in the comment's length (no backtracking pattern); units other than m are refused.
 */
function radiusComment(comment: string, key: string): Read {
  const separator = comment.slice(0, MAX_KEY_LENGTH).search(/[=:]/);
  if (separator < 0) return undefined;
  if (comment.slice(0, separator).trim().toUpperCase().split(/\s+/).join('_') !== key) return undefined;
  if (comment.length > MAX_COMMENT_LENGTH) return { ok: false, reason: `a COMMENT ${key} of ${comment.length} characters is not a radius` };
  let value = comment.slice(separator + 1).trim();
  const unit = /\[([^\]]*)\]$/.exec(value);
  if (unit) {
    if ((unit[1] ?? '').trim().toLowerCase() !== 'm') return { ok: false, reason: `COMMENT ${comment.trim()}: the radius must be in metres ([m])` };
    value = value.slice(0, unit.index).trim();
  }
  return readRadius(value, `COMMENT ${comment.trim()}`);
}

interface KeptCcsds {
  object1?: Record<string, unknown>;
  object2?: Record<string, unknown>;
  comments?: Record<string, { before?: Record<string, unknown>; end?: unknown }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function block(cdm: Cdm): KeptCcsds {
  const raw: unknown = (cdm as { ccsds?: unknown }).ccsds;
  return isRecord(raw) ? (raw as KeptCcsds) : {};
}

/** Every COMMENT text of one section of the kept CCSDS block, in no particular order. */
function sectionComments(kept: KeptCcsds, section: string): string[] {
  const placement = kept.comments?.[section];
  if (!isRecord(placement)) return [];
  const lists: unknown[] = [...(isRecord(placement.before) ? Object.values(placement.before) : []), placement.end];
  return lists.flatMap((list) => (Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string') : []));
}

/** The one value the comments give for `key`: undefined when none does; refused when one is unreadable or two differ. */
function commentValue(comments: string[], key: string): Read {
  const reads = comments.map((c) => radiusComment(c, key)).filter((r): r is NonNullable<Read> => r !== undefined);
  const bad = reads.find((r) => !r.ok);
  if (bad) return bad;
  const values = [...new Set(reads.map((r) => (r.ok ? r.metres : Number.NaN)))];
  if (values.length > 1) return { ok: false, reason: `the ${key} comments disagree (${values.join(' m, ')} m)` };
  return values.length === 1 ? { ok: true, metres: values[0] as number } : undefined;
}

/** Both objects' radii summed: one object's alone is not the combined radius. */
function perObjectSum(values: [unknown, unknown], what: string, read: (v: unknown, label: string) => Read): Read {
  const [one, two] = [read(values[0], `object1 ${what}`), read(values[1], `object2 ${what}`)];
  if (one === undefined && two === undefined) return undefined;
  for (const r of [one, two]) if (r && !r.ok) return r;
  if (one === undefined || two === undefined) return { ok: false, reason: `${what} is given for ${one ? 'object1' : 'object2'} only: the combined radius is unknown` };
  return one.ok && two.ok ? checkedSum(one.metres + two.metres, what) : undefined;
}

function checkedSum(metres: number, what: string): Read {
  return metres > MAX_HBR_M ? { ok: false, reason: `${what}: the combined ${metres} m is larger than ${MAX_HBR_M} m` } : { ok: true, metres };
}

function ccsdsKeyword(value: unknown, label: string): Read {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? readRadius(String(value), label) : { ok: false, reason: `${label}: not a number` };
}

/**
 * The combined hard-body radius for a CDM and its source (see `HbrSource` for the order), or
 * the reason none can be used: a radius the CDM gives but that is unreadable, not positive,
 * over `MAX_HBR_M`, given for one object only, or given twice with different values is
 * refused rather than silently replaced by the default.
 */
export function hardBodyRadius(cdm: Cdm, defaultMetres: number, override?: number): { ok: true; radius: HardBodyRadius } | { ok: false; reason: string } {
  if (override !== undefined) {
    const r = readRadius(String(override), 'the given radius');
    return r.ok ? { ok: true, radius: { metres: r.metres, source: 'override' } } : r;
  }
  const kept = block(cdm);
  const screening = cdm.screening_data?.hard_body_radius_m;
  const candidates: Array<[HbrSource, () => Read]> = [
    ['ccsds_hbr', () => perObjectSum([kept.object1?.HBR, kept.object2?.HBR], 'HBR', ccsdsKeyword)],
    ['screening_data', () => (screening === undefined ? undefined : readRadius(String(screening), 'screening_data.hard_body_radius_m'))],
    ['comment_hbr', () => commentValue(['header', 'relative', 'object1', 'object2'].flatMap((s) => sectionComments(kept, s)), 'HBR')],
    [
      'comment_exclusion_volume',
      () =>
        perObjectSum(['object1', 'object2'], 'Exclusion Volume Radius', (section) => commentValue(sectionComments(kept, section as string), 'EXCLUSION_VOLUME_RADIUS')),
    ],
  ];
  for (const [source, read] of candidates) {
    const r = read();
    if (r === undefined) continue;
    return r.ok ? { ok: true, radius: { metres: r.metres, source } } : { ok: false, reason: `hard-body radius: ${r.reason}` };
  }
  return { ok: true, radius: { metres: defaultMetres, source: 'default' } };
}
