import { statSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { CdmRecord, ManeuverRecord, ObjectRecord } from '../../model/records.js';
import { timestampKey } from '../../model/time.js';
import type { CdmQuery, ManeuverQuery, ObjectQuery, Page, Paged, Store, StoredPeer } from '../store.js';
import { CANDIDATE_MAX, chooseCdmAccess, cdmCountSql, cdmPageSql, cdmWithoutFieldCountSql, type SqlText, type SqlValue } from './cdm-sql.js';
import { SqliteAuditStore } from './audit-sql.js';
import { SqliteChangeLog, SqliteSubscriptionStore } from './changes-sql.js';
import { Checkpointer } from './checkpointer.js';
import { WalSync } from './wal-sync.js';
import { toError } from './errors.js';
import { GroupCommit } from './group-commit.js';
import { cdmRow, maneuverRow, objectRow, parseStored, peerRow } from './rows.js';
import { StatementCache, prepareStatements, type Statements } from './statements.js';

const ITERATION_CHUNK = 500;
/** Page cache of the connection that reads whole tables (KiB): a scan reads each page once, so a cache only costs memory. */
const SCAN_CACHE_KIB = 2048;

/** The statements of the connection that reads whole tables in chunks (see `SqliteStore.iterate`). */
function prepareScans(db: Database) {
  const chunk = (table: string) => db.prepare(`SELECT seq, record FROM ${table} WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`).raw();
  return { cdms: chunk('cdms'), objects: chunk('objects'), maneuvers: chunk('maneuvers') };
}
type Scans = ReturnType<typeof prepareScans>;

/** The write-ahead log's size limit (bytes) unless the store is opened with another. */
export const DEFAULT_WAL_LIMIT_BYTES = 64 * 1024 * 1024;

/** Equality conditions on trusted column names, values bound as parameters. */
class Filter {
  readonly clauses: string[] = [];
  readonly params: SqlValue[] = [];

  equals(column: string, value: SqlValue): void {
    this.clauses.push(`${column} = ?`);
    this.params.push(value);
  }

  where(): string {
    return this.clauses.length === 0 ? '' : ` WHERE ${this.clauses.join(' AND ')}`;
  }
}

/** Size of the write-ahead log of `file` in bytes, 0 when there is none. */
function walBytes(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

/**
 * The table in a SQLite file. Each record is kept whole as JSON next to indexed columns for
 * every filter and sort, so every query is answered by SQL over indexes. Writes are grouped
 * per event-loop turn (see `GroupCommit`); reads on the same connection see pending writes.
 */
export class SqliteStore implements Store {
  readonly kind = 'file';
  readonly audit: SqliteAuditStore;
  readonly changes: SqliteChangeLog;
  readonly subscriptions: SqliteSubscriptionStore;
  private readonly statements: Statements;
  private readonly dynamic: StatementCache;
  private readonly batch: GroupCommit;
  private closed = false;
  private walLimitBytes = 0;
  private walCheckedAt = 0;
  /** Started once the log holds frames (at open, or after a commit): a node that has not written needs none. */
  private checkpointer: Checkpointer | undefined;
  private readonly checkpointIntervalMs: number;
  private readonly walSync: WalSync;
  /** A second, read-only connection with a small page cache for whole-table reads; opened on first use. */
  private scanner: { db: Database; scans: Scans } | undefined;

  constructor(
    private readonly db: Database,
    readonly file: string,
    private readonly candidateMax = CANDIDATE_MAX,
    wal: { walLimitBytes?: number | undefined; checkpointIntervalMs?: number | undefined } = {},
  ) {
    this.statements = prepareStatements(db);
    this.walSync = new WalSync(`${file}-wal`);
    this.dynamic = new StatementCache(db);
    const s = this.statements;
    this.batch = new GroupCommit({
      begin: () => s.begin.run(),
      commit: () => s.commit.run(),
      rollback: () => s.rollback.run(),
      inTransaction: () => db.inTransaction,
      sync: () => {
        // A commit that changed nothing (maintenance at start with nothing due) leaves the log empty.
        if (this.checkpointer === undefined && walBytes(this.file) > 0) this.startCheckpoints();
        return this.walSync.sync().then(() => this.boundWal());
      },
    });
    this.audit = new SqliteAuditStore(db, this.batch);
    this.changes = new SqliteChangeLog(db, this.batch);
    this.subscriptions = new SqliteSubscriptionStore(db, this.batch);
    // Checkpoints happen in a worker thread; the log file shrinks back to its limit after each reset,
    // and the worker truncates it when sustained writes keep it from resetting.
    const walLimitBytes = wal.walLimitBytes ?? DEFAULT_WAL_LIMIT_BYTES;
    this.walLimitBytes = walLimitBytes;
    db.pragma(`journal_size_limit = ${Math.floor(walLimitBytes)}`);
    db.pragma('wal_autocheckpoint = 0');
    this.checkpointIntervalMs = wal.checkpointIntervalMs ?? 250;
    if (walBytes(file) > 0) this.startCheckpoints();
  }

  /** Starts the checkpoint worker once (a thread: start-up time that a node which has not written yet can skip). */
  private startCheckpoints(): void {
    if (this.checkpointer || this.closed) return;
    this.checkpointer = new Checkpointer(
      this.file,
      () => {
        if (!this.closed) this.db.pragma('wal_autocheckpoint = 1000');
      },
      { intervalMs: this.checkpointIntervalMs, walLimitBytes: this.walLimitBytes },
    );
  }

  /**
   * The worker's checkpoints cannot always take the write lock while writes come back to
   * back; so after a batch is durable and while no other batch is open, the writer itself
   * truncates a log past its limit (checked at most every 20 ms; a short stall, only then).
   */
  private boundWal(): void {
    const now = Date.now();
    if (this.closed || now - this.walCheckedAt < 20 || this.db.inTransaction) return;
    this.walCheckedAt = now;
    if (walBytes(this.file) > this.walLimitBytes) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  getCdm(id: string): CdmRecord | undefined {
    return this.parseOptional<CdmRecord>(this.statements.getCdm.get(id));
  }

  putCdm(record: CdmRecord): void {
    const row = cdmRow(record);
    const s = this.statements;
    this.batch.write(() => {
      const held = s.cdmCountGroup.get(row.cdm_id) as [string, number] | undefined;
      s.putCdm.run(row);
      const hasBody = row.tca_key === null ? 0 : 1;
      if (held && held[0] === row.status && held[1] === hasBody) return;
      if (held) s.addToCdmCount.run(held[0], held[1], -1);
      s.addToCdmCount.run(row.status, hasBody, 1);
    });
  }

  queryCdms(query: CdmQuery): Paged<CdmRecord> {
    const total = this.count(cdmCountSql(query));
    // Records lacking the sort field (tombstones; CDMs without Pc for the Pc sort) come after all others, by cdm_id.
    const withoutFieldSql = cdmWithoutFieldCountSql(query);
    const withoutField = withoutFieldSql ? this.count(withoutFieldSql) : 0;
    const withField = total - withoutField;
    const access = chooseCdmAccess(query, total, this.candidateMax);
    const seqs: number[] = [];
    if (query.limit > 0 && query.offset < withField) {
      seqs.push(...this.seqs(cdmPageSql(query, 'with_field', access, query.limit, query.offset)));
    }
    const remaining = query.limit - seqs.length;
    if (remaining > 0 && withoutField > 0) {
      const offset = Math.max(0, query.offset - withField);
      seqs.push(...this.seqs(cdmPageSql(query, 'without_field', 'walk', remaining, offset)));
    }
    return { items: seqs.map((seq) => parseStored<CdmRecord>(this.statements.cdmBySeq.get(seq))), total };
  }

  countActiveCdms(): number {
    return Number(this.statements.countActiveCdms.get());
  }

  activeCdmIdsForObject(objectId: string): string[] {
    return this.statements.activeCdmIdsForObject.all(objectId, objectId).map(String);
  }

  cdmsOfPair(object1Id: string, object2Id: string): CdmRecord[] {
    return this.statements.cdmsOfPair.all({ a: object1Id, b: object2Id }).map((text) => parseStored<CdmRecord>(text));
  }

  getObject(id: string): ObjectRecord | undefined {
    return this.parseOptional<ObjectRecord>(this.statements.getObject.get(id));
  }

  putObject(record: ObjectRecord): void {
    const row = objectRow(record);
    this.batch.write(() => this.statements.putObject.run(row));
  }

  queryObjects(query: ObjectQuery): Paged<ObjectRecord> {
    const filter = new Filter();
    if (query.status !== 'all') filter.equals('status', query.status);
    if (query.type !== undefined) filter.equals('object_type', query.type);
    if (query.owner !== undefined) filter.equals('owner', query.owner);
    return this.pagedQuery<ObjectRecord>('objects', 'object_id', filter, query);
  }

  countActiveObjects(): number {
    return Number(this.statements.countActiveObjects.get());
  }

  getManeuver(id: string): ManeuverRecord | undefined {
    return this.parseOptional<ManeuverRecord>(this.statements.getManeuver.get(id));
  }

  putManeuver(record: ManeuverRecord): void {
    const row = maneuverRow(record);
    this.batch.write(() => this.statements.putManeuver.run(row));
  }

  queryManeuvers(query: ManeuverQuery): Paged<ManeuverRecord> {
    const filter = new Filter();
    if (query.object_id !== undefined) filter.equals('object_id', query.object_id);
    if (query.status !== undefined) filter.equals('status', query.status);
    return this.pagedQuery<ManeuverRecord>('maneuvers', 'maneuver_id', filter, query);
  }

  iterateCdms(): Iterable<CdmRecord> {
    return this.iterate<CdmRecord>('cdms', this.statements.cdmLastSeq);
  }

  iterateObjects(): Iterable<ObjectRecord> {
    return this.iterate<ObjectRecord>('objects', this.statements.objectLastSeq);
  }

  iterateManeuvers(): Iterable<ManeuverRecord> {
    return this.iterate<ManeuverRecord>('maneuvers', this.statements.maneuverLastSeq);
  }

  activeCdmsWithTcaBefore(time: string, limit: number): CdmRecord[] {
    const rows = this.statements.activeCdmsWithTcaBefore.all(timestampKey(time), Math.max(0, limit));
    return rows.map((text) => parseStored<CdmRecord>(text));
  }

  purgeWithdrawnCdms(changedBefore: string): number {
    const key = timestampKey(changedBefore);
    const s = this.statements;
    return this.batch.write(() => {
      const counts = s.withdrawnCountsBefore.all(key) as [number, number][];
      s.unmarkPurgedCdms.run(key);
      const purged = s.purgeWithdrawnCdms.run(key).changes;
      for (const [hasBody, n] of counts) s.addToCdmCount.run('withdrawn', hasBody, -n);
      return purged;
    });
  }

  purgeObjects(changedBefore: string): number {
    const key = timestampKey(changedBefore);
    return this.batch.write(() => {
      this.statements.unmarkPurgedObjects.run(key);
      return this.statements.purgeObjects.run(key).changes;
    });
  }

  cdmIds(): string[] {
    return this.statements.cdmIds.all() as string[];
  }

  objectIds(): string[] {
    return this.statements.objectIds.all() as string[];
  }

  maneuverIds(): string[] {
    return this.statements.maneuverIds.all() as string[];
  }

  markSent(peerId: string, recordKey: string): void {
    if (this.wasSent(peerId, recordKey)) return;
    this.batch.write(() => this.statements.markSent.run(peerId, recordKey));
  }

  wasSent(peerId: string, recordKey: string): boolean {
    return this.statements.wasSent.get(peerId, recordKey) !== undefined;
  }

  forgetSent(peerId: string): void {
    this.batch.write(() => this.statements.forgetSent.run(peerId));
  }

  listPeers(): StoredPeer[] {
    return this.statements.listPeers.all().map((text) => parseStored<StoredPeer>(text));
  }

  putPeer(peer: StoredPeer): void {
    const row = peerRow(peer);
    this.batch.write(() => this.statements.putPeer.run(row));
  }

  deletePeer(id: string): boolean {
    return this.batch.write(() => this.statements.deletePeer.run(id).changes > 0);
  }

  durable(): Promise<void> {
    return this.batch.durable();
  }

  /** The error of the last failed commit, undefined once a later commit succeeds (for health checks). */
  lastWriteError(): Error | undefined {
    return this.batch.lastError();
  }

  /** Commits pending writes, lets SQLite refresh its statistics, closes; rejects if the last commit failed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.audit.flush();
    const hadPending = this.batch.pending();
    this.batch.flush();
    const failure = hadPending ? this.batch.lastError() : undefined;
    await this.batch.durable().catch(() => undefined);
    await this.walSync.close();
    await this.checkpointer?.stop();
    this.scanner?.db.close();
    try {
      this.db.pragma('optimize');
    } finally {
      this.db.close();
    }
    if (failure) throw toError(failure);
  }

  private count(query: SqlText): number {
    return Number(this.dynamic.get(query.sql).pluck().get(...query.params));
  }

  /** The first column of each row: the `seq` of a page's records, in order. */
  private seqs(query: SqlText): number[] {
    return this.dynamic
      .get(query.sql)
      .raw()
      .all(...query.params)
      .map((row) => Number((row as unknown[])[0]));
  }

  private records<T>(query: SqlText): T[] {
    return this.dynamic
      .get(query.sql)
      .pluck()
      .all(...query.params)
      .map((text) => parseStored<T>(text));
  }

  /** A page of a table ordered by its key, with equality filters (objects, maneuvers). */
  private pagedQuery<T>(table: string, key: string, filter: Filter, page: Page): Paged<T> {
    const where = filter.where();
    const total = this.count({ sql: `SELECT count(*) FROM ${table}${where}`, params: filter.params });
    if (page.limit <= 0) return { items: [], total };
    const sql = `SELECT record FROM ${table}${where} ORDER BY ${key} LIMIT ? OFFSET ?`;
    return { items: this.records<T>({ sql, params: [...filter.params, page.limit, page.offset] }), total };
  }

  private scanStatements(): Scans {
    if (!this.scanner) {
      const db = new BetterSqlite3(this.file, { readonly: true, fileMustExist: true });
      db.pragma('trusted_schema = OFF');
      db.pragma(`cache_size = -${SCAN_CACHE_KIB}`);
      this.scanner = { db, scans: prepareScans(db) };
    }
    return this.scanner.scans;
  }

  private parseOptional<T>(text: unknown): T | undefined {
    return text === undefined ? undefined : parseStored<T>(text);
  }

  /**
   * Reads in chunks by `seq`. Rows added after the iteration began (a larger `seq`) are
   * left out, so that a full sync to a peer does not send back what the peer is sending
   * meanwhile. A record is read at most one chunk ahead of its turn.
   *
   * Chunks are read on a second connection with a small page cache where it can: a whole
   * table read (a full sync, the event index) would otherwise fill the writer's 64 MiB
   * cache with pages it never needs again, and that memory stays with the process. That
   * connection sees committed writes only, so it is used only while no write batch is open
   * (between batches everything written so far is committed): the next chunk is read ahead
   * on it at the first step that finds no batch open. A chunk needed while a batch is open
   * and none was read ahead is read on the writer's connection, which sees every write.
   */
  private iterate<T>(table: keyof Scans, lastSeq: Statements['cdmLastSeq']): Iterable<T> {
    const own = { cdms: this.statements.cdmChunk, objects: this.statements.objectChunk, maneuvers: this.statements.maneuverChunk }[table];
    const read = (after: number, last: number): unknown[][] => {
      const statement = this.batch.pending() ? own : this.scanStatements()[table];
      return statement.all(after, last, ITERATION_CHUNK) as unknown[][];
    };
    const pending = () => this.batch.pending();
    return {
      *[Symbol.iterator]() {
        const last = Number(lastSeq.get());
        let rows = read(0, last);
        let ahead: unknown[][] | undefined;
        for (;;) {
          const full = rows.length === ITERATION_CHUNK;
          const end = Number(rows.at(-1)?.[0] ?? last);
          for (const [, text] of rows) {
            if (full && !ahead && !pending()) ahead = read(end, last);
            yield parseStored<T>(text);
          }
          if (!full) return;
          rows = ahead ?? read(end, last);
          ahead = undefined;
        }
      },
    };
  }
}
