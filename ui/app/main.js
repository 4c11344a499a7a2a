// The operator dashboard: sign-in, navigation by the URL fragment, the live stream.
import { h, render, useEffect, useState, htm } from './lib.js';
import { ApiFailure, api, canWrite, storeToken, storedToken, whoami } from './api.js';
import { EventsView } from './events-view.js';
import { Feed } from './feed.js';
import { HealthView } from './health-view.js';
import { LiveState } from './live.js';
import { PeersView } from './peers-view.js';

const html = htm.bind(h);
const live = new LiveState();
const feed = new Feed(live);
// With a token in the tab (a reload, a new view), the stream and the list are asked for now,
// while the token is checked; a token the node refuses stops them (see App).
if (storedToken()) feed.start();
/** The first check of the token, asked for before the first render. */
const firstWhoami = whoami();
// Handled in App; this keeps a quick refusal from counting as unhandled before App is there.
firstWhoami.catch(() => undefined);

/** The view named by the URL fragment: `#/events`, `#/events/ID`, `#/peers`, `#/health`. */
function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'events' && parts[1]) return { view: 'event', id: parts[1] };
  if (parts[0] === 'peers' || parts[0] === 'health') return { view: parts[0] };
  return { view: 'events' };
}

function useRoute() {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** The event page, loaded on first use: it brings the plotting library, which the list does not need. */
function LazyEventPage(props) {
  const [module, setModule] = useState(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    import('./event-view.js').then(setModule, (err) => setError(`The event page could not be loaded: ${err.message}`));
  }, []);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!module) return html`<p role="status">Loading the event…</p>`;
  return html`<${module.EventPage} ...${props} />`;
}

function Login({ onSignedIn, message }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(message ?? '');
  const submit = async (e) => {
    e.preventDefault();
    try {
      const identity = await whoami(token.trim());
      storeToken(token.trim());
      onSignedIn(identity);
    } catch (err) {
      setError(err instanceof ApiFailure && err.status === 401 ? 'The node does not know this token.' : `Sign-in failed: ${err.message}`);
    }
  };
  return html`<main class="login" id="main">
    <h1>SpaceComms operator dashboard</h1>
    <form onSubmit=${submit} aria-describedby="login-help">
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="off" required value=${token} onInput=${(e) => setToken(e.currentTarget.value)} />
      <button type="submit">Sign in</button>
      <p id="login-help" class="hint">Kept in this tab only (session storage) and sent as a bearer header.</p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
  </main>`;
}

function streamText(s) {
  if (s.state === 'live') return { css: 'stream-live', text: '● Live' };
  if (s.state === 'resumed') return { css: 'stream-live', text: `● Live — reconnected, resumed after change #${s.lastEventId ?? '—'}` };
  if (s.state === 'reconnecting') return { css: 'stream-down', text: `⚠ Connection lost (${s.error}); reconnecting in ${Math.round((s.retryMs ?? 3000) / 1000)} s${s.lastEventId ? ` from change #${s.lastEventId}` : ''}…` };
  if (s.state === 'stopped') return { css: 'stream-down', text: '■ Stopped' };
  return { css: 'stream-connecting', text: '… Connecting' };
}

function Header({ identity, stream, route, onSignOut }) {
  const status = streamText(stream);
  const link = (view, href, label) => html`<a href=${href} aria-current=${route.view === view || (view === 'events' && route.view === 'event') ? 'page' : undefined}>${label}</a>`;
  return html`<header class="top">
    <a class="skip" href="#main">Skip to content</a>
    <span class="brand">SpaceComms</span>
    <nav aria-label="Views">${link('events', '#/events', 'Events')} ${link('peers', '#/peers', 'Peers')} ${link('health', '#/health', 'Health')}</nav>
    <span class=${`stream ${status.css}`} role="status" aria-live="polite" data-stream=${stream.state}>${status.text}</span>
    <span class="who">${identity.auth_enabled ? html`${identity.token_id} (${identity.permissions.join(', ')})` : 'auth off'}${canWrite(identity) ? '' : ' · read-only'}</span>
    ${identity.auth_enabled && html`<button type="button" class="link" onClick=${onSignOut}>Sign out</button>`}
  </header>`;
}

function Dashboard({ identity, onSignOut }) {
  const route = useRoute();
  const [, setFeedVersion] = useState(feed.version);
  useEffect(() => {
    const unsubscribe = feed.onChange(() => setFeedVersion(feed.version));
    // The feed may have changed between the first render and this effect.
    setFeedVersion(feed.version);
    feed.start();
    return unsubscribe;
  }, []);
  const { stream, loadError } = feed;
  const writable = canWrite(identity);
  let view;
  if (route.view === 'event') view = html`<${LazyEventPage} id=${route.id} live=${live} writable=${writable} />`;
  else if (route.view === 'peers') view = html`<${PeersView} live=${live} />`;
  else if (route.view === 'health') view = html`<${HealthView} />`;
  else view = html`<${EventsView} live=${live} />`;
  return html`<${Header} identity=${identity} stream=${stream} route=${route} onSignOut=${onSignOut} />
    <main id="main" tabindex="-1">${loadError && html`<p class="error" role="alert">${loadError}</p>`}${view}</main>`;
}

function App() {
  const [identity, setIdentity] = useState(undefined);
  const [message, setMessage] = useState('');
  useEffect(() => {
    firstWhoami.then(setIdentity, (err) => {
      if (err instanceof ApiFailure && err.status === 401) {
        feed.stop();
        storeToken('');
        setIdentity(null);
      } else setMessage(`The node cannot be reached: ${err.message}`);
    });
  }, []);
  const signOut = () => {
    storeToken('');
    location.hash = '';
    location.reload();
  };
  if (identity === undefined) return html`<p class="boot" role="status">${message || 'Connecting to the node…'}</p>`;
  if (identity === null) return html`<${Login} onSignedIn=${setIdentity} />`;
  return html`<${Dashboard} identity=${identity} onSignOut=${signOut} />`;
}

render(html`<${App} />`, document.getElementById('app'));
// Exposed for the browser tests and the operator's console: how many changes the page applied.
globalThis.spacecommsDashboard = { live, api };
