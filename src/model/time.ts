import { parseUtcTime } from '../protocol/time.js';

/**
 * Orders two UTC timestamps exactly, by `parseUtcTime` (fractions of any length to the
 * nanosecond, leap seconds after 23:59:59 of their day).
 */
export function compareTimestamps(a: string, b: string): number {
  const ka = timestampKey(a);
  const kb = timestampKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * A sortable key `YYYY-MM-DDTHH:MM:SS.fffffffff` (nine fraction digits, zone dropped, all UTC),
 * the `key` of `parseUtcTime`. Text that is not a valid time (never stored: validation refuses
 * it) keys as itself.
 */
export function timestampKey(ts: string): string {
  return parseUtcTime(ts)?.key ?? ts;
}
