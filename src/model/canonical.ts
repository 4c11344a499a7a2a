/**
 * The JSON Canonicalization Scheme form of a JSON value (RFC 8785): object members sorted
 * by the UTF-16 code units of their names at every level, every own member kept whatever
 * its name (`__proto__`, `constructor` included), numbers in their ECMAScript shortest
 * form (RFC 8785 section 3.2.2.3), no whitespace. Equal values give equal strings; the
 * merge rules' tie-break and origin signatures both compare these strings.
 *
 * Members whose value is `undefined` are left out, as `JSON.stringify` does (so are
 * symbols and functions); in arrays they are written `null`. A `toJSON` method is used as
 * `JSON.stringify` uses it. Throws a RangeError for what JSON cannot carry: NaN,
 * ±Infinity, strings with a lone UTF-16 surrogate (RFC 8785 section 3.2.2.2), circular
 * references, BigInt. Input validated by src/protocol/validate.ts never holds these.
 *
 * Written here rather than taken from a package: every originated message is signed over
 * this form, and this is about twice as fast as the `canonicalize` package, which scans
 * every string character by character for lone surrogates and calls `JSON.stringify` for
 * every value (the package remains the reference of a property test).
 */
export function canonicalize(value: unknown): string {
  const text = serialize(value, []);
  if (text === undefined) throw new RangeError('cannot canonicalize: the value has no JSON form');
  return text;
}

/** The name callers have always used for {@link canonicalize}. */
export const canonicalJson = canonicalize;

/** Compares two strings by code unit, as the merge rules' tie-break does. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A UTF-16 surrogate that is not half of a pair (with the `u` flag a pair is one code point). */
const LONE_SURROGATE = /\p{Surrogate}/u;
/** What a JSON string literal escapes (quote, backslash, controls), and surrogates, whose pairing needs a look. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const NEEDS_ESCAPE_OR_CHECK = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A JSON string literal as ECMAScript `JSON.stringify` writes it, whose escaping is RFC
 * 8785's (the two-character escapes, `\u00xx` in lower case for other controls, everything
 * else as is); text with nothing to escape is only quoted. `JSON.stringify` writes a lone
 * surrogate as a `\udxxx` escape, so only a literal holding `\ud` needs the exact check.
 */
function stringLiteral(text: string): string {
  if (!NEEDS_ESCAPE_OR_CHECK.test(text)) return `"${text}"`;
  const literal = JSON.stringify(text);
  if (literal.includes('\\ud') && LONE_SURROGATE.test(text)) throw new RangeError('cannot canonicalize: a string holds a lone surrogate');
  return literal;
}

/** The canonical text of `value`; undefined where JSON has no value (undefined, functions, symbols). `open`: the objects being written, for cycles. */
function serialize(value: unknown, open: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringLiteral(value);
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError(`cannot canonicalize: ${value} is not a JSON number`);
      // ECMAScript Number::toString: the shortest round-trip form RFC 8785 section 3.2.2.3 requires (-0 as 0).
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new RangeError('cannot canonicalize: a BigInt is not a JSON number');
    case 'object':
      return value === null ? 'null' : container(value, open);
    default:
      return undefined;
  }
}

function container(value: object, open: object[]): string | undefined {
  if (open.includes(value)) throw new RangeError('cannot canonicalize: circular reference');
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') {
    open.push(value);
    const text = serialize((toJson as () => unknown).call(value), open);
    open.pop();
    return text;
  }
  open.push(value);
  let text: string;
  if (Array.isArray(value)) {
    text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += serialize(value[i], open) ?? 'null';
    }
    text += ']';
  } else {
    text = '{';
    let first = true;
    // Array.prototype.sort without a comparator orders by UTF-16 code units (RFC 8785 section 3.2.3).
    for (const key of Object.keys(value).sort()) {
      const member = serialize((value as Record<string, unknown>)[key], open);
      if (member === undefined) continue;
      text += `${first ? '' : ','}${stringLiteral(key)}:${member}`;
      first = false;
    }
    text += '}';
  }
  open.pop();
  return text;
}
