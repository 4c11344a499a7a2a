import { describe, expect, it } from 'vitest';
import { parseCdmKvn } from '../../src/ccsds/index.js';
import { compareTimestamps, timestampKey } from '../../src/model/time.js';
import { validateCdm, validateEnvelope } from '../../src/protocol/validate.js';
import { LEAP_SECOND_DAYS, formatUtcNanos, parseUtcTime, utcMillis, utcNanos } from '../../src/protocol/time.js';
import { TODAY_MS } from '../helpers/clock.js';
import { ccsdsCase, sampleCdm, sampleCdmEnvelope } from '../helpers/fixtures.js';

/** A year a few years ahead of the clock (no leap second in it), and the first year from it without 29 February. */
const YEAR = new Date(TODAY_MS).getUTCFullYear() + 3;
const NON_LEAP_YEAR = [YEAR, YEAR + 1, YEAR + 2, YEAR + 3].find((y) => y % 4 !== 0) as number;

describe('one UTC time reader', () => {
  it('reads calendar and day-of-year forms, any number of fraction digits', () => {
    expect(parseUtcTime(`${YEAR}-01-02T03:04:05Z`)?.key).toBe(`${YEAR}-01-02T03:04:05.000000000`);
    expect(parseUtcTime(`${YEAR}-01-02T03:04:05.0000000001`)?.key).toBe(`${YEAR}-01-02T03:04:05.000000000`);
    expect(parseUtcTime(`${YEAR}-01-02T03:04:05.123456789999`)?.fraction).toBe('123456789999');
    expect(parseUtcTime('2024-366T23:00:00')?.date).toBe('2024-12-31');
    expect(parseUtcTime('2023-366T23:00:00')).toBeUndefined();
    expect(parseUtcTime(`${NON_LEAP_YEAR}-02-29T00:00:00`)).toBeUndefined();
  });

  it('accepts 23:59:60 only at the end of a day of the IERS Bulletin C table', () => {
    for (const day of ['1972-06-30', '2016-12-31']) expect(LEAP_SECOND_DAYS.has(day)).toBe(true);
    expect(parseUtcTime('2016-12-31T23:59:60.500Z')).toBeDefined();
    expect(parseUtcTime('2016-366T23:59:60Z')).toBeDefined();
    expect(parseUtcTime('2015-06-30T23:59:60')).toBeDefined();
    expect(parseUtcTime('2017-12-31T23:59:60Z')).toBeUndefined();
    expect(parseUtcTime('2016-12-31T12:34:60Z')).toBeUndefined();
    expect(parseUtcTime('2016-12-31T23:58:60Z')).toBeUndefined();
  });

  it('orders a leap second after 23:59:59 of its day and before the next day, to the nanosecond', () => {
    const times = ['2017-01-01T00:00:00Z', '2016-12-31T23:59:60.5Z', '2016-12-31T23:59:59.999999999Z', '2016-12-31T23:59:60Z'];
    expect([...times].sort(compareTimestamps)).toEqual([times[2], times[3], times[1], times[0]]);
    expect(compareTimestamps(`${YEAR}-01-01T00:00:00.000000001Z`, `${YEAR}-01-01T00:00:00Z`)).toBe(1);
    expect(compareTimestamps(`${YEAR}-01-01T00:00:00.0000000001Z`, `${YEAR}-01-01T00:00:00Z`)).toBe(0);
    expect(timestampKey('2016-12-31T23:59:60.5Z')).toBe('2016-12-31T23:59:60.500000000');
    expect(utcMillis('2016-12-31T23:59:60.5Z')).toBeLessThan(utcMillis('2017-01-01T00:00:00Z'));
    expect(utcMillis('2016-12-31T23:59:60.5Z')).toBeGreaterThan(utcMillis('2016-12-31T23:59:59.998Z'));
  });

  it('measures elapsed time with leap seconds as real seconds, to the nanosecond, and writes it back', () => {
    const at = (text: string) => utcNanos(text) as bigint;
    expect(at('2016-12-31T23:59:60.5Z') - at('2016-12-31T23:59:60Z')).toBe(500_000_000n);
    expect(at('2017-01-01T00:00:01Z') - at('2016-12-31T23:59:60.5Z')).toBe(1_500_000_000n);
    expect(at('2017-01-01T00:00:00Z') - at('2016-12-31T23:59:59Z')).toBe(2_000_000_000n);
    expect(at(`${YEAR}-01-01T00:00:00.000000001Z`) - at(`${YEAR}-01-01T00:00:00Z`)).toBe(1n);
    expect(at('2016-366T23:59:60.25Z')).toBe(at('2016-12-31T23:59:60.250Z'));
    // 27 leap seconds between 1972 and 2017.
    expect(at('2017-01-01T00:00:00Z') / 1_000_000_000n - BigInt(Date.parse('2017-01-01T00:00:00Z') / 1000)).toBe(27n);
    expect(utcNanos(`${YEAR}-01-02T12:34:60Z`)).toBeUndefined();
    expect(formatUtcNanos(at('2016-12-31T23:59:60.5Z') + 3_600_000_000_000n)).toBe('2017-01-01T00:59:59.500Z');
    expect(formatUtcNanos(at('2016-12-31T23:59:59.5Z') + 1_000_000_000n)).toBe('2016-12-31T23:59:60.500Z');
    expect(formatUtcNanos(at('1972-06-30T23:59:60.1Z'))).toBe('1972-06-30T23:59:60.100Z');
    expect(formatUtcNanos(at(`${YEAR}-05-01T10:20:00.0009Z`))).toBe(`${YEAR}-05-01T10:20:00.000Z`);
    expect(formatUtcNanos(at('1969-12-31T23:59:59.25Z'))).toBe('1969-12-31T23:59:59.250Z');
  });

  it('JSON CDMs and envelopes use it: 12:34:60 is refused, a real leap second accepted', () => {
    expect(validateCdm(sampleCdm({ tca: `${YEAR}-01-02T12:34:60Z` }))).toMatchObject({ ok: false, issue: { field: 'tca' } });
    expect(validateCdm(sampleCdm({ tca: `${YEAR}-12-31T23:59:60Z` })).ok).toBe(false);
    expect(validateCdm(sampleCdm({ creation_date: '2016-12-31T23:59:60.25Z' })).ok).toBe(true);
    expect(validateCdm(sampleCdm({ tca: `${YEAR}-01-02T00:00:00.0000000001Z` })).ok).toBe(true);
    const envelope = { ...sampleCdmEnvelope(), timestamp: `${YEAR}-01-02T12:34:60Z` };
    expect(validateEnvelope(envelope)).toMatchObject({ ok: false, issue: { field: 'timestamp' } });
  });

  it('the CCSDS readers use it: the leap-second case reads, 12:34:60 does not', () => {
    const leap = ccsdsCase('09-tca-leap-second.kvn');
    expect(parseCdmKvn(leap).ok).toBe(true);
    const wrong = parseCdmKvn(leap.replace('2016-12-31T23:59:60.500', '2016-12-31T12:34:60.500'));
    expect(wrong.ok || wrong.error.message).toMatch(/^line \d+: TCA: .* is not a CCSDS UTC time/);
  });
});
