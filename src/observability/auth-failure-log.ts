import type { Logger } from './logger.js';
import { LogLimiter } from './log-limiter.js';

/** What is known of a refused request: never its secret. */
export interface AuthFailure {
  address: string;
  reason: string;
  /** The peer the request claimed to be (node-id header). */
  peer?: string | null;
  /** Whether that peer is configured: only then is it part of the kind (a sender can claim any id). */
  knownPeer?: boolean;
  route?: string;
  token_id?: string;
}

/**
 * `authentication failed` without a line per request: the first failure of a kind (an
 * address and a reason, and the configured peer when there is one) is logged at once,
 * repeats within `intervalMs` are only counted, and `summarize()` (called by the node
 * every interval) logs one line with what was held back. Nothing is written to the store:
 * an unauthenticated sender must not be able to make the node write to disk.
 */
export class AuthFailureLog {
  private readonly limiter: LogLimiter;
  private held = new Map<string, { address: string; reason: string; count: number }>();
  private heldTotal = 0;

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly intervalMs = 60_000,
    now: () => number = Date.now,
  ) {
    this.limiter = new LogLimiter(intervalMs, now);
  }

  failed(failure: AuthFailure): void {
    const { knownPeer, ...fields } = failure;
    const key = `${failure.address}\u0000${failure.reason}\u0000${knownPeer ? (failure.peer ?? '') : ''}`;
    if (this.limiter.take(key)) {
      this.logger.warn({ ...fields, peer: failure.peer ?? null }, 'authentication failed');
      return;
    }
    this.heldTotal += 1;
    const entry = this.held.get(key);
    if (entry) entry.count += 1;
    else if (this.held.size < 100) this.held.set(key, { address: failure.address, reason: failure.reason, count: 1 });
  }

  /** One line for the repeats held back since the last call (none: no line). */
  summarize(): void {
    if (this.heldTotal === 0) return;
    const sources = [...this.held.values()].sort((a, b) => b.count - a.count).slice(0, 20);
    this.logger.warn({ count: this.heldTotal, interval_s: this.intervalMs / 1000, sources }, 'authentication failures repeated');
    this.held = new Map();
    this.heldTotal = 0;
  }
}
