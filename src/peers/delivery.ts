/** Whether this node's own POSTs reach the peer: not yet tried, reaching it, or failing. */
export type Outbound = 'unverified' | 'ok' | 'failing';

export interface DeliveryLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
}

/** Consecutive failed POSTs after which a link that was working counts as failing. */
export const FAILURES_BEFORE_FAILING = 3;
/** `peer delivery failing` is logged at most once per peer and reason in this time (PROTOCOL.md section 5 rule 7). */
export const FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * The outbound half of a session (PROTOCOL.md section 5 rule 7): a session is never
 * `connected` while the node's own sends to the peer fail. Counts consecutive failures of
 * every POST to the peer (HELLO, heartbeats, table messages); a link never yet proven, or
 * a certificate that does not verify, is failing at the first failure.
 */
export class DeliveryHealth {
  state: Outbound = 'unverified';
  reason: string | null = null;
  private consecutive = 0;
  private readonly loggedAt = new Map<string, number>();

  constructor(
    private readonly peerId: string,
    private readonly log: DeliveryLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session: its outbound side is proven by the HELLO we sent (`ok`) or not yet (`unverified`). */
  reset(state: 'unverified' | 'ok'): void {
    this.state = state;
    this.consecutive = 0;
    this.reason = null;
  }

  /** A 2xx from the peer; returns the state before, so the session can catch up after a failure. */
  succeeded(): Outbound {
    const before = this.state;
    this.state = 'ok';
    this.consecutive = 0;
    if (before === 'failing') this.log.info({ peer: this.peerId, after: this.reason }, 'peer delivery restored');
    this.reason = null;
    return before;
  }

  /** A POST that did not reach the peer; returns true when the link has just become failing. */
  failed(reason: string, immediately = false): boolean {
    this.consecutive += 1;
    this.reason = reason;
    const becameFailing = this.state !== 'failing' && (immediately || this.state === 'unverified' || this.consecutive >= FAILURES_BEFORE_FAILING);
    if (becameFailing) this.state = 'failing';
    if (this.state === 'failing') this.logFailure(reason);
    return becameFailing;
  }

  /** Logs `peer delivery failing`, at most once a minute per reason. */
  logFailure(reason: string): void {
    const at = this.now();
    const last = this.loggedAt.get(reason);
    if (last !== undefined && at - last < FAILURE_LOG_INTERVAL_MS) return;
    this.loggedAt.set(reason, at);
    if (this.loggedAt.size > 100) this.loggedAt.clear();
    this.log.warn({ peer: this.peerId, reason }, 'peer delivery failing');
  }
}
