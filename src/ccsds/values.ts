import { parseUtcTime } from '../protocol/time.js';
import type { ObjectType } from '../protocol/cdm.js';
import type { KeywordSpec } from './keywords.js';
import type { KeywordValue } from './types.js';

/** A decoded value; `undefined` = the message says "no value" (`N/A`, or the keyword's fill). */
export type DecodedValue = KeywordValue | boolean | undefined;
export type Decoding = { ok: true; value: DecodedValue } | { ok: false; reason: string };

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
// C0/C1 controls, non-characters and lone surrogates: unusable in a KVN line or XML text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNWRITABLE = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const OBJECT_TYPES: Record<string, ObjectType> = {
  PAYLOAD: 'PAYLOAD',
  DEBRIS: 'DEBRIS',
  'ROCKET BODY': 'ROCKET_BODY',
  ROCKET_BODY: 'ROCKET_BODY',
  UNKNOWN: 'UNKNOWN',
};

/** Real files write U+2212 MINUS SIGN where CCSDS expects '-'. */
export function normalizeMinus(text: string): string {
  return text.replace(/\u2212/g, '-');
}

export function sanitizeText(text: string): string {
  return text.replace(UNWRITABLE, ' ').trim();
}

export function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

export function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * CCSDS time (calendar or day-of-year form, any number of fraction digits, `23:59:60` on a
 * leap-second day) → ISO 8601 UTC with `Z`, fraction digits kept. Read by `parseUtcTime`,
 * the reader JSON validation, ordering and expiry also use.
 */
export function parseCcsdsTime(text: string): string | undefined {
  const time = parseUtcTime(text);
  if (!time) return undefined;
  return `${time.date}T${time.clock}${time.fraction ? `.${time.fraction}` : ''}Z`;
}

/** ISO 8601 UTC (`Z` or a zero offset) → CCSDS time without zone designator. */
export function isoToCcsds(iso: string): string {
  return iso.replace(/(?:Z|[+-]00:?00)$/, '');
}

function decodeNumbers(text: string): Decoding {
  const parts = text.split(/[\s,]+/).filter((part) => part !== '');
  const values = parts.map(parseNumber);
  if (values.length === 0 || values.some((value) => value === undefined)) {
    return { ok: false, reason: `"${text}" is not a list of numbers` };
  }
  return { ok: true, value: values as number[] };
}

function decodeTyped(spec: KeywordSpec, text: string): Decoding {
  switch (spec.kind) {
    case 'text':
    case 'designator':
      return { ok: true, value: text };
    case 'number': {
      const value = parseNumber(text);
      return value === undefined ? { ok: false, reason: `"${text}" is not a number` } : { ok: true, value };
    }
    case 'integer':
      return INTEGER.test(text) && Number.isSafeInteger(Number(text))
        ? { ok: true, value: Number(text) }
        : { ok: false, reason: `"${text}" is not an integer` };
    case 'numbers':
      return decodeNumbers(text);
    case 'time': {
      const value = parseCcsdsTime(text);
      return value === undefined
        ? { ok: false, reason: `"${text}" is not a CCSDS UTC time (YYYY-MM-DDThh:mm:ss[.d…] or YYYY-DDDThh:mm:ss[.d…])` }
        : { ok: true, value };
    }
    case 'maneuverable': {
      const upper = text.toUpperCase();
      if (upper === 'YES' || upper === 'NO') return { ok: true, value: upper === 'YES' };
      return { ok: false, reason: `"${text}" must be YES, NO or N/A` };
    }
    case 'objectType':
      // OTHER and any non-standard value become UNKNOWN; the original text is kept as lexical form.
      return { ok: true, value: OBJECT_TYPES[text.toUpperCase()] ?? 'UNKNOWN' };
  }
}

export function isAbsentMarker(spec: KeywordSpec, text: string): boolean {
  if (spec.naMeansAbsent && text.toUpperCase() === 'N/A') return true;
  return spec.fill !== undefined && text === spec.fill;
}

/** Decodes a value text (already trimmed, without unit) according to its keyword. */
export function decodeValue(spec: KeywordSpec, rawText: string): Decoding {
  const text = spec.kind === 'text' ? rawText : normalizeMinus(rawText);
  if (isAbsentMarker(spec, text)) return { ok: true, value: undefined };
  return decodeTyped(spec, text);
}

/** The writer's own rendering of a value; undefined = nothing to write. */
export function canonicalText(spec: KeywordSpec, value: DecodedValue): string | undefined {
  if (value === undefined) return spec.fill;
  if (typeof value === 'boolean') return value ? 'YES' : 'NO';
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return value.map(formatNumber).join(' ');
  if (spec.kind === 'time') return isoToCcsds(value);
  if (spec.kind === 'objectType') return value === 'ROCKET_BODY' ? 'ROCKET BODY' : value;
  return sanitizeText(value);
}

export function sameValue(a: DecodedValue, b: DecodedValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => Object.is(item, b[index]));
  }
  return Object.is(a, b);
}

function normalizeUnit(unit: string): string {
  return unit.replace(/\s+/g, '').replace(/\^/g, '**').toLowerCase();
}

const DIMENSIONLESS = new Set(['', '1', 'n/a', 'none', '-']);

/** Whether a unit written in the message is the keyword's CCSDS unit (spelling variants allowed). */
export function unitMatches(spec: KeywordSpec, given: string): boolean {
  const normalized = normalizeUnit(given);
  if (spec.unit === undefined) return DIMENSIONLESS.has(normalized);
  return normalized === normalizeUnit(spec.unit);
}
