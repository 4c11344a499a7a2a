import { Command, Option } from 'commander';
import type * as UndiciModule from 'undici';
import type { Dispatcher } from 'undici';
import { CHANGE_TYPES } from '../store/changes.js';
import { watchLine } from './watch-format.js';

type Undici = typeof UndiciModule;

/** How long `watch` waits before reconnecting after the stream broke, ms (the node's `retry:` overrides it). */
const RECONNECT_MS = 2000;

export interface WatchOptions {
  node: string;
  token?: string;
  query: URLSearchParams;
  json: boolean;
  write(line: string): void;
}

/** A dispatcher that sends the API token with every request of the stream, reconnections included. */
function withToken(undici: Undici, token: string | undefined): Dispatcher {
  const agent = new undici.Agent({ bodyTimeout: 0 });
  if (token === undefined) return agent;
  return agent.compose((dispatch) => (options, handler) => {
    const headers = options.headers;
    const withAuth = Array.isArray(headers)
      ? [...(headers as string[]), 'authorization', `Bearer ${token}`]
      : { ...((headers ?? {}) as Record<string, string>), authorization: `Bearer ${token}` };
    return dispatch({ ...options, headers: withAuth }, handler);
  });
}

/** Why the node refused the stream, read with one plain request (EventSource does not show the answer). */
async function refusal(undici: Undici, url: URL, dispatcher: Dispatcher): Promise<string> {
  try {
    const response = await undici.request(url, { dispatcher, headersTimeout: 10_000 });
    if (response.statusCode < 300) {
      response.body.destroy();
      return 'the stream ended';
    }
    const text = await response.body.text();
    const body = JSON.parse(text) as { error?: string; message?: string };
    return `HTTP ${response.statusCode}: ${body.error ?? 'error'}: ${body.message ?? text}`;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Follows `GET /events/stream` and writes one line per change (or its JSON with `--json`).
 * The stream is read with undici's EventSource (WHATWG HTML server-sent events), which
 * reconnects by itself and sends `Last-Event-ID`, so the node resumes where the stream
 * stopped. Resolves only when the node refuses the stream (bad filter, token), with why.
 */
export async function runWatch(options: WatchOptions): Promise<string> {
  // Loaded here, so that other commands do not pay for the HTTP client at start.
  const undici = await import('undici');
  const base = options.node.endsWith('/') ? options.node : `${options.node}/`;
  const url = new URL(`events/stream${options.query.size > 0 ? `?${options.query.toString()}` : ''}`, base);
  const dispatcher = withToken(undici, options.token);
  const source = new undici.EventSource(url, { node: { dispatcher, reconnectionTime: RECONNECT_MS } });
  const print = (type: string) => (event: Event) => {
    const data = JSON.parse((event as unknown as { data: string }).data) as Record<string, unknown>;
    options.write(options.json ? JSON.stringify(data) : watchLine(type, data));
  };
  for (const type of [...CHANGE_TYPES, 'reset']) source.addEventListener(type, print(type));
  // EventSource waits for its reconnection on an unreferenced timer: keep the process alive meanwhile.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  return new Promise((resolve) => {
    source.addEventListener('error', () => {
      if (source.readyState !== source.CLOSED) return;
      clearInterval(keepAlive);
      void refusal(undici, url, dispatcher).then(resolve);
    });
  });
}

export function watchCommand(): Command {
  return new Command('watch')
    .description('follow the node\'s changes as they happen, one line each; resumes where it stopped after a reconnect')
    .addOption(new Option('--node <url>', 'URL of the node').default('http://localhost:8080'))
    .addOption(new Option('--token <secret>', 'API token (default: $SPACECOMMS_TOKEN)'))
    .option('--object <id>', 'changes involving this object')
    .option('--owner <operator>', 'changes involving an object of this operator')
    .option('--min-pc <p>', 'CDM and event changes with a Pc of at least p')
    .option('--level <name>', 'CDM and event changes at this risk level')
    .option('--types <list>', `comma-separated: ${CHANGE_TYPES.join(', ')}`)
    .option('--json', 'print each change as one JSON line')
    .action(async (opts: { node: string; token?: string; object?: string; owner?: string; minPc?: string; level?: string; types?: string; json?: boolean }) => {
      const query = new URLSearchParams();
      const add = (name: string, value: string | undefined) => value !== undefined && query.set(name, value);
      add('object_id', opts.object);
      add('owner', opts.owner);
      add('min_pc', opts.minPc);
      add('level', opts.level);
      add('types', opts.types);
      const token = opts.token ?? process.env.SPACECOMMS_TOKEN;
      const reason = await runWatch({ node: opts.node, ...(token ? { token } : {}), query, json: opts.json === true, write: (line) => console.log(line) });
      throw new Error(`watch stopped: ${reason}`);
    });
}
