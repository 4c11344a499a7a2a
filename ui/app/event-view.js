// One conjunction event: its CDM timeline (plot and table), each CDM's detail with CCSDS
// downloads, related maneuvers; write actions only for a token with `write`.
import { h, useCallback, useEffect, useState, htm } from './lib.js';
import { api, downloadCdm } from './api.js';
import { LevelBadge, useNow } from './events-view.js';
import { countdown, formatDistance, formatPc, formatTime, objectLabel } from './format.js';
import { TimelinePlot } from './plot.js';

const html = htm.bind(h);
const WITHDRAW_REASONS = ['SUPERSEDED', 'FALSE_POSITIVE', 'ERROR', 'TCA_PASSED'];
/** The statuses a maneuver may move to from each (PROTOCOL.md: status only moves forward). */
const NEXT_STATUS = { PLANNED: ['IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'FAILED'], IN_PROGRESS: ['COMPLETED', 'CANCELLED', 'FAILED'] };

function Downloads({ cdmId, onError }) {
  const get = (format) => downloadCdm(cdmId, format).catch((err) => onError(`Download failed: ${err.message}`));
  return html`<span class="downloads">
    <button type="button" onClick=${() => get('kvn')} aria-label=${`Download CDM ${cdmId} as KVN`}>⤓ KVN</button>
    <button type="button" onClick=${() => get('xml')} aria-label=${`Download CDM ${cdmId} as XML`}>⤓ XML</button>
  </span>`;
}

function Withdraw({ cdmId, onDone }) {
  const [reason, setReason] = useState(WITHDRAW_REASONS[0]);
  const [message, setMessage] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    if (!confirm(`Withdraw CDM ${cdmId} (${reason})? Every peer is told.`)) return;
    try {
      await api(`/cdms/${encodeURIComponent(cdmId)}`, { method: 'DELETE', body: { reason } });
      setMessage('Withdrawn.');
      onDone();
    } catch (err) {
      setMessage(`Not withdrawn: ${err.message}`);
    }
  };
  return html`<form class="action" onSubmit=${submit}>
    <label for=${`withdraw-${cdmId}`}>Withdraw, reason</label>
    <select id=${`withdraw-${cdmId}`} value=${reason} onChange=${(e) => setReason(e.currentTarget.value)}>${WITHDRAW_REASONS.map((r) => html`<option>${r}</option>`)}</select>
    <button type="submit" class="danger">Withdraw CDM</button>
    ${message && html`<span role="status">${message}</span>`}
  </form>`;
}

function CdmDetail({ cdmId, writable, onChanged }) {
  const [cdm, setCdm] = useState(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    setCdm(undefined);
    api(`/cdms/${encodeURIComponent(cdmId)}`).then(setCdm, (err) => setError(err.message));
  }, [cdmId]);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!cdm) return html`<p role="status">Loading CDM ${cdmId}…</p>`;
  const pc = cdm.computed_pc;
  return html`<section class="cdm-detail" aria-labelledby="cdm-title" data-cdm-id=${cdmId}>
    <h3 id="cdm-title">CDM ${cdmId}</h3>
    <dl>
      <dt>Status</dt><dd>${cdm.status}</dd>
      <dt>Originator</dt><dd>${cdm.originator ?? '—'} (from ${cdm.source_node ?? '—'}, received from ${cdm.received_from ?? '—'} at ${formatTime(cdm.received_at)})</dd>
      <dt>Created</dt><dd>${formatTime(cdm.creation_date)}</dd>
      <dt>TCA</dt><dd>${formatTime(cdm.tca)}</dd>
      <dt>Miss distance</dt><dd>${formatDistance(cdm.miss_distance_m)}</dd>
      <dt>Pc given</dt><dd>${formatPc(cdm.collision_probability)}</dd>
      <dt>Pc computed</dt><dd>${pc ? `${formatPc(pc.value)} (${pc.method}, HBR ${pc.hbr_m} m from ${pc.hbr_source})` : (cdm.computed_pc_error ?? '—')}${cdm.pc_disagreement ? ' ⚠ given and computed Pc disagree' : ''}</dd>
      <dt>Signature</dt><dd>${cdm.signature ? `${cdm.signature.key_id} — ${cdm.signature.verified ? 'verified' : 'not verified'}` : 'none'}</dd>
    </dl>
    <${Downloads} cdmId=${cdmId} onError=${setError} />
    ${writable && cdm.status === 'active' && html`<${Withdraw} cdmId=${cdmId} onDone=${onChanged} />`}
    <details><summary>Full CDM (JSON)</summary><pre>${JSON.stringify(cdm, null, 2)}</pre></details>
  </section>`;
}

function ManeuverStatus({ maneuver, onDone }) {
  const options = NEXT_STATUS[maneuver.status] ?? [];
  const [status, setStatus] = useState(options[0]);
  const [message, setMessage] = useState('');
  if (options.length === 0) return null;
  const submit = async (e) => {
    e.preventDefault();
    try {
      await api(`/maneuvers/${encodeURIComponent(maneuver.maneuver_id)}`, { method: 'PATCH', body: { status } });
      onDone();
    } catch (err) {
      setMessage(`Not announced: ${err.message}`);
    }
  };
  const id = `status-${maneuver.maneuver_id}`;
  return html`<form class="action" onSubmit=${submit}>
    <label for=${id}>New status</label>
    <select id=${id} value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>${options.map((s) => html`<option>${s}</option>`)}</select>
    <button type="submit">Announce status</button>
    ${message && html`<span role="alert">${message}</span>`}
  </form>`;
}

function Maneuvers({ maneuvers, writable, onChanged }) {
  if (maneuvers.length === 0) return html`<p class="empty">No maneuvers announced for these objects.</p>`;
  return html`<table class="maneuvers">
    <thead><tr><th scope="col">Maneuver</th><th scope="col">Object</th><th scope="col">Status</th><th scope="col">Planned start</th><th scope="col" class="num">Duration</th><th scope="col">From</th>${writable && html`<th scope="col">Action</th>`}</tr></thead>
    <tbody>${maneuvers.map(
      (m) => html`<tr key=${m.maneuver_id}>
        <td>${m.maneuver_id}</td><td>${m.object_id}</td><td>${m.status}</td><td>${formatTime(m.planned_start)}</td>
        <td class="num">${m.planned_duration_s ?? '—'} s</td><td>${m.source_node}</td>
        ${writable && html`<td><${ManeuverStatus} maneuver=${m} onDone=${onChanged} /></td>`}
      </tr>`,
    )}</tbody>
  </table>`;
}

function Timeline({ cdms, selected, onSelect }) {
  return html`<table class="timeline">
    <caption class="sr-only">CDMs of the event by creation time</caption>
    <thead><tr><th scope="col">CDM</th><th scope="col">Created (UTC)</th><th scope="col">TCA (UTC)</th><th scope="col" class="num">Miss distance</th><th scope="col" class="num">Pc given</th><th scope="col" class="num">Pc computed</th><th scope="col">Originator</th><th scope="col">Status</th></tr></thead>
    <tbody>${cdms.map(
      (c) => html`<tr key=${c.cdm_id} class=${c.cdm_id === selected ? 'selected' : ''}>
        <td><button type="button" class="link" aria-pressed=${c.cdm_id === selected} onClick=${() => onSelect(c.cdm_id)}>${c.cdm_id}</button></td>
        <td>${formatTime(c.creation_date)}</td><td>${formatTime(c.tca)}</td><td class="num">${formatDistance(c.miss_distance_m)}</td>
        <td class="num">${formatPc(c.collision_probability)}</td><td class="num">${formatPc(c.computed_pc)}</td><td>${c.originator ?? '—'}</td><td>${c.status}</td>
      </tr>`,
    )}</tbody>
  </table>`;
}

export function EventPage({ id, live, writable }) {
  const [event, setEvent] = useState(undefined);
  const [error, setError] = useState('');
  const [selected, setSelected] = useState(undefined);
  const now = useNow();
  const load = useCallback(() => api(`/events/${encodeURIComponent(id)}`).then(setEvent, (err) => setError(err.message)), [id]);
  useEffect(() => {
    void load();
    // Reloaded when a change names this event or a maneuver changes, at most every half second.
    let timer;
    const unsubscribe = live.subscribe(({ kinds, eventIds }) => {
      if (!eventIds.has(id) && !kinds.has('maneuver')) return;
      timer ??= setTimeout(() => {
        timer = undefined;
        void load();
      }, 500);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [id, live, load]);
  if (error) return html`<p class="error" role="alert">Event ${id}: ${error}</p><p><a href="#/events">Back to the events</a></p>`;
  if (!event) return html`<p role="status">Loading event ${id}…</p>`;
  const owners = event.owners ?? live.events.get(id)?.owners ?? [];
  return html`<article class="event-page" aria-labelledby="event-title">
    <p><a href="#/events">← All events</a></p>
    <h1 id="event-title">${objectLabel(event.object1_name, event.object1_id)} × ${objectLabel(event.object2_name, event.object2_id)}</h1>
    <dl class="summary">
      <dt>Level</dt><dd><${LevelBadge} level=${event.level} /> (${event.status})</dd>
      <dt>Pc</dt><dd>${formatPc(event.pc)} (given ${formatPc(event.collision_probability)}, computed ${formatPc(event.computed_pc)})</dd>
      <dt>Miss distance</dt><dd>${formatDistance(event.miss_distance_m)}</dd>
      <dt>TCA</dt><dd>${formatTime(event.tca)} <span class="countdown">${countdown(event.tca, now)}</span></dd>
      <dt>Owners</dt><dd>${owners.join(', ') || '—'}</dd>
      <dt>Event id</dt><dd><code>${event.event_id}</code></dd>
    </dl>
    <h2>CDM timeline</h2>
    <${TimelinePlot} cdms=${event.cdms} />
    <${Timeline} cdms=${event.cdms} selected=${selected} onSelect=${setSelected} />
    ${selected && html`<${CdmDetail} key=${selected} cdmId=${selected} writable=${writable} onChanged=${load} />`}
    <h2>Related maneuvers</h2>
    <${Maneuvers} maneuvers=${event.maneuvers} writable=${writable} onChanged=${load} />
  </article>`;
}
