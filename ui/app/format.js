// How values are shown. A risk level always has a text label and a symbol besides its
// colour, so that colour is never the only signal.

const LEVELS = {
  red: { symbol: '▲', label: 'RED', css: 'level-red' },
  yellow: { symbol: '◆', label: 'YELLOW', css: 'level-yellow' },
  green: { symbol: '●', label: 'green', css: 'level-green' },
  unknown: { symbol: '?', label: 'no Pc', css: 'level-unknown' },
};

/** `{symbol, label, css}` of a level; a configured level of another name gets its name and a neutral style. */
export function levelStyle(level) {
  return LEVELS[level] ?? { symbol: '■', label: String(level ?? '—').toUpperCase(), css: 'level-other' };
}

/** A probability in scientific notation with 2 significant digits (`3.1e-4`), `—` when absent. */
export function formatPc(pc) {
  if (pc === null || pc === undefined) return '—';
  if (pc === 0) return '0';
  return pc.toExponential(1);
}

/** A distance in metres: `850 m`, `12.3 km`. */
export function formatDistance(m) {
  if (m === null || m === undefined) return '—';
  return m >= 10_000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`;
}

/** Time from `now` (ms) to an ISO time: `T−2d 03:12:40` before it, `T+00:05:00` after. */
export function countdown(iso, now) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '—';
  const diff = Math.round((t - now) / 1000);
  const sign = diff >= 0 ? '−' : '+';
  let s = Math.abs(diff);
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return `T${sign}${days > 0 ? `${days}d ` : ''}${hms}`;
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS` UTC. */
export function formatTime(iso) {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')}Z` : iso;
}

/** An object's name and id: `ISS (25544)`, or the id alone. */
export function objectLabel(name, id) {
  return name && name !== id ? `${name} (${id})` : id;
}

/** The order of the events list: highest Pc first (so highest level first), then nearest TCA. */
export function byRisk(a, b) {
  const pa = a.pc ?? -1;
  const pb = b.pc ?? -1;
  if (pa !== pb) return pb - pa;
  return Date.parse(a.tca) - Date.parse(b.tca);
}

/** TCA (ms since the epoch) of each event object: a changed event is a new object, so it is read again. */
const tcaMs = new WeakMap();

function tcaOf(e) {
  let t = tcaMs.get(e);
  if (t === undefined) {
    t = Date.parse(e.tca);
    tcaMs.set(e, t);
  }
  return t;
}

/**
 * The events in `byRisk` order, each event's TCA parsed once (not once per comparison, nor
 * again on the next live batch): a new array. Array.prototype.sort is stable.
 */
export function sortByRisk(events) {
  const keyed = events.map((e) => ({ e, pc: e.pc ?? -1, tca: tcaOf(e) }));
  keyed.sort((a, b) => (a.pc !== b.pc ? b.pc - a.pc : a.tca - b.tca));
  return keyed.map((k) => k.e);
}
