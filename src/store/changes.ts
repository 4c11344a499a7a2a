import { compareTimestamps } from '../model/time.js';
import { PackedLog } from './packed-log.js';

/** The kinds of change the node tells about (API.md, `GET /events/stream`). */
export const CHANGE_TYPES = ['cdm', 'event', 'maneuver', 'peer'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/**
 * What the stream and webhook filters look at, taken when the change is recorded. A change
 * lacks the facts that do not apply to it (a peer change names no object).
 */
export interface ChangeFacts {
  object_ids?: string[];
  owners?: string[];
  /** The Pc the change is judged by; null when it has none. */
  pc?: number | null;
  level?: string;
  /** The conjunction event's status: `active` or `closed`. */
  status?: string;
  tca?: string;
}

/** A change as recorded, before the log numbers it. */
export interface NewChange {
  type: ChangeType;
  /** ISO 8601 UTC time the change was recorded. */
  time: string;
  facts: ChangeFacts;
  /** The JSON body told to clients (documented in README, "Being told"). */
  data: Record<string, unknown>;
}

/** A change with its place in the log: `seq` grows by one per change and is never reused once committed. */
export interface Change extends NewChange {
  seq: number;
}

/** The filters of a stream or subscription (API.md: those of `GET /events`, plus `types`). */
export interface ChangeFilter {
  types?: ChangeType[];
  object_id?: string;
  owner?: string;
  min_pc?: number;
  level?: string;
  status?: 'active' | 'closed';
  tca_from?: string;
  tca_to?: string;
}

/**
 * The ordered change log, kept with the table: every change to a CDM, event, maneuver or peer
 * session, numbered. Appends join the write of the change itself (one transaction), so a
 * change is never told without being stored, nor stored without being told.
 */
export interface ChangeLog {
  /** Numbers and records a change; returns its `seq`. */
  append(change: NewChange): number;
  /** Changes with `seq` greater than `after`, oldest first, at most `limit`. */
  after(after: number, limit: number): Change[];
  /** The smallest `seq` still kept; undefined when the log is empty. */
  oldest(): number | undefined;
  /** The largest `seq` ever given (0 when none); kept even when the log has been trimmed. */
  latest(): number;
  /**
   * Deletes changes recorded before `before` (ISO time) with `seq` up to `keepAfter` (those
   * after it are still needed), and the oldest beyond `maxEntries` in any case; returns how many.
   */
  trim(before: string, maxEntries: number, keepAfter?: number): number;
}

/** A webhook subscription (`POST /subscriptions`) and its delivery state. */
export interface Subscription {
  subscription_id: string;
  url: string;
  filters: ChangeFilter;
  /** The HMAC-SHA256 key of `X-SpaceComms-Signature`; never shown by the API. */
  secret?: string;
  created_at: string;
  /** `failed` once a change could not be delivered within `subscriptions.retry_max_hours`. */
  status: 'active' | 'failed';
  /** The `seq` of the last change delivered (or skipped by the filters). */
  cursor: number;
  /** Delivery attempts of the change after the cursor that failed so far. */
  attempts: number;
  /** When delivery of the change after the cursor first failed. */
  failing_since: string | null;
  last_error: string | null;
  last_delivered_at: string | null;
}

/** Webhook subscriptions, kept with the table so that delivery resumes after a restart. */
export interface SubscriptionStore {
  list(): Subscription[];
  get(id: string): Subscription | undefined;
  put(subscription: Subscription): void;
  delete(id: string): boolean;
}

/** The change log in process memory: the same numbering and bounds, lost at exit; held in packed blocks (`PackedLog`). */
export class MemoryChangeLog implements ChangeLog {
  private readonly entries = new PackedLog<Change>();
  private last = 0;

  append(change: NewChange): number {
    this.last += 1;
    this.entries.push({ ...change, seq: this.last });
    return this.last;
  }

  after(after: number, limit: number): Change[] {
    const first = this.oldest();
    if (first === undefined) return [];
    // Sequence numbers are contiguous in memory, so the position follows from the first one kept.
    const start = Math.max(0, after + 1 - first);
    return this.entries.slice(start, start + Math.max(0, limit));
  }

  oldest(): number | undefined {
    const count = this.entries.length;
    return count === 0 ? undefined : this.last - count + 1;
  }

  latest(): number {
    return this.last;
  }

  trim(before: string, maxEntries: number, keepAfter = Number.MAX_SAFE_INTEGER): number {
    const count = this.entries.length;
    let drop = Math.max(0, count - maxEntries);
    const old = (c: Change) => c.seq <= keepAfter && compareTimestamps(c.time, before) < 0;
    while (drop < count && old(this.entries.at(drop) as Change)) drop++;
    this.entries.dropOldest(drop);
    return drop;
  }
}

export class MemorySubscriptionStore implements SubscriptionStore {
  private readonly items = new Map<string, Subscription>();

  list(): Subscription[] {
    return [...this.items.values()];
  }

  get(id: string): Subscription | undefined {
    return this.items.get(id);
  }

  put(subscription: Subscription): void {
    this.items.set(subscription.subscription_id, subscription);
  }

  delete(id: string): boolean {
    return this.items.delete(id);
  }
}
