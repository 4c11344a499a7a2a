/**
 * Test times built from the current clock, so that no test depends on today's date.
 *
 * Fixture files are written around a fixed day (`FIXTURE_DAY`); `rebaseTimes` moves every
 * ISO 8601 UTC time in them by whole days so that this day becomes yesterday. Time of day
 * and the exact fraction digits are kept, so ordering tests still see the same text.
 */

const DAY_MS = 86_400_000;

/** The day the JSON fixtures were written around. */
export const FIXTURE_DAY = '2026-11-27';

/** Midnight UTC of the day this test run started, in milliseconds since the epoch. */
export const TODAY_MS = Math.floor(Date.now() / DAY_MS) * DAY_MS;

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]00:00)?)$/;

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The date (YYYY-MM-DD) `offsetDays` whole days from today, UTC. */
export function dayFromToday(offsetDays: number): string {
  return new Date(TODAY_MS + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

/**
 * An ISO time on the day `offsetDays` from today, UTC, at `timeOfDay` (default midnight).
 * Example: `isoDay(2, '14:22:31.250')` is the day after tomorrow at 14:22:31.250Z.
 */
export function isoDay(offsetDays: number, timeOfDay = '00:00:00.000'): string {
  return `${dayFromToday(offsetDays)}T${timeOfDay}Z`;
}

/** An ISO time `ms` milliseconds from now (negative: in the past). */
export function isoFromNow(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/** Whole days from `FIXTURE_DAY` to yesterday. */
export const FIXTURE_SHIFT_DAYS = Math.round((TODAY_MS - DAY_MS - Date.parse(`${FIXTURE_DAY}T00:00:00Z`)) / DAY_MS);

/** Moves every ISO UTC time string inside `value` (deeply) by `days` whole days; keeps the rest of the text. */
export function rebaseTimes<T>(value: T, days = FIXTURE_SHIFT_DAYS): T {
  if (typeof value === 'string') {
    const m = ISO_TIME.exec(value);
    return (m ? `${shiftDate(m[1] ?? '', days)}${m[2] ?? ''}` : value) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => rebaseTimes(v, days)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebaseTimes(v, days)])) as T;
  }
  return value;
}

/**
 * Moves every `YYYY-MM-DD` date at the start of a time in a CCSDS text (KVN or XML) by `days`
 * days; with `after`, only the dates later than that day (the others are kept as written).
 */
export function rebaseText(text: string, days = FIXTURE_SHIFT_DAYS, after?: string): string {
  return text.replace(/\b(\d{4}-\d{2}-\d{2})(?=T\d{2}:)/g, (date) => (after === undefined || date > after ? shiftDate(date, days) : date));
}
