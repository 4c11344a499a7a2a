// Follows GET /events/stream. EventSource cannot send an Authorization header, so the page
// reads the stream with fetch() and parses the text/event-stream format itself (WHATWG HTML,
// "Server-sent events", 9.2.6 "Interpreting an event stream"). A dropped connection is
// resumed with Last-Event-ID after the server's `retry:` delay.

import { authHeaders } from './api.js';

/** Parses event-stream text as it arrives; calls `dispatch({id, event, data})` per event and `retry(ms)`. */
export class EventStreamParser {
  constructor(dispatch, retry) {
    this.dispatch = dispatch;
    this.retry = retry;
    this.pending = '';
    this.afterCr = false;
    this.reset();
  }

  reset() {
    this.data = [];
    this.event = '';
    this.id = undefined;
  }

  push(text) {
    // A chunk that ended in \r may have been the first half of \r\n: its \n is not a new line.
    if (this.afterCr && text.startsWith('\n')) text = text.slice(1);
    this.afterCr = text.endsWith('\r');
    const lines = (this.pending + text).split(/\r\n|\r|\n/);
    // The last piece is an unfinished line.
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  line(line) {
    if (line === '') return this.end();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry(Number(value));
    return undefined;
  }

  end() {
    const { data, event, id } = this;
    this.reset();
    if (data.length === 0) return;
    this.dispatch({ id, event: event || 'message', data: data.join('\n') });
  }
}

/**
 * Keeps a stream open until `stop()`. Callbacks: `onEvent({id, event, data})` with data parsed
 * as JSON, `onStatus({state, lastEventId, attempt, error})` where `state` is `connecting`,
 * `live`, `reconnecting`, `resumed` (live again after a drop, with `lastEventId`) or `stopped`.
 */
export function followStream({ path = '/events/stream', onEvent, onStatus }) {
  let lastEventId;
  let retryMs = 3000;
  let stopped = false;
  let controller;
  let attempt = 0;

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function once() {
    controller = new AbortController();
    const headers = authHeaders({ accept: 'text/event-stream' });
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const response = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' });
    if (!response.ok || !response.body) throw new Error(`the node answered HTTP ${response.status}`);
    onStatus({ state: attempt > 0 ? 'resumed' : 'live', lastEventId, attempt });
    attempt = 0;
    const parser = new EventStreamParser(
      (e) => {
        if (e.id !== undefined) lastEventId = e.id;
        let data;
        try {
          data = JSON.parse(e.data);
        } catch {
          return;
        }
        onEvent({ id: e.id, event: e.event, data });
      },
      (ms) => (retryMs = ms),
    );
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.push(value);
    }
  }

  async function run() {
    onStatus({ state: 'connecting', attempt });
    while (!stopped) {
      let error;
      try {
        await once();
        error = 'the node closed the stream';
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      if (stopped) break;
      attempt += 1;
      onStatus({ state: 'reconnecting', lastEventId, attempt, error, retryMs });
      await wait(retryMs);
    }
    onStatus({ state: 'stopped', lastEventId, attempt });
  }

  void run();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}
