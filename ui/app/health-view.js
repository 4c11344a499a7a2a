// Node health (GET /health) and key metrics (GET /metrics), refreshed every 5 s.
import { h, useEffect, useState, htm } from './lib.js';
import { api, metrics } from './api.js';

const html = htm.bind(h);

const HEALTH = {
  healthy: { symbol: '●', css: 'health-ok' },
  degraded: { symbol: '⚠', css: 'health-warn' },
  unhealthy: { symbol: '✖', css: 'health-bad' },
};

/** The metrics shown, by Prometheus name (API.md, Metrics), summed over their labels. */
const KEY_METRICS = [
  ['spacecomms_peers_connected', 'Peers connected', (v) => v],
  ['spacecomms_message_queue_depth', 'Messages queued for peers', (v) => v],
  ['spacecomms_cdms_active', 'Active CDMs', (v) => v],
  ['spacecomms_objects_tracked', 'Objects tracked', (v) => v],
  ['spacecomms_messages_received_total', 'Messages received', (v) => v],
  ['spacecomms_messages_sent_total', 'Messages sent', (v) => v],
  ['spacecomms_errors_total', 'Errors answered', (v) => v],
  ['spacecomms_error_rate', 'Error rate (5 min)', (v) => `${(v * 100).toFixed(2)} %`],
  ['spacecomms_stream_clients_connected', 'Stream clients', (v) => v],
];

function uptime(seconds) {
  const d = Math.floor(seconds / 86400);
  const hms = new Date((seconds % 86400) * 1000).toISOString().slice(11, 19);
  return d > 0 ? `${d}d ${hms}` : hms;
}

export function HealthView() {
  const [health, setHealth] = useState(undefined);
  const [values, setValues] = useState(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    const load = () => {
      api('/health').then(setHealth, (err) => setError(`Health: ${err.message}`));
      metrics().then(setValues, (err) => setError(`Metrics: ${err.message}`));
    };
    load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, []);
  const style = HEALTH[health?.status] ?? { symbol: '?', css: 'health-warn' };
  const processing = values && values.spacecomms_cdm_processing_time_ms_count > 0 ? values.spacecomms_cdm_processing_time_ms_sum / values.spacecomms_cdm_processing_time_ms_count : undefined;
  return html`<section aria-labelledby="health-title">
    <h1 id="health-title">Node health</h1>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${health &&
    html`<dl class="summary health" data-health=${health.status}>
      <dt>Status</dt><dd class=${style.css}><span aria-hidden="true">${style.symbol}</span> ${health.status}${health.error ? ` — ${health.error}` : ''}</dd>
      <dt>Node</dt><dd>${health.node_id} (version ${health.version})</dd>
      <dt>Uptime</dt><dd>${uptime(health.uptime_seconds)}</dd>
      <dt>Peers</dt><dd>${health.peers.connected} of ${health.peers.total} connected${health.peers.delivery_failing ? `, ${health.peers.delivery_failing} failing delivery` : ''}</dd>
      <dt>Objects tracked</dt><dd>${health.objects_tracked}</dd>
      <dt>Active CDMs</dt><dd>${health.cdms_active}</dd>
    </dl>`}
    <h2>Key metrics</h2>
    ${values &&
    html`<table class="metrics">
      <thead><tr><th scope="col">Metric</th><th scope="col" class="num">Value</th><th scope="col">Prometheus name</th></tr></thead>
      <tbody>
        ${KEY_METRICS.filter(([name]) => values[name] !== undefined).map(([name, label, show]) => html`<tr><td>${label}</td><td class="num" data-metric=${name}>${show(values[name])}</td><td><code>${name}</code></td></tr>`)}
        <tr><td>Mean CDM processing time</td><td class="num">${processing === undefined ? '—' : `${processing.toFixed(2)} ms`}</td><td><code>spacecomms_cdm_processing_time_ms</code></td></tr>
      </tbody>
    </table>`}
  </section>`;
}
