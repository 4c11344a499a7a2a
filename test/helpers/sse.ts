import { request, type Dispatcher } from 'undici';
import { waitFor } from './network.js';

export interface SseEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/** A client of `GET /events/stream` that keeps every event and comment it receives. */
export interface StreamClient {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  events: SseEvent[];
  comments: string[];
  /** Resolves when the server ends the stream (or the connection breaks). */
  ended: Promise<void>;
  /** Waits until `count` events (of `type`, if given) have arrived. */
  waitForEvents(count: number, type?: string, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

/** Splits SSE text into its blocks (WHATWG HTML server-sent events: a blank line ends an event). */
function parseBlock(block: string, client: StreamClient): void {
  const fields: Record<string, string> = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
    else {
      const at = line.indexOf(':');
      if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1).replace(/^ /, '');
    }
  }
  if (fields.data !== undefined) {
    client.events.push({ ...(fields.id !== undefined ? { id: fields.id } : {}), event: fields.event ?? 'message', data: JSON.parse(fields.data) as Record<string, unknown> });
  }
}

export async function openStream(
  baseUrl: string,
  query = '',
  options: { token?: string; lastEventId?: string; dispatcher?: Dispatcher } = {},
): Promise<StreamClient> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const abort = new AbortController();
  const response = await request(`${baseUrl}/events/stream${query}`, {
    headers,
    signal: abort.signal,
    bodyTimeout: 0,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  let pending = '';
  const client: StreamClient = {
    status: response.statusCode,
    headers: response.headers,
    events: [],
    comments: [],
    ended: Promise.resolve(),
    waitForEvents: (count, type, timeoutMs = 15_000) =>
      waitFor(`${count} ${type ?? ''} stream events`, () => {
        const matching = client.events.filter((e) => type === undefined || e.event === type);
        return matching.length >= count ? matching : undefined;
      }, timeoutMs),
    close: () => abort.abort(),
  };
  client.ended = (async () => {
    try {
      for await (const chunk of response.body) {
        pending += (chunk as Buffer).toString('utf8');
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          parseBlock(pending.slice(0, end), client);
          pending = pending.slice(end + 2);
        }
      }
    } catch {
      // aborted by the test or cut by the node: the stream has ended either way
    }
  })();
  return client;
}
