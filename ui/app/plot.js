// The CDM timeline of an event: Pc (given and computed, log scale, left axis) and miss
// distance (metres, right axis) against each CDM's creation date, drawn with uPlot.
import { h, useEffect, useRef, htm } from './lib.js';
import { uPlot } from './uplot.js';

const html = htm.bind(h);

/** uPlot's columns: x = creation time (s since 1970), then given Pc, computed Pc, miss distance; nulls leave gaps. */
export function timelineData(cdms) {
  const rows = cdms
    .map((c) => ({ t: Date.parse(c.creation_date) / 1000, given: c.collision_probability, computed: c.computed_pc, miss: c.miss_distance_m }))
    .filter((r) => Number.isFinite(r.t))
    .sort((a, b) => a.t - b.t);
  // A log scale takes no zero or negative Pc.
  const positive = (v) => (typeof v === 'number' && v > 0 ? v : null);
  return [rows.map((r) => r.t), rows.map((r) => positive(r.given)), rows.map((r) => positive(r.computed)), rows.map((r) => r.miss ?? null)];
}

function options(width) {
  return {
    width,
    height: 280,
    scales: { x: { time: true }, pc: { distr: 3 }, m: {} },
    series: [
      { label: 'CDM created (UTC)' },
      { label: 'Pc given', scale: 'pc', stroke: '#b91c1c', width: 2, points: { show: true, size: 7 }, value: (_u, v) => (typeof v === 'number' ? v.toExponential(1) : '—') },
      { label: 'Pc computed', scale: 'pc', stroke: '#7c3aed', width: 2, dash: [6, 4], points: { show: true, size: 7 }, value: (_u, v) => (typeof v === 'number' ? v.toExponential(1) : '—') },
      { label: 'Miss distance (m)', scale: 'm', stroke: '#0369a1', width: 2, points: { show: true, size: 7 }, value: (_u, v) => (typeof v === 'number' ? `${Math.round(v)} m` : '—') },
    ],
    axes: [
      { label: 'CDM creation time (UTC)' },
      { scale: 'pc', label: 'Pc', values: (_u, ticks) => ticks.map((v) => (typeof v === 'number' ? v.toExponential(0) : '')), size: 60 },
      { scale: 'm', side: 1, label: 'Miss distance (m)', grid: { show: false }, size: 60 },
    ],
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
  };
}

/** The plot, redrawn when the timeline changes; the table beside it gives the same values as text. */
export function TimelinePlot({ cdms }) {
  const holder = useRef(null);
  useEffect(() => {
    const element = holder.current;
    if (!element) return undefined;
    const width = Math.max(320, Math.min(element.clientWidth || 900, 1100));
    const chart = new uPlot(options(width), timelineData(cdms), element);
    return () => chart.destroy();
  }, [cdms]);
  return html`<figure class="plot">
    <div ref=${holder} class="plot-area" role="img" aria-label=${`Pc and miss distance of ${cdms.length} CDMs against their creation time; the values are listed in the table below`}></div>
    <figcaption>Pc (given: solid red, computed: dashed violet; log scale) and miss distance (blue, right axis) of each CDM against its creation time.</figcaption>
  </figure>`;
}
