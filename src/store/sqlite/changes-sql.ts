import type { Database } from 'better-sqlite3';
import { timestampKey } from '../../model/time.js';
import type { Change, ChangeLog, NewChange, Subscription, SubscriptionStore } from '../changes.js';
import type { GroupCommit } from './group-commit.js';
import { parseStored } from './rows.js';

/**
 * Schema version 5: the change log and webhook subscriptions. AUTOINCREMENT keeps the
 * largest `seq` ever given in `sqlite_sequence`, so a trimmed log never reuses a number.
 */
export const CHANGE_TABLES = `
CREATE TABLE changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_key TEXT NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX changes_time ON changes (time_key);

CREATE TABLE subscriptions (
  seq INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL UNIQUE,
  record TEXT NOT NULL
) STRICT;
`;

/** The change log in the store's database; each append joins the open batch of the change it records. */
export class SqliteChangeLog implements ChangeLog {
  private readonly insert;
  private readonly select;
  private readonly first;
  private readonly last;
  private readonly purgeBefore;
  private readonly purgeUpTo;

  constructor(
    db: Database,
    private readonly batch: GroupCommit,
  ) {
    this.insert = db.prepare('INSERT INTO changes (time_key, record) VALUES (?, ?)');
    this.select = db.prepare('SELECT seq, record FROM changes WHERE seq > ? ORDER BY seq LIMIT ?').raw();
    this.first = db.prepare('SELECT min(seq) FROM changes').pluck();
    this.last = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'changes'").pluck();
    this.purgeBefore = db.prepare('DELETE FROM changes WHERE time_key < ? AND seq <= ?');
    this.purgeUpTo = db.prepare('DELETE FROM changes WHERE seq <= ?');
  }

  append(change: NewChange): number {
    const text = JSON.stringify(change);
    return this.batch.write(() => Number(this.insert.run(timestampKey(change.time), text).lastInsertRowid));
  }

  after(after: number, limit: number): Change[] {
    const rows = this.select.all(after, Math.max(0, limit)) as unknown[][];
    return rows.map(([seq, text]) => ({ ...parseStored<NewChange>(text), seq: Number(seq) }));
  }

  oldest(): number | undefined {
    const seq: unknown = this.first.get();
    return typeof seq === 'number' || typeof seq === 'bigint' ? Number(seq) : undefined;
  }

  latest(): number {
    const seq: unknown = this.last.get();
    return typeof seq === 'number' || typeof seq === 'bigint' ? Number(seq) : 0;
  }

  trim(before: string, maxEntries: number, keepAfter = Number.MAX_SAFE_INTEGER): number {
    const cutoff = this.latest() - maxEntries;
    return this.batch.write(
      () => this.purgeBefore.run(timestampKey(before), keepAfter).changes + (cutoff > 0 ? this.purgeUpTo.run(cutoff).changes : 0),
    );
  }
}

export class SqliteSubscriptionStore implements SubscriptionStore {
  private readonly all;
  private readonly one;
  private readonly upsert;
  private readonly remove;

  constructor(
    db: Database,
    private readonly batch: GroupCommit,
  ) {
    this.all = db.prepare('SELECT record FROM subscriptions ORDER BY seq').pluck();
    this.one = db.prepare('SELECT record FROM subscriptions WHERE subscription_id = ?').pluck();
    this.upsert = db.prepare(
      'INSERT INTO subscriptions (subscription_id, record) VALUES (?, ?) ON CONFLICT (subscription_id) DO UPDATE SET record = excluded.record',
    );
    this.remove = db.prepare('DELETE FROM subscriptions WHERE subscription_id = ?');
  }

  list(): Subscription[] {
    return this.all.all().map((text) => parseStored<Subscription>(text));
  }

  get(id: string): Subscription | undefined {
    const text: unknown = this.one.get(id);
    return text === undefined ? undefined : parseStored<Subscription>(text);
  }

  put(subscription: Subscription): void {
    const text = JSON.stringify(subscription);
    this.batch.write(() => this.upsert.run(subscription.subscription_id, text));
  }

  delete(id: string): boolean {
    return this.batch.write(() => this.remove.run(id).changes > 0);
  }
}
