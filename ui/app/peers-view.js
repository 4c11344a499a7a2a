// Peers: session status, heartbeat latency, send queue, last error; a peer's session history.
import { h, useEffect, useState, htm } from './lib.js';
import { api } from './api.js';
import { formatTime } from './format.js';

const html = htm.bind(h);

const STATUS = {
  connected: { symbol: '●', css: 'peer-up' },
  established: { symbol: '●', css: 'peer-up' },
};

function PeerStatus({ peer }) {
  const failing = peer.delivery === 'failing';
  const style = failing ? { symbol: '⚠', css: 'peer-warn' } : (STATUS[peer.status] ?? { symbol: '○', css: 'peer-down' });
  return html`<span class=${`peer-status ${style.css}`} data-status=${peer.status}><span aria-hidden="true">${style.symbol}</span> ${peer.status}${failing ? ' (delivery failing)' : ''}</span>`;
}

function History({ peerId }) {
  const [history, setHistory] = useState(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    api(`/peers/${encodeURIComponent(peerId)}/history?limit=50`).then((h) => setHistory(h.events), (err) => setError(err.message));
  }, [peerId]);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!history) return html`<p role="status">Loading the history of ${peerId}…</p>`;
  return html`<section class="history" aria-labelledby="history-title">
    <h2 id="history-title">Session history of ${peerId}</h2>
    ${history.length === 0
      ? html`<p class="empty">No session events recorded.</p>`
      : html`<table><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Event</th><th scope="col">Reason</th><th scope="col">Version</th><th scope="col">Initiated by</th></tr></thead>
      <tbody>${history.map((e) => html`<tr><td>${formatTime(e.time)}</td><td>${e.event}</td><td>${e.reason ?? '—'}</td><td>${e.negotiated_version ?? '—'}</td><td>${e.initiated_by ?? '—'}</td></tr>`)}</tbody></table>`}
  </section>`;
}

export function PeersView({ live }) {
  const [peers, setPeers] = useState(undefined);
  const [error, setError] = useState('');
  const [selected, setSelected] = useState(undefined);
  useEffect(() => {
    const load = () => api('/peers').then((p) => setPeers(p.peers), (err) => setError(err.message));
    void load();
    // Peer changes come on the stream; latency and counters move without one, so also every 5 s.
    const unsubscribe = live.subscribe(({ kinds }) => kinds.has('peer') && load());
    const timer = setInterval(load, 5000);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }, [live]);
  if (error) return html`<p class="error" role="alert">Peers: ${error}</p>`;
  if (!peers) return html`<p role="status">Loading peers…</p>`;
  return html`<section aria-labelledby="peers-title">
    <h1 id="peers-title">Peers</h1>
    ${peers.length === 0 && html`<p class="empty">No peers configured.</p>`}
    <table class="peers">
      <thead><tr><th scope="col">Peer</th><th scope="col">Status</th><th scope="col" class="num">Latency</th><th scope="col" class="num">Queue</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Received</th><th scope="col">Version</th><th scope="col">Last heartbeat (UTC)</th><th scope="col">Last error</th></tr></thead>
      <tbody>${peers.map(
        (p) => html`<tr key=${p.peer_id} data-peer-id=${p.peer_id}>
          <td><button type="button" class="link" aria-pressed=${selected === p.peer_id} onClick=${() => setSelected(p.peer_id)}>${p.peer_id}</button><br /><small>${p.address}</small></td>
          <td><${PeerStatus} peer=${p} /></td>
          <td class="num">${p.heartbeat_latency_ms === null ? '—' : `${p.heartbeat_latency_ms} ms`}</td>
          <td class="num">${p.queue_depth ?? '—'}</td>
          <td class="num">${p.messages_sent}</td><td class="num">${p.messages_received}</td>
          <td>${p.negotiated_version ?? '—'}</td><td>${formatTime(p.last_heartbeat)}</td><td>${p.error ?? '—'}</td>
        </tr>`,
      )}</tbody>
    </table>
    ${selected && html`<${History} key=${selected} peerId=${selected} />`}
  </section>`;
}
