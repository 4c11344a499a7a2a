import jcs from 'canonicalize';

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
    text = jcs(value);
  } catch (err) {
    throw new RangeError(`cannot canonicalize: ${(err as Error).message}`);
  }
  if (text === undefined) throw new RangeError('cannot canonicalize: the value has no JSON form');
  return text;
}

/** The name callers have always used for {@link canonicalize}. */
export const canonicalJson = canonicalize;

/** Compares two strings by code unit, as the merge rules' tie-break does. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
