import { createHmac } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../http-client.js';
import type { Change, Subscription, SubscriptionStore } from '../store/changes.js';
import { changeBody, changeMatches } from './filter.js';
import type { ChangeHub } from './hub.js';

/** Changes read from the log per step while looking for the next one a subscription wants. */
const READ_CHUNK = 500;
/** A receiver's Retry-After is honoured up to this, ms. */
const RETRY_AFTER_MAX_MS = 3_600_000;

export interface WebhookSettings {
  retryMaxHours: number;
  retryMinMs: number;
  retryCapMs: number;
  timeoutMs: number;
}

export interface WebhookDeps {
  hub: ChangeHub;
  subscriptions: SubscriptionStore;
  /** The connection pool deliveries go through, made at the first delivery. */
  dispatcher(): Promise<Dispatcher>;
  settings(): WebhookSettings;
  log: { info(fields: object, msg: string): void; warn(fields: object, msg: string): void; error(fields: object, msg: string): void };
  /** Counts one delivery attempt by outcome: `delivered`, `retried` or `failed`. */
  counted(outcome: 'delivered' | 'retried' | 'failed'): void;
  userAgent: string;
  now(): Date;
}

/** `sha256=` and the hex HMAC-SHA256 (RFC 2104, FIPS 180-4) of the body with the subscription's secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A Retry-After header (RFC 9110 section 10.2.3: seconds or an HTTP date) as a delay in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Math.min(Number(text) * 1000, RETRY_AFTER_MAX_MS);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), RETRY_AFTER_MAX_MS);
}

type Outcome = { ok: true } | { ok: false; error: string; retryAfterMs?: number };

/**
 * The delivery loop of one subscription: POSTs each matching change after its cursor, in
 * order, one at a time, and moves the cursor (kept in the store) only when the receiver
 * answered 2xx. A failure is retried with doubling delays (or the receiver's Retry-After)
 * until `retry_max_hours`, then the subscription is marked failed and the failure logged.
 * Each subscription has its own loop and its own timeouts, so a slow or dead receiver
 * delays no other and never the node.
 */
export class SubscriptionWorker {
  private stopped = false;
  private wake: (() => void) | undefined;
  private abort = new AbortController();
  /** When the change waiting for delivery was recorded (for the oldest-undelivered metric). */
  pendingSince: number | undefined;

  constructor(
    private sub: Subscription,
    private readonly deps: WebhookDeps,
  ) {}

  get state(): Subscription {
    return this.sub;
  }

  start(): void {
    void this.loop().catch((err: unknown) => this.deps.log.error({ subscription_id: this.sub.subscription_id, err }, 'webhook delivery loop failed'));
  }

  /** New changes were told. */
  poke(): void {
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.sub.status === 'active') {
      const next = this.nextMatching();
      if (!next) {
        this.pendingSince = undefined;
        await this.idle(undefined);
        continue;
      }
      this.pendingSince = Date.parse(next.time);
      const outcome = await this.deliver(next);
      if (this.stopped) return;
      if (outcome.ok) this.delivered(next);
      else if (this.failed(next, outcome)) await this.idle(this.retryDelay(outcome));
    }
  }

  /** The next change after the cursor that passes the filters; the cursor skips those that do not. */
  private nextMatching(): Change | undefined {
    const from = this.sub.cursor;
    if (this.deps.hub.lostAfter(from)) {
      const oldest = this.deps.hub.oldest();
      const skipTo = oldest === undefined ? this.deps.hub.head() : oldest - 1;
      this.deps.log.warn({ subscription_id: this.sub.subscription_id, cursor: from, oldest_seq: oldest ?? null }, 'webhook changes lost: no longer in the change log');
      this.sub = { ...this.sub, cursor: skipTo, last_error: `changes after ${from} up to ${skipTo} were no longer kept` };
    }
    let cursor = this.sub.cursor;
    let found: Change | undefined;
    for (;;) {
      const changes = this.deps.hub.read(cursor, READ_CHUNK);
      found = changes.find((c) => changeMatches(c, this.sub.filters));
      if (found || changes.length === 0) break;
      cursor = (changes.at(-1) as Change).seq;
    }
    if (found) cursor = found.seq - 1;
    if (cursor !== from) this.save({ ...this.sub, cursor });
    return found;
  }

  private async deliver(change: Change): Promise<Outcome> {
    const body = JSON.stringify(changeBody(change));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.deps.userAgent,
      'x-spacecomms-delivery': String(change.seq),
      'x-spacecomms-event': change.type,
      'x-spacecomms-subscription': this.sub.subscription_id,
    };
    if (this.sub.secret !== undefined) headers['x-spacecomms-signature'] = signature(this.sub.secret, body);
    const timeoutMs = this.deps.settings().timeoutMs;
    try {
      const [{ request }, dispatcher] = await Promise.all([loadUndici(), this.deps.dispatcher()]);
      const response = await request(this.sub.url, {
        method: 'POST',
        headers,
        body,
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeoutMs)]),
      });
      await response.body.dump().catch(() => undefined);
      if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true };
      const retryAfter = retryAfterMs(response.headers['retry-after'], Date.now());
      return { ok: false, error: `HTTP ${response.statusCode}`, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { ok: false, error: code ? `${code}: ${(err as Error).message}` : (err as Error).message };
    }
  }

  private delivered(change: Change): void {
    this.deps.counted('delivered');
    this.save({ ...this.sub, cursor: change.seq, attempts: 0, failing_since: null, last_error: null, last_delivered_at: this.deps.now().toISOString() });
  }

  /** Records a failed attempt; returns false when the subscription has now failed for good. */
  private failed(change: Change, outcome: Extract<Outcome, { ok: false }>): boolean {
    const now = this.deps.now();
    const since = this.sub.failing_since ?? now.toISOString();
    const giveUp = now.getTime() - Date.parse(since) >= this.deps.settings().retryMaxHours * 3_600_000;
    this.save({ ...this.sub, attempts: this.sub.attempts + 1, failing_since: since, last_error: outcome.error, ...(giveUp ? { status: 'failed' as const } : {}) });
    this.deps.counted(giveUp ? 'failed' : 'retried');
    const fields = { subscription_id: this.sub.subscription_id, url: this.sub.url, seq: change.seq, attempts: this.sub.attempts, error: outcome.error };
    if (giveUp) this.deps.log.error({ ...fields, failing_since: since }, 'webhook delivery failed: subscription marked failed');
    else if (this.sub.attempts === 1) this.deps.log.warn(fields, 'webhook delivery failing: retrying');
    return !giveUp;
  }

  /** Doubling from `retry_min_seconds` to `retry_cap_seconds`, or what the receiver asked for. */
  private retryDelay(outcome: Extract<Outcome, { ok: false }>): number {
    if (outcome.retryAfterMs !== undefined) return outcome.retryAfterMs;
    const s = this.deps.settings();
    return Math.min(s.retryCapMs, s.retryMinMs * 2 ** Math.min(this.sub.attempts - 1, 30));
  }

  private save(sub: Subscription): void {
    // A deleted subscription is not written back by an attempt that was still under way.
    if (this.stopped) return;
    this.sub = sub;
    this.deps.subscriptions.put(sub);
  }

  /** Waits for new changes (or `ms`, or a stop). */
  private idle(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      // A retry waits its full delay; only a stop cuts it short.
      this.wake = ms === undefined ? done : () => (this.stopped ? done() : undefined);
    });
  }
}
