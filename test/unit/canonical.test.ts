import reference from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalize } from '../../src/model/canonical.js';
import { mergeCdmAnnounce } from '../../src/model/merge.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import { sampleCdm } from '../helpers/fixtures.js';

/** A double from its IEEE 754 bit pattern, as RFC 8785 Appendix B lists them. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonical JSON (RFC 8785)', () => {
  it('serialises the example of RFC 8785 section 3.2.2', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 section 3.2.3)', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",' +
        '"\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    ) as unknown;
    const text = canonicalize(input);
    const positions = ['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh'].map((v) => text.indexOf(v));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions.every((p) => p > 0)).toBe(true);
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the number with bits %s as %s (RFC 8785 Appendix B)', (bits, expected) => {
    expect(canonicalize(fromBits(bits))).toBe(expected);
  });

  it.each([['7fffffffffffffff'], ['7ff0000000000000'], ['fff0000000000000']])('refuses NaN and Infinity (bits %s)', (bits) => {
    expect(() => canonicalize({ x: fromBits(bits) })).toThrow(RangeError);
  });

  it('refuses a string with a lone surrogate', () => {
    expect(() => canonicalize({ s: '\ud800' })).toThrow(RangeError);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'])('keeps a member named %s', (name) => {
    const a = JSON.parse(`{"a": 1, "${name}": {"x": 1}}`) as unknown;
    const b = JSON.parse(`{"a": 1, "${name}": {"x": 2}}`) as unknown;
    expect(canonicalize(a)).toBe(`{${[['a', '1'], [name, '{"x":1}']].sort(([k1], [k2]) => (k1! < k2! ? -1 : 1)).map(([k, v]) => `"${k}":${v}`).join(',')}}`);
    expect(canonicalize(a)).not.toBe(canonicalize(b));
  });

  it('writes every JSON value as the reference implementation (the canonicalize package) does', () => {
    // Any string (lone surrogates included), doubles of every kind, nested objects and arrays.
    const value = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });
    fc.assert(
      fc.property(value, (v) => {
        let expected: string | undefined;
        try {
          expected = reference(v);
        } catch {
          expected = undefined;
        }
        if (expected === undefined) expect(() => canonicalize(v)).toThrow(RangeError);
        else expect(canonicalize(v)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a string holding a backslash and "ud" as it is, and refuses a lone low surrogate', () => {
    expect(canonicalize({ s: '\\ud800' })).toBe('{"s":"\\\\ud800"}');
    expect(() => canonicalize(['a\udc00b'])).toThrow(RangeError);
    expect(canonicalize('\ud83d\ude00')).toBe('"\ud83d\ude00"');
  });

  it('refuses a circular reference and a BigInt, and leaves out undefined members as JSON.stringify does', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(() => canonicalize(loop)).toThrow(RangeError);
    expect(() => canonicalize({ n: 1n })).toThrow(RangeError);
    expect(canonicalize({ b: undefined, a: [undefined, 1] })).toBe('{"a":[null,1]}');
    expect(canonicalize({ d: new Date(0) })).toBe('{"d":"1970-01-01T00:00:00.000Z"}');
  });

  it('keeps the old export name for callers', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: null }] })).toBe('{"a":[2,{"c":null,"d":1}],"b":1}');
  });

  it('lets the merge tie-break tell apart CDMs that differ only under a __proto__ member', () => {
    const creation = '2026-01-01T00:00:00.000Z';
    const withExtra = (x: number) => {
      const cdm = JSON.parse(JSON.stringify(sampleCdm({ cdm_id: 'P1', creation_date: creation }))) as Record<string, unknown>;
      Object.defineProperty(cdm, '__proto__', { value: { x }, enumerable: true, configurable: true, writable: true });
      const envelope = { protocol_version: '1.0', message_id: `m-${x}`, timestamp: creation, source_node_id: 'o', message_type: 'CDM_ANNOUNCE', hop_count: 0, ttl: 10, payload: { cdm } };
      return envelope as unknown as Envelope<'CDM_ANNOUNCE'>;
    };
    const meta = { received_from: 'peer', received_at: creation };
    const held = mergeCdmAnnounce(undefined, withExtra(1), meta).record;
    // Same creation_date, different content: one wins by canonical order, never "unchanged".
    expect(mergeCdmAnnounce(held, withExtra(2), meta).outcome).not.toBe('unchanged');
    expect(mergeCdmAnnounce(held, withExtra(1), meta).outcome).toBe('unchanged');
  });
});
