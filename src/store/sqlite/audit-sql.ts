import type { Database } from 'better-sqlite3';
import { timestampKey } from '../../model/time.js';
import type { AuditEntry, AuditQuery, AuditStore, PeerEvent } from '../audit.js';
import type { Paged } from '../store.js';
import type { GroupCommit } from './group-commit.js';
import { parseStored } from './rows.js';

export const AUDIT_TABLES = `
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  time_key TEXT NOT NULL,
  peer TEXT NOT NULL,
  message_id TEXT NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX audit_time ON audit (time_key);
CREATE INDEX audit_peer ON audit (peer, seq);
CREATE INDEX audit_message ON audit (message_id, seq);

CREATE TABLE peer_events (
  seq INTEGER PRIMARY KEY,
  time_key TEXT NOT NULL,
  peer TEXT NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX peer_events_peer ON peer_events (peer, seq);
CREATE INDEX peer_events_time ON peer_events (time_key);
`;

const FLUSH_INTERVAL_MS = 200;

type Row = { kind: 'entry'; entry: AuditEntry } | { kind: 'event'; event: PeerEvent };

/**
 * The audit trail in the store's database. Entries join a batch of table writes when one
 * is open; otherwise they wait (at most FLUSH_INTERVAL_MS) and are written together, so
 * that recording an acknowledgement never costs a COMMIT of its own. Reads write what
 * waits first.
 */
export class SqliteAuditStore implements AuditStore {
  private waiting: Row[] = [];
  private lost = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly insert;
  private readonly insertEvent;
  private readonly history;
  private readonly purgeEntries;
  private readonly purgeEvents;

  constructor(
    private readonly db: Database,
    private readonly batch: GroupCommit,
  ) {
    this.insert = db.prepare('INSERT INTO audit (time_key, peer, message_id, record) VALUES (?, ?, ?, ?)');
    this.insertEvent = db.prepare('INSERT INTO peer_events (time_key, peer, record) VALUES (?, ?, ?)');
    this.history = db.prepare('SELECT record FROM peer_events WHERE peer = ? ORDER BY seq DESC LIMIT ?').pluck();
    this.purgeEntries = db.prepare('DELETE FROM audit WHERE time_key < ?');
    this.purgeEvents = db.prepare('DELETE FROM peer_events WHERE time_key < ?');
  }

  append(entry: AuditEntry): void {
    this.enqueue({ kind: 'entry', entry });
  }

  /** Writes what waits into the current batch (opening one if needed). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) return;
    const rows = this.waiting;
    this.waiting = [];
    try {
      this.batch.write(() => {
        for (const row of rows) {
          if (row.kind === 'entry') this.insert.run(timestampKey(row.entry.time), row.entry.peer, row.entry.message_id, JSON.stringify(row.entry));
          else this.insertEvent.run(timestampKey(row.event.time), row.event.peer, JSON.stringify(row.event));
        }
      });
    } catch {
      // The batch failed (disk full, I/O) and reports it to its writers; an audit row is never a reason to fail the protocol.
      this.lost += rows.length;
    }
  }

  /** Audit rows that could not be written (their batch failed). */
  get lostRows(): number {
    return this.lost;
  }

  private enqueue(row: Row): void {
    this.waiting.push(row);
    if (this.batch.pending()) return this.flush();
    this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  query(query: AuditQuery): Paged<AuditEntry> {
    this.flush();
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    const condition = (clause: string, value: string) => {
      clauses.push(clause);
      params.push(value);
    };
    if (query.peer !== undefined) condition('peer = ?', query.peer);
    if (query.message_id !== undefined) condition('message_id = ?', query.message_id);
    if (query.since !== undefined) condition('time_key >= ?', timestampKey(query.since));
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    const total = this.db.prepare(`SELECT count(*) FROM audit${where}`).pluck().get(...params) as number;
    const rows = this.db
      .prepare(`SELECT record FROM audit${where} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .pluck()
      .all(...params, query.limit, query.offset);
    return { items: rows.map((text) => parseStored<AuditEntry>(text)), total };
  }

  appendPeerEvent(event: PeerEvent): void {
    this.enqueue({ kind: 'event', event });
  }

  peerHistory(peer: string, limit: number): PeerEvent[] {
    this.flush();
    return this.history.all(peer, limit).map((text) => parseStored<PeerEvent>(text));
  }

  purge(before: string): number {
    this.flush();
    const key = timestampKey(before);
    return this.batch.write(() => this.purgeEntries.run(key).changes + this.purgeEvents.run(key).changes);
  }
}
