/**
 * Orders two ISO 8601 UTC timestamps exactly, fractions of any length included
 * (CCSDS times may carry more digits than milliseconds).
 */
export function compareTimestamps(a: string, b: string): number {
  const ka = timestampKey(a);
  const kb = timestampKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A sortable key: `YYYY-MM-DDTHH:MM:SS.fffffffff` (nine fraction digits, zone dropped, all UTC). */
export function timestampKey(ts: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(ts);
  if (!match) return ts;
  const fraction = (match[2] ?? '').padEnd(9, '0').slice(0, 9);
  return `${match[1]}.${fraction}`;
}
