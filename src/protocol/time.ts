/**
 * The one reading of a UTC time used everywhere: JSON validation (envelope and CDM fields),
 * the CCSDS readers, ordering (merge, list sort, store keys) and TCA expiry.
 */

/**
 * Days that ended with a positive leap second (23:59:60), from IERS Bulletin C
 * (https://hpiers.obspm.fr/iers/bul/bulc/Leap_Second.dat, list as of Bulletin C 70, July 2025:
 * no leap second at the end of December 2025). Add a day here when a Bulletin C announces one.
 */
export const LEAP_SECOND_DAYS: ReadonlySet<string> = new Set([
  '1972-06-30', '1972-12-31', '1973-12-31', '1974-12-31', '1975-12-31', '1976-12-31',
  '1977-12-31', '1978-12-31', '1979-12-31', '1981-06-30', '1982-06-30', '1983-06-30',
  '1985-06-30', '1987-12-31', '1989-12-31', '1990-12-31', '1992-06-30', '1993-06-30',
  '1994-06-30', '1995-12-31', '1997-06-30', '1998-12-31', '2005-12-31', '2008-12-31',
  '2012-06-30', '2015-06-30', '2016-12-31',
]);

/** A validated UTC time. */
export interface UtcTime {
  /** Calendar date `YYYY-MM-DD` (day-of-year input converted). */
  date: string;
  /** `hh:mm:ss` as written (second 60 only on a leap-second day). */
  clock: string;
  /** Fraction digits as written, without the dot ('' when none); any number of digits. */
  fraction: string;
  /** Whether the text carried a zone designator (`Z`, `+00:00`, `-0000`, …). */
  zoned: boolean;
  /** Whether the text used the day-of-year form `YYYY-DDD`. */
  dayOfYear: boolean;
  /**
   * Sortable key `YYYY-MM-DDThh:mm:ss.fffffffff` (nine fraction digits, truncated): plain text
   * comparison orders times to the nanosecond, a leap second after 23:59:59 of its day.
   */
  key: string;
  /**
   * Milliseconds since 1970 (POSIX, truncated to the millisecond). A leap second 23:59:60.f
   * counts as the last millisecond of its day, so that it is never later than the next day.
   */
  epochMs: number;
}

const CALENDAR = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]00:?00)?$/;
const DAY_OF_YEAR = /^(\d{4})-(\d{3})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]00:?00)?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Month and day of a day of the year (1-based); undefined when the year has no such day. */
function monthDay(year: number, dayOfYear: number): [number, number] | undefined {
  let rest = dayOfYear;
  for (let month = 1; month <= 12; month++) {
    const days = daysInMonth(year, month);
    if (rest >= 1 && rest <= days) return [month, rest];
    rest -= days;
  }
  return undefined;
}

function epochMillis(year: number, month: number, day: number, clock: [number, number, number], fraction: string): number {
  const [hour, minute, second] = clock;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const base = new Date(0);
  base.setUTCFullYear(year, month - 1, day);
  base.setUTCHours(hour, minute, Math.min(second, 59), second === 60 ? 999 : millis);
  return base.getTime();
}

/**
 * Reads a UTC time: calendar `YYYY-MM-DDThh:mm:ss[.f…][Z]` or day-of-year
 * `YYYY-DDDThh:mm:ss[.f…][Z]` (CCSDS 301.0 ASCII time codes A and B; ISO 8601), any number
 * of fraction digits, a zero zone offset allowed. `23:59:60` is accepted only on a day of
 * `LEAP_SECOND_DAYS`. Returns undefined for anything else, never throws.
 */
export function parseUtcTime(text: string): Readonly<UtcTime> | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.length > RECENT_TIME_LENGTH) return readUtcTime(text);
  const known = recentlyRead.get(text);
  if (known !== undefined) return known ?? undefined;
  const time = readUtcTime(text);
  if (recentlyRead.size >= RECENT_TIMES) recentlyRead.clear();
  recentlyRead.set(text, time ? Object.freeze(time) : null);
  return time;
}

/**
 * The times read lately, by their text (null: not a time). One CDM's times are read again
 * and again on its way in (validation, the store's sort keys, the event rules, the change
 * log, expiry), so the reading is kept; results are frozen because they are shared. At
 * most RECENT_TIMES texts of at most RECENT_TIME_LENGTH characters are kept (about 100 KB).
 */
const recentlyRead = new Map<string, Readonly<UtcTime> | null>();
const RECENT_TIMES = 1024;
const RECENT_TIME_LENGTH = 40;

function readUtcTime(text: string): UtcTime | undefined {
  let year: number;
  let month: number;
  let day: number;
  let rest: (string | undefined)[];
  const calendar = CALENDAR.exec(text);
  const ordinal = calendar ? null : DAY_OF_YEAR.exec(text);
  if (calendar) {
    [year, month, day] = calendar.slice(1, 4).map(Number) as [number, number, number];
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    rest = calendar.slice(4);
  } else if (ordinal) {
    year = Number(ordinal[1]);
    const found = monthDay(year, Number(ordinal[2]));
    if (!found) return undefined;
    [month, day] = found;
    rest = ordinal.slice(3);
  } else {
    return undefined;
  }
  const [hourText = '', minuteText = '', secondText = '', fraction = '', zone] = rest;
  const clock = [Number(hourText), Number(minuteText), Number(secondText)] as [number, number, number];
  const [hour, minute, second] = clock;
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  if (second === 60 && !(hour === 23 && minute === 59 && LEAP_SECOND_DAYS.has(date))) return undefined;
  const clockText = `${hourText}:${minuteText}:${secondText}`;
  return {
    date,
    clock: clockText,
    fraction,
    zoned: zone !== undefined,
    dayOfYear: ordinal !== null,
    key: `${date}T${clockText}.${fraction.padEnd(9, '0').slice(0, 9)}`,
    epochMs: epochMillis(year, month, day, clock, fraction),
  };
}

/** Whether a JSON timestamp is valid: calendar form with a zone designator (PROTOCOL.md section 4). */
export function isUtcTimestamp(text: string): boolean {
  const time = parseUtcTime(text);
  return time !== undefined && time.zoned && !time.dayOfYear;
}

/** Milliseconds since 1970 of a timestamp, by `parseUtcTime`; NaN when it is not a valid time. */
export function utcMillis(text: string): number {
  return parseUtcTime(text)?.epochMs ?? Number.NaN;
}

const NANOS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400;
/** `LEAP_SECOND_DAYS` in order, and the instant (`utcNanos` seconds) of each day's 23:59:60. */
const LEAP_DAYS_SORTED = [...LEAP_SECOND_DAYS].sort();
const LEAP_SECOND_STARTS = LEAP_DAYS_SORTED.map((day, i) => (Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 1000 + SECONDS_PER_DAY + i));

/** Leap seconds inserted before the start of this day (`YYYY-MM-DD`). */
function leapSecondsBefore(date: string): number {
  let count = 0;
  while (count < LEAP_DAYS_SORTED.length && (LEAP_DAYS_SORTED[count] as string) < date) count++;
  return count;
}

/**
 * Nanoseconds since 1970-01-01T00:00:00Z on a scale that counts every elapsed SI second,
 * leap seconds included (POSIX seconds plus the leap seconds of `LEAP_SECOND_DAYS` inserted
 * since 1970): `23:59:60.5` is 0.5 s after `23:59:60` and 1.5 s before `00:00:01` of the next
 * day. Differences are true durations; fraction digits beyond the nanosecond are dropped.
 * Undefined when the text is not a valid time (`parseUtcTime`).
 */
export function utcNanos(text: string): bigint | undefined {
  const time = parseUtcTime(text);
  return time ? utcTimeNanos(time) : undefined;
}

/** `utcNanos` of the times read lately (`parseUtcTime` shares its results), by object. */
const nanosOf = new WeakMap<UtcTime, bigint>();

/** `utcNanos` of a time already read. */
export function utcTimeNanos(time: UtcTime): bigint {
  let nanos = nanosOf.get(time);
  if (nanos === undefined) nanosOf.set(time, (nanos = computeNanos(time)));
  return nanos;
}

function computeNanos(time: UtcTime): bigint {
  const [hour, minute, second] = time.clock.split(':').map(Number) as [number, number, number];
  const day = Date.UTC(Number(time.date.slice(0, 4)), Number(time.date.slice(5, 7)) - 1, Number(time.date.slice(8, 10))) / 1000;
  const seconds = day + hour * 3600 + minute * 60 + second + leapSecondsBefore(time.date);
  return BigInt(seconds) * NANOS_PER_SECOND + BigInt(time.fraction.padEnd(9, '0').slice(0, 9));
}

/**
 * The timestamp (calendar form, milliseconds, `Z`; later digits truncated) of an instant on
 * the `utcNanos` scale; an instant within a leap second is written `23:59:60.fff`.
 */
export function formatUtcNanos(nanos: bigint): string {
  const floor = nanos >= 0n ? nanos / NANOS_PER_SECOND : -((-nanos + NANOS_PER_SECOND - 1n) / NANOS_PER_SECOND);
  const millis = String((nanos - floor * NANOS_PER_SECOND) / 1_000_000n).padStart(3, '0');
  const seconds = Number(floor);
  let leapsBefore = 0;
  for (const start of LEAP_SECOND_STARTS) {
    if (start === seconds) return `${new Date((seconds - leapsBefore - 1) * 1000).toISOString().slice(0, 17)}60.${millis}Z`;
    if (start < seconds) leapsBefore++;
  }
  return `${new Date((seconds - leapsBefore) * 1000).toISOString().slice(0, 19)}.${millis}Z`;
}
