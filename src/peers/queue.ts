import type { TableMessage } from '../routing/table.js';

/** What became of one POST: delivered (2xx), to be tried again, or given up (a 4xx that retrying cannot fix). */
export type SendOutcome = { kind: 'delivered' } | { kind: 'retry'; delayMs?: number; reason: string } | { kind: 'dropped'; reason: string };

export interface QueueOptions {
  maxMessages: number;
  maxInFlight: number;
  /** In flight while a full sync is read: more, since the order of sync messages does not matter. */
  maxSyncInFlight?: number;
  send(message: TableMessage): Promise<SendOutcome>;
  /** PROTOCOL.md section 11: several messages in one POST, one outcome each, in order. */
  sendBatch?(messages: TableMessage[]): Promise<SendOutcome[]>;
  /** Most messages per POST now (1: no batches, as with a peer that did not list BATCH). */
  batchSize?(): number;
  /** How long a POST that is not full may wait for more messages (0: none). */
  lingerMs?(): number;
  /** False while the session is down: messages wait. */
  canSend(): boolean;
  retryDelayMs(attempt: number): number;
  onOverflow(dropped: number): void;
  onDropped(message: TableMessage, reason: string): void;
  onIdle(): void;
}

/** FIFO of one source's messages, with a moving head so that taking the first is O(1). */
class Lane {
  private items: TableMessage[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(message: TableMessage): void {
    this.items.push(message);
  }

  shift(): TableMessage | undefined {
    if (this.head >= this.items.length) return undefined;
    const message = this.items[this.head];
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return message;
  }
}

/**
 * Where a live message came from: the neighbour that sent it to this node (the hop before
 * this node on its path), or its originator. Each source has its own lane.
 */
export function sourceOf(message: TableMessage): string {
  const path = message.path ?? [];
  return path.length >= 2 ? (path[path.length - 2] as string) : message.source_node_id;
}

/**
 * The outbound queue of one peer. Live messages wait in one lane per source (the
 * neighbour they came from, or this node) and leave in turn, one lane after the other,
 * so that a flooding neighbour cannot hold back the others' messages; they are bounded
 * in all (when full, the oldest of the longest lane leave first). A full table sync is a
 * lazy source read after them, so that a large table never has to fit in the queue. A
 * few messages are in flight at once; a failed one goes back to the front and sending
 * pauses for the backoff delay.
 */
export class OutboundQueue {
  private lanes = new Map<string, Lane>();
  /** Sources with messages waiting, in the order they take their turn. */
  private turns: string[] = [];
  private liveCount = 0;
  private readonly retries: TableMessage[] = [];
  private sync: Iterator<TableMessage> | undefined;
  private inFlight = 0;
  private failures = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private lingered = false;

  constructor(private readonly options: QueueOptions) {}

  /** Messages waiting (live and retries), not counting a sync still to be read. */
  get depth(): number {
    return this.liveCount + this.retries.length;
  }

  /** A full table sync is being read. */
  get syncing(): boolean {
    return this.sync !== undefined;
  }

  get busy(): boolean {
    return this.depth > 0 || this.inFlight > 0 || this.sync !== undefined;
  }

  push(message: TableMessage): void {
    const source = sourceOf(message);
    let lane = this.lanes.get(source);
    if (!lane) {
      lane = new Lane();
      this.lanes.set(source, lane);
    }
    if (lane.length === 0) this.turns.push(source);
    lane.push(message);
    this.liveCount += 1;
    let overflow = 0;
    while (this.depth > this.options.maxMessages && this.dropOldestOfLongest()) overflow += 1;
    if (overflow > 0) this.options.onOverflow(overflow);
    this.pump();
  }

  /** Overflow: the source with most messages waiting loses its oldest. */
  private dropOldestOfLongest(): boolean {
    let longest: [string, Lane] | undefined;
    for (const entry of this.lanes) if (!longest || entry[1].length > longest[1].length) longest = entry;
    if (!longest || longest[1].length === 0) return false;
    const [source, lane] = longest;
    lane.shift();
    this.liveCount -= 1;
    if (lane.length === 0) {
      this.lanes.delete(source);
      this.turns = this.turns.filter((s) => s !== source);
    }
    return true;
  }

  /** Starts a full table sync, replacing one in progress. */
  startSync(messages: Iterator<TableMessage>): void {
    this.sync = messages;
    this.pump();
  }

  /** The session is back: retry backoff is reset and whatever waits leaves at once (PROTOCOL.md section 5 rule 7). */
  resume(): void {
    this.failures = 0;
    this.pausedUntil = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  /** Forgets every waiting message and the sync (the memory is released). */
  clear(): void {
    this.lanes = new Map();
    this.turns = [];
    this.liveCount = 0;
    this.retries.length = 0;
    this.sync = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.clear();
    if (this.timer) clearTimeout(this.timer);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
  }

  pump(): void {
    if (this.stopped) return;
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      return;
    }
    const size = Math.max(1, this.options.batchSize?.() ?? 1);
    if (this.shouldLinger(size)) return;
    while (this.inFlight < this.limit() && this.options.canSend()) {
      const messages = this.take(size);
      if (messages.length === 0) break;
      this.inFlight += 1;
      if (messages.length === 1 || !this.options.sendBatch) void this.deliver(messages[0] as TableMessage);
      else void this.deliverBatch(messages);
    }
    if (this.inFlight === 0 && this.depth === 0 && !this.sync) this.options.onIdle();
  }

  /** A POST that would not be full waits `lingerMs` once for more messages to share it. */
  private shouldLinger(size: number): boolean {
    const linger = this.options.lingerMs?.() ?? 0;
    if (linger <= 0 || size <= 1 || this.lingered || this.sync || this.depth === 0 || this.depth >= size) return false;
    this.lingerTimer ??= setTimeout(() => {
      this.lingerTimer = undefined;
      this.lingered = true;
      this.pump();
      this.lingered = false;
    }, linger);
    return true;
  }

  private take(size: number): TableMessage[] {
    const out: TableMessage[] = [];
    while (out.length < size) {
      const message = this.next();
      if (!message) break;
      out.push(message);
    }
    return out;
  }

  private async deliverBatch(messages: TableMessage[]): Promise<void> {
    let outcomes: SendOutcome[];
    try {
      outcomes = await (this.options.sendBatch as (m: TableMessage[]) => Promise<SendOutcome[]>)(messages);
    } catch (err) {
      outcomes = messages.map(() => ({ kind: 'retry', reason: (err as Error).message }));
    }
    this.inFlight -= 1;
    if (this.stopped) return;
    const again: TableMessage[] = [];
    let delayMs: number | undefined;
    messages.forEach((message, i) => {
      const outcome = outcomes[i] ?? { kind: 'retry', reason: 'no result for this message' };
      if (outcome.kind === 'retry') {
        again.push(message);
        if (outcome.delayMs !== undefined) delayMs = Math.max(delayMs ?? 0, outcome.delayMs);
      } else if (outcome.kind === 'dropped') this.options.onDropped(message, outcome.reason);
    });
    if (again.length > 0) {
      this.retries.unshift(...again);
      this.failures += 1;
      this.pausedUntil = Date.now() + (delayMs ?? this.options.retryDelayMs(this.failures - 1));
    } else {
      this.failures = 0;
    }
    this.pump();
  }

  private limit(): number {
    const live = this.depth;
    return this.sync && live === 0 ? Math.max(this.options.maxInFlight, this.options.maxSyncInFlight ?? 0) : this.options.maxInFlight;
  }

  private next(): TableMessage | undefined {
    if (this.retries.length > 0) return this.retries.shift();
    const live = this.nextLive();
    if (live) return live;
    if (this.sync) {
      const step = this.sync.next();
      if (!step.done) return step.value;
      this.sync = undefined;
    }
    return undefined;
  }

  private async deliver(message: TableMessage): Promise<void> {
    let outcome: SendOutcome;
    try {
      outcome = await this.options.send(message);
    } catch (err) {
      outcome = { kind: 'retry', reason: (err as Error).message };
    }
    this.inFlight -= 1;
    if (this.stopped) return;
    if (outcome.kind === 'retry') {
      this.retries.unshift(message);
      this.failures += 1;
      this.pausedUntil = Date.now() + (outcome.delayMs ?? this.options.retryDelayMs(this.failures - 1));
    } else {
      this.failures = 0;
      if (outcome.kind === 'dropped') this.options.onDropped(message, outcome.reason);
    }
    this.pump();
  }

  /** The next live message: the first of the source whose turn it is; that source goes to the back of the turns. */
  private nextLive(): TableMessage | undefined {
    while (this.turns.length > 0) {
      const source = this.turns.shift() as string;
      const lane = this.lanes.get(source);
      const message = lane?.shift();
      if (!lane || !message) continue;
      this.liveCount -= 1;
      if (lane.length > 0) this.turns.push(source);
      else this.lanes.delete(source);
      return message;
    }
    return undefined;
  }
}
