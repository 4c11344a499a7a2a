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

/**
 * The outbound queue of one peer. Live messages are bounded (the oldest leave first
 * when full); a full table sync is a lazy source read after them, so that a large table
 * never has to fit in the queue. A few messages are in flight at once; a failed one goes
 * back to the front and sending pauses for the backoff delay.
 */
export class OutboundQueue {
  private live: TableMessage[] = [];
  private head = 0;
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
    return this.live.length - this.head + this.retries.length;
  }

  get busy(): boolean {
    return this.depth > 0 || this.inFlight > 0 || this.sync !== undefined;
  }

  push(message: TableMessage): void {
    this.live.push(message);
    const overflow = this.depth - this.options.maxMessages;
    if (overflow > 0) {
      this.head += overflow;
      this.options.onOverflow(overflow);
    }
    this.compact();
    this.pump();
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

  clear(): void {
    this.live = [];
    this.head = 0;
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
    const live = this.live.length - this.head + this.retries.length;
    return this.sync && live === 0 ? Math.max(this.options.maxInFlight, this.options.maxSyncInFlight ?? 0) : this.options.maxInFlight;
  }

  private next(): TableMessage | undefined {
    if (this.retries.length > 0) return this.retries.shift();
    if (this.head < this.live.length) {
      const message = this.live[this.head];
      this.head += 1;
      this.compact();
      return message;
    }
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

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.live.length) {
      this.live = this.live.slice(this.head);
      this.head = 0;
    }
  }
}
