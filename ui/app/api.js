// The dashboard's access to the node's REST API. The operator's token lives in this tab's
// sessionStorage only and travels as an `Authorization: Bearer` header: never in a URL,
// never in a cookie.

const TOKEN_KEY = 'spacecomms.token';

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function storeToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Headers for an API call: the bearer token when one is stored. */
export function authHeaders(extra = {}) {
  const token = storedToken();
  return token ? { ...extra, authorization: `Bearer ${token}` } : { ...extra };
}

/** An API answer that is not 2xx: the node's error shape `{error, message, field}`. */
export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ?? 'http_error';
    this.field = body?.field;
  }
}

async function failure(response) {
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return new ApiFailure(response.status, body);
}

/** Calls the API (paths relative to the node's root, e.g. `/events`); resolves the parsed JSON. */
export async function api(path, { method = 'GET', body, token } = {}) {
  const headers = token !== undefined ? (token ? { authorization: `Bearer ${token}` } : {}) : authHeaders();
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** `GET /auth/whoami`: `{token_id, permissions, auth_enabled}`; with `token` given, checks that one instead of the stored one. */
export function whoami(token) {
  return api('/auth/whoami', token === undefined ? {} : { token });
}

/** Whether the permissions allow changes (withdraw a CDM, announce a maneuver status). */
export function canWrite(identity) {
  const p = identity?.permissions ?? [];
  return p.includes('write') || p.includes('admin');
}

const PAGE = 1000;
const OVERLAP = 100;

/** Every active event, page by page (the API gives at most 1 000 per call). */
export async function allActiveEvents() {
  const byId = new Map();
  for (let offset = 0; ; ) {
    const page = await api(`/events?status=active&sort=-pc&limit=${PAGE}&offset=${offset}`);
    for (const e of page.events) byId.set(e.event_id, e);
    if (page.events.length < PAGE || offset + page.events.length >= page.total) return [...byId.values()];
    // Rows shift when events come or go above a page's end between two requests: each page
    // starts OVERLAP rows before the previous one ended, so that a shift of fewer rows loses
    // none (events that changed meanwhile come again from the stream, replayed over the list).
    offset += page.events.length - OVERLAP;
  }
}

/**
 * Downloads a CDM as CCSDS text (`kvn` or `xml`): fetched with the bearer header, then saved
 * from a Blob, so that the token never appears in a URL.
 */
export async function downloadCdm(cdmId, format) {
  const response = await fetch(`/cdms/${encodeURIComponent(cdmId)}?format=${format}`, { headers: authHeaders(), cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${cdmId.replace(/[^\w.-]+/g, '_')}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Prometheus text (`GET /metrics`) to `{name: value}`, summing every label set of a name
 * (the exposition format: one `name{labels} value` per line, `#` comments).
 */
export function parseMetrics(text) {
  const values = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[2]);
    if (Number.isFinite(value)) values[match[1]] = (values[match[1]] ?? 0) + value;
  }
  return values;
}

export async function metrics() {
  const response = await fetch('/metrics', { headers: authHeaders(), cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  return parseMetrics(await response.text());
}
