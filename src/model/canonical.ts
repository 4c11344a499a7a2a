import { configure } from 'safe-stable-stringify';

/**
 * safe-stable-stringify in its deterministic mode sorts member names with the default
 * sort, which orders by UTF-16 code units as RFC 8785 section 3.2.3 requires, writes numbers
 * as ECMAScript's Number::toString (section 3.2.2.3) and strings with JSON.stringify's
 * escapes (section 3.2.2.2); `strict` makes it throw on NaN, ±Infinity, BigInt and functions.
 * The same bytes as the reference implementation (the `canonicalize` package, kept in the
 * tests to compare against), several times faster on CDM-sized messages.
 */
const stringify = configure({ deterministic: true, strict: true, bigint: false, circularValue: Error });

/** A `\ud800`–`\udfff` escape not itself escaped: JSON.stringify's form of a lone surrogate. */
const LONE_SURROGATE_ESCAPE = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;

/**
 * The JSON Canonicalization Scheme form of a JSON value (RFC 8785): object members sorted
 * by the UTF-16 code units of their names at every level, every own member kept whatever
 * its name (`__proto__`, `constructor` included), numbers in their ECMAScript shortest
 * form (RFC 8785 section 3.2.2.3), no whitespace. Equal values give equal strings; the
 * merge rules' tie-break and origin signatures both compare these strings.
 *
 * Members whose value is `undefined` are left out, as `JSON.stringify` does.
 * Throws a RangeError for what JSON cannot carry: NaN, ±Infinity, strings with a lone
 * UTF-16 surrogate (RFC 8785 section 3.2.2.2), circular references. Input validated by
 * src/protocol/validate.ts never holds these.
 */
export function canonicalize(value: unknown): string {
  let text: string | undefined;
  try {
    text = stringify(value);
  } catch (err) {
    throw new RangeError(`cannot canonicalize: ${(err as Error).message}`);
  }
  if (text === undefined) throw new RangeError('cannot canonicalize: the value has no JSON form');
  // A raw surrogate pair is fine; JSON.stringify writes an unpaired one as an escape.
  if (text.includes('\\ud') && LONE_SURROGATE_ESCAPE.test(text)) throw new RangeError('cannot canonicalize: a string holds a lone UTF-16 surrogate');
  return text;
}

/** The name callers have always used for {@link canonicalize}. */
export const canonicalJson = canonicalize;

/** Compares two strings by code unit, as the merge rules' tie-break does. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
