// Active conjunction events sorted by risk, filterable by object and owner, updated live.
import { Component, h, useEffect, useMemo, useRef, useState, htm } from './lib.js';
import { countdown, formatDistance, formatPc, formatTime, levelStyle, objectLabel, sortByRisk } from './format.js';
import { useRowWindow } from './row-window.js';

const html = htm.bind(h);

/** Re-renders the caller after every batch of live changes; returns the batch count. */
export function useLive(live) {
  const [version, setVersion] = useState(live.version);
  useEffect(() => {
    const unsubscribe = live.subscribe(() => setVersion(live.version));
    // A batch (or the list) may have come between the first render and this effect.
    setVersion(live.version);
    return unsubscribe;
  }, [live]);
  return version;
}

/** The current time, ticking every second (for TCA countdowns). */
export function useNow() {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function LevelBadge({ level }) {
  const style = levelStyle(level);
  return html`<span class=${`level ${style.css}`} data-level=${level}><span aria-hidden="true">${style.symbol}</span> ${style.label}</span>`;
}

function matchesObject(e, text) {
  if (!text) return true;
  const needle = text.toLowerCase();
  return [e.object1_id, e.object2_id, e.object1_name, e.object2_name].some((v) => typeof v === 'string' && v.toLowerCase().includes(needle));
}

/**
 * One row; rendered again only when its event or its place changed (a batch of live changes
 * re-renders the rows it touched, not the list). Its countdown is kept by `tickCountdowns`.
 */
class EventRow extends Component {
  shouldComponentUpdate(next) {
    return next.e !== this.props.e || next.index !== this.props.index;
  }

  render({ e, index }) {
    const href = `#/events/${encodeURIComponent(e.event_id)}`;
    const objects = `${objectLabel(e.object1_name, e.object1_id)} / ${objectLabel(e.object2_name, e.object2_id)}`;
    const owners = (e.owners ?? []).join(', ') || '—';
    // aria-rowindex: the header row is row 1, so event `index` (from 0) is row index + 2.
    return html`<tr data-event-id=${e.event_id} data-index=${index} aria-rowindex=${index + 2}>
      <td><${LevelBadge} level=${e.level} /></td>
      <td title=${objects}><a href=${href}>${objectLabel(e.object1_name, e.object1_id)}</a><br />${objectLabel(e.object2_name, e.object2_id)}</td>
      <td title=${owners}>${owners}</td>
      <td class="num">${formatPc(e.pc)}</td>
      <td class="num">${formatPc(e.collision_probability)}</td>
      <td class="num">${formatPc(e.computed_pc)}</td>
      <td class="num">${formatDistance(e.miss_distance_m)}</td>
      <td>${formatTime(e.tca)}</td>
      <td class="num countdown" data-tca=${e.tca}>${countdown(e.tca, Date.now())}</td>
      <td class="num">${e.cdm_count}</td>
    </tr>`;
  }
}

/** Every second, the countdown cells under `root` (the rows in the page) are rewritten in place: one text update each, no render. */
function useCountdownTicker(root) {
  useEffect(() => {
    const timer = setInterval(() => {
      const now = Date.now();
      for (const cell of root.current?.querySelectorAll('[data-tca]') ?? []) {
        const text = countdown(cell.dataset.tca, now);
        if (cell.textContent !== text) cell.textContent = text;
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [root]);
}

/** A row standing for `rows` rows that are not in the page (see row-window.js). */
function Spacer({ rows, rowPx }) {
  if (rows <= 0) return null;
  return html`<tr class="spacer" aria-hidden="true"><td colspan="10" style=${{ height: `${rows * rowPx}px` }}></td></tr>`;
}

const COLUMNS = ['level', 'objects', 'owners', 'pc', 'pc', 'pc', 'miss', 'tca', 'countdown', 'cdms'];

export function EventsView({ live }) {
  const version = useLive(live);
  const body = useRef(null);
  useCountdownTicker(body);
  const [objectFilter, setObjectFilter] = useState('');
  const [ownerFilter, setOwnerFilter] = useState('');
  const all = useMemo(() => sortByRisk([...live.events.values()]), [version]);
  const owners = useMemo(() => [...new Set(all.flatMap((e) => e.owners ?? []))].sort(), [all]);
  const shown = useMemo(
    () => all.filter((e) => matchesObject(e, objectFilter) && (!ownerFilter || (e.owners ?? []).includes(ownerFilter))),
    [all, objectFilter, ownerFilter],
  );
  // The count is announced when a filter changes, not at every live batch: a count that
  // changes ten times a second would keep a screen reader talking.
  const [announced, setAnnounced] = useState('');
  const filtered = useRef(false);
  useEffect(() => {
    if (!filtered.current && !objectFilter && !ownerFilter) return;
    filtered.current = true;
    setAnnounced(`${shown.length} of ${all.length} active events`);
  }, [objectFilter, ownerFilter]);
  // Only the rows in and near the viewport are in the page; the others come as it scrolls.
  const { start, end, rowPx } = useRowWindow(body, shown.length);
  useEffect(() => {
    // A mark for the bench (performance.getEntriesByName in the page): the first screen of rows.
    if (all.length > 0 && performance.getEntriesByName('spacecomms-events-rendered').length === 0) performance.mark('spacecomms-events-rendered');
  }, [all]);
  return html`<section aria-labelledby="events-title">
    <h1 id="events-title">Active conjunction events</h1>
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <label for="object-filter">Object</label>
      <input id="object-filter" type="search" placeholder="name or designator" value=${objectFilter} onInput=${(e) => setObjectFilter(e.currentTarget.value)} />
      <label for="owner-filter">Owner</label>
      <select id="owner-filter" value=${ownerFilter} onChange=${(e) => setOwnerFilter(e.currentTarget.value)}>
        <option value="">all owners</option>
        ${owners.map((o) => html`<option value=${o}>${o}</option>`)}
      </select>
      <span class="count" data-count=${shown.length} data-total=${all.length}>${shown.length} of ${all.length} active events</span>
      <span class="sr-only" role="status" aria-live="polite">${announced}</span>
    </form>
    <table class="events" aria-rowcount=${shown.length + 1} data-listed=${shown.length} data-window=${`${start}-${end}`}>
      <caption class="sr-only">Active events, highest collision probability first; scroll for more rows</caption>
      <colgroup>${COLUMNS.map((c) => html`<col class=${`col-${c}`} />`)}</colgroup>
      <thead><tr aria-rowindex="1">
        <th scope="col">Level</th><th scope="col">Objects</th><th scope="col">Owners</th>
        <th scope="col" class="num">Pc</th><th scope="col" class="num">Pc given</th><th scope="col" class="num">Pc computed</th>
        <th scope="col" class="num">Miss distance</th><th scope="col">TCA (UTC)</th><th scope="col" class="num">TCA in</th><th scope="col" class="num">CDMs</th>
      </tr></thead>
      <tbody ref=${body}>
        <${Spacer} rows=${start} rowPx=${rowPx} />
        ${shown.slice(start, end).map((e, i) => html`<${EventRow} key=${e.event_id} e=${e} index=${start + i} />`)}
        <${Spacer} rows=${shown.length - end} rowPx=${rowPx} />
      </tbody>
    </table>
    ${all.length === 0 && html`<p class="empty">No active conjunction events.</p>`}
  </section>`;
}
