import { PassThrough } from 'node:stream';
import type { Change, ChangeFilter } from '../store/changes.js';
import { changeBody, changeMatches } from './filter.js';
import type { ChangeHub } from './hub.js';

/** Changes read from the log per step; a catching-up client is served in steps like this. */
const READ_CHUNK = 500;
/** The reconnection delay suggested to clients (the SSE `retry:` field), ms. */
export const CLIENT_RETRY_MS = 3000;

export interface StreamOptions {
  filter: ChangeFilter;
  /** The client's `Last-Event-ID`: the stream resumes after it; absent: from now. */
  lastEventId?: number;
  heartbeatMs: number;
  /** Unsent bytes beyond which no more changes are read for the client until it drains. */
  bufferBytes: number;
  /** A client whose buffer stays full this long is disconnected, ms. */
  stallMs: number;
  now?: () => number;
  /** Called once when the stream ends, with why (`closed` by the client or the node, `too_slow`). */
  onEnd(reason: 'closed' | 'too_slow'): void;
}

/** One Server-Sent Events line group (WHATWG HTML, "Server-sent events", 9.2.5): `id`, `event`, `data`. */
function sseEvent(id: number, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * One client of `GET /events/stream`: a readable body of SSE text fed from the change log.
 * The client's place is a `seq` cursor in the log, so resuming after `Last-Event-ID` gives
 * every change since, in order, once; when the log no longer holds them the client gets a
 * `reset` event and continues from now. Memory is bounded: changes are read from the log
 * only while the client's unsent bytes stay under `bufferBytes`.
 */
export class ChangeStream {
  readonly body: PassThrough;
  private cursor: number;
  private ended = false;
  private stalledSince: number | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unlisten: () => void;
  private readonly now: () => number;

  constructor(
    private readonly hub: ChangeHub,
    private readonly options: StreamOptions,
  ) {
    this.now = options.now ?? Date.now;
    // A high-water mark well under the bound, so that a full buffer always ends in a 'drain'.
    this.body = new PassThrough({ highWaterMark: Math.max(1024, Math.floor(options.bufferBytes / 4)) });
    this.cursor = options.lastEventId ?? hub.head();
    this.body.write(`retry: ${CLIENT_RETRY_MS}\n: spacecomms change stream\n\n`);
    if (options.lastEventId !== undefined && (options.lastEventId > hub.head() || hub.lostAfter(options.lastEventId))) this.reset(options.lastEventId);
    this.heartbeat = setInterval(() => this.tick(), options.heartbeatMs);
    this.unlisten = hub.listen(() => this.pump());
    this.body.on('drain', () => {
      this.stalledSince = undefined;
      this.pump();
    });
    this.pump();
  }

  /** Unsent bytes held for the client. */
  buffered(): number {
    return this.body.writableLength + this.body.readableLength;
  }

  /** Writes every told change after the cursor that passes the filters, while the client keeps up. */
  pump(): void {
    while (!this.ended) {
      if (this.buffered() >= this.options.bufferBytes) {
        this.stalledSince ??= this.now();
        return;
      }
      if (this.hub.lostAfter(this.cursor)) this.reset(this.cursor);
      const changes = this.hub.read(this.cursor, READ_CHUNK);
      if (changes.length === 0) return;
      for (const change of changes) this.write(change);
    }
  }

  private write(change: Change): void {
    this.cursor = change.seq;
    if (changeMatches(change, this.options.filter)) this.body.write(sseEvent(change.seq, change.type, changeBody(change)));
  }

  /** The client is further behind than the log keeps: it is told so and continues from now. */
  private reset(lastEventId: number): void {
    const head = this.hub.head();
    const data = { type: 'reset', reason: 'changes after last_event_id are no longer kept', last_event_id: lastEventId, oldest_seq: this.hub.oldest() ?? null, latest_seq: head };
    this.body.write(sseEvent(head, 'reset', data));
    this.cursor = head;
  }

  /** Heartbeat comment, and the end of a client that stopped reading. */
  private tick(): void {
    if (this.stalledSince !== undefined && this.now() - this.stalledSince >= this.options.stallMs) return this.end('too_slow');
    this.body.write(`: heartbeat ${new Date(this.now()).toISOString()}\n\n`);
  }

  /** Ends the stream (the client left, the node stops, or the client is too slow). */
  end(reason: 'closed' | 'too_slow' = 'closed'): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    this.unlisten();
    if (reason === 'too_slow') this.body.destroy();
    else this.body.end();
    this.options.onEnd(reason);
  }
}
