import { randomUUID } from 'node:crypto';
import type { ChangeFilter, Subscription, SubscriptionStore } from '../store/changes.js';
import type { ChangeHub } from './hub.js';
import { SubscriptionWorker, type WebhookDeps } from './webhook.js';

export interface SubscriptionLimits {
  max: number;
  allowedHosts: readonly string[];
}

export interface NewSubscription {
  url: string;
  filters: ChangeFilter;
  secret?: string;
}

/** Why a subscription was refused: the field at fault and a message for people. */
export type Refusal = { code: 'validation_failed' | 'conflict'; field: string; message: string };

/** Whether a host name is allowed by `subscriptions.allowed_hosts`: exact (any case), or `*.domain` for its subdomains; empty list: any. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return allowed.some((entry) => {
    const pattern = entry.toLowerCase().replace(/^\[|\]$/g, '');
    return pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) : name === pattern;
  });
}

/** The problem with a webhook URL, or undefined: only absolute http(s) URLs without credentials, to an allowed host. */
export function webhookUrlProblem(text: string, allowedHosts: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http(s) URL, not ${url.protocol.replace(/:$/, '')}`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password; use secret to authenticate deliveries';
  if (!hostAllowed(url.hostname, allowedHosts)) return `host ${url.hostname} is not in subscriptions.allowed_hosts`;
  return undefined;
}

/** A subscription as the API shows it: never its secret. */
export function subscriptionView(s: Subscription, latestSeq: number) {
  const { secret, cursor, ...rest } = s;
  return { ...rest, has_secret: secret !== undefined, delivered_through_seq: cursor, latest_seq: latestSeq };
}

/**
 * The webhook subscriptions of the node: kept in the store, each with its own delivery loop
 * (`SubscriptionWorker`), all woken when the hub tells of new changes.
 */
export class Subscriptions {
  private readonly workers = new Map<string, SubscriptionWorker>();
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly store: SubscriptionStore,
    private readonly hub: ChangeHub,
    private readonly limits: () => SubscriptionLimits,
    private readonly workerDeps: Omit<WebhookDeps, 'hub' | 'subscriptions'>,
  ) {}

  /** Resumes delivery of every active subscription from its stored cursor. */
  start(): void {
    for (const sub of this.store.list()) this.run(sub);
    this.unlisten = this.hub.listen(() => {
      for (const worker of this.workers.values()) worker.poke();
    });
  }

  /** Adds a subscription; it receives the changes recorded from now on. */
  create(input: NewSubscription): { ok: true; subscription: Subscription } | { ok: false; refusal: Refusal } {
    const limits = this.limits();
    const problem = webhookUrlProblem(input.url, limits.allowedHosts);
    if (problem) return { ok: false, refusal: { code: 'validation_failed', field: 'url', message: `url: ${problem}` } };
    if (this.store.list().length >= limits.max) {
      return { ok: false, refusal: { code: 'conflict', field: '', message: `The node already has ${limits.max} subscriptions (subscriptions.max); delete one first` } };
    }
    const subscription: Subscription = {
      subscription_id: `SUB-${randomUUID()}`,
      url: input.url,
      filters: input.filters,
      ...(input.secret !== undefined ? { secret: input.secret } : {}),
      created_at: this.workerDeps.now().toISOString(),
      status: 'active',
      cursor: this.hub.head(),
      attempts: 0,
      failing_since: null,
      last_error: null,
      last_delivered_at: null,
    };
    this.store.put(subscription);
    this.run(subscription);
    return { ok: true, subscription };
  }

  list(): Subscription[] {
    return this.store.list().map((s) => this.workers.get(s.subscription_id)?.state ?? s);
  }

  get(id: string): Subscription | undefined {
    const stored = this.store.get(id);
    return stored ? (this.workers.get(id)?.state ?? stored) : undefined;
  }

  delete(id: string): boolean {
    this.workers.get(id)?.stop();
    this.workers.delete(id);
    return this.store.delete(id);
  }

  /** The smallest cursor of the active subscriptions: the change log keeps what comes after it. */
  minActiveCursor(): number | undefined {
    const cursors = [...this.workers.values()].filter((w) => w.state.status === 'active').map((w) => w.state.cursor);
    return cursors.length > 0 ? Math.min(...cursors) : undefined;
  }

  /** Age of the oldest change waiting for delivery to any receiver, seconds (0: none waits). */
  oldestUndeliveredSeconds(now: number): number {
    let oldest = now;
    for (const w of this.workers.values()) if (w.pendingSince !== undefined && w.state.status === 'active') oldest = Math.min(oldest, w.pendingSince);
    return Math.max(0, (now - oldest) / 1000);
  }

  countByStatus(): { active: number; failed: number } {
    const counts = { active: 0, failed: 0 };
    for (const s of this.list()) counts[s.status] += 1;
    return counts;
  }

  stop(): void {
    this.unlisten?.();
    for (const worker of this.workers.values()) worker.stop();
    this.workers.clear();
  }

  private run(sub: Subscription): void {
    if (sub.status !== 'active') return;
    const worker = new SubscriptionWorker(sub, { ...this.workerDeps, hub: this.hub, subscriptions: this.store });
    this.workers.set(sub.subscription_id, worker);
    worker.start();
  }
}
