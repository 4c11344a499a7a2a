import type { Config } from '../config/schema.js';

/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private perSecond: number,
    private burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  reconfigure(perSecond: number, burst: number): void {
    this.refill();
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  /** Fills the bucket to its burst (a new budget). */
  fill(): void {
    this.tokens = this.burst;
    this.updatedAt = this.now();
  }

  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole seconds until a token is available (at least 1, as `Retry-After` counts in seconds). */
  retryAfterSeconds(): number {
    this.refill();
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond));
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
  }
}

/**
 * `protocol.rate_limit` (src/config/schema.ts): the live budget (`messages_per_second`,
 * `burst`) and the table-transfer budget (`sync_messages_per_second`, its bucket holding one
 * second of it; `sync_window_seconds`, how long it applies after this node asked for a table).
 */
export type RateLimitSettings = Config['protocol']['rate_limit'];

/**
 * The inbound rate limit of one peer (PROTOCOL.md section 6 rule 1), counted per message
 * (every envelope of a batch too). Two budgets, as a BGP speaker treats the initial table
 * transfer apart from the updates that follow it:
 *
 * - the live budget (`messages_per_second`, `burst`) always applies;
 * - a table-transfer budget (`sync_messages_per_second`) applies on top of it for
 *   `sync_window_seconds` after this node asked for the peer's whole table: when a session
 *   is established (PROTOCOL.md section 5 rule 3: both sides then send their table) and
 *   when it sends SYNC_REQUEST. It is taken by the envelopes of batches (after the first,
 *   which took a live token with the request): a full sync fills its POSTs, while a live
 *   flood of single-envelope POSTs keeps meeting the live budget in the window too. A
 *   message takes a token of the transfer budget first and of the live budget once that
 *   is empty.
 *
 * A peer cannot hold the transfer window open by saying HELLO again and again: a session
 * it establishes opens a new window only when the previous one opened at least two windows
 * ago, so that outside windows this node itself asked for (its own HELLO, SYNC_REQUEST)
 * the peer sends at the live rate at least half of the time. HELLOs are limited apart.
 */
export class PeerRateLimit {
  private readonly live: TokenBucket;
  private readonly transfer: TokenBucket;
  private settings: RateLimitSettings;
  /** When the last transfer window opened (ms, `now()`); -Infinity: never. */
  private openedAt = Number.NEGATIVE_INFINITY;

  constructor(
    settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.settings = settings;
    this.live = new TokenBucket(settings.messages_per_second, settings.burst, now);
    this.transfer = new TokenBucket(settings.sync_messages_per_second, transferBurst(settings), now);
  }

  reconfigure(settings: RateLimitSettings): void {
    this.settings = settings;
    this.live.reconfigure(settings.messages_per_second, settings.burst);
    this.transfer.reconfigure(settings.sync_messages_per_second, transferBurst(settings));
  }

  /**
   * This node expects the peer's whole table. `askedByUs`: this node sent the HELLO that
   * established the session, or a SYNC_REQUEST; otherwise the peer established the session.
   */
  openTransfer(askedByUs: boolean): void {
    const now = this.now();
    const windowMs = this.settings.sync_window_seconds * 1000;
    if (!askedByUs && now - this.openedAt < 2 * windowMs) return;
    if (now - this.openedAt >= windowMs) this.transfer.fill();
    this.openedAt = now;
  }

  /** Whether a table-transfer window is open now. */
  transferOpen(): boolean {
    return this.now() - this.openedAt < this.settings.sync_window_seconds * 1000;
  }

  /**
   * One message's token: for an envelope of a batch, from the transfer budget while its
   * window is open; else (or when that is empty) from the live one.
   */
  take(inBatch = false): boolean {
    if (inBatch && this.transferOpen() && this.transfer.take()) return true;
    return this.live.take();
  }

  /** Whole seconds until a token is available (at least 1, as `Retry-After` counts in seconds). */
  retryAfterSeconds(): number {
    return this.live.retryAfterSeconds();
  }
}

function transferBurst(settings: RateLimitSettings): number {
  return Math.max(1, Math.ceil(settings.sync_messages_per_second));
}
