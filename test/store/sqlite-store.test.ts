import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, SqliteStoreOpenError, databaseFile, openSqliteStore, type Migration, type SqliteStore } from '../../src/store/sqlite/index.js';
import { migrate } from '../../src/store/sqlite/schema.js';
import { makeCdmRecord, makePeer } from './records.js';
import { tempDir } from './store-harness.js';

const dirs: string[] = [];
const stores: SqliteStore[] = [];

function freshDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

function open(dir: string): SqliteStore {
  const store = openSqliteStore(dir, { now: () => new Date('2026-05-01T00:00:00Z') });
  stores.push(store);
  return store;
}

/** The store's connection, for pragmas and fault injection only. */
function connectionOf(store: SqliteStore): Database.Database {
  return (store as unknown as { db: Database.Database }).db;
}

function expectOpenError(dir: string, code: string, ...fragments: string[]): void {
  let caught: unknown;
  try {
    open(dir);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SqliteStoreOpenError);
  const error = caught as SqliteStoreOpenError;
  expect(error.code).toBe(code);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('openSqliteStore', () => {
  it('creates the directory with mode 0700, one WAL database whose COMMIT leaves the fsync to WalSync', () => {
    const dir = path.join(freshDir(), 'nested', 'store');
    const store = open(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(path.join(dir, 'spacecomms.db'))).toBe(true);
    const db = connectionOf(store);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('leaves the mode of an existing directory alone', () => {
    const dir = freshDir();
    fs.chmodSync(dir, 0o750);
    open(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o750);
  });

  it('keeps records and peers across reopen and migrates only once', async () => {
    const dir = freshDir();
    const first = open(dir);
    first.putCdm(makeCdmRecord({ cdm_id: 'KEEP-1' }));
    first.putPeer(makePeer('peer-1'));
    await first.close();
    const second = open(dir);
    expect(second.getCdm('KEEP-1')?.cdm_id).toBe('KEEP-1');
    expect(second.listPeers()).toEqual([makePeer('peer-1')]);
    const log = connectionOf(second).prepare('SELECT version, applied_at FROM schema_migrations').all();
    expect(log).toEqual(MIGRATIONS.map((m) => ({ version: m.version, applied_at: '2026-05-01T00:00:00.000Z' })));
  });

  it('refuses a file that is not a SQLite database and leaves it unmodified', () => {
    const dir = freshDir();
    const file = databaseFile(dir);
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(20));
    const before = fs.readFileSync(file);
    expectOpenError(dir, 'not_a_database', file, 'not a SQLite database');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['spacecomms.db']);
  });

  it('refuses a corrupt database and leaves it unmodified', async () => {
    const dir = freshDir();
    const store = open(dir);
    store.putCdm(makeCdmRecord({ cdm_id: 'C-1' }));
    await store.close();
    stores.pop();
    const file = databaseFile(dir);
    const bytes = fs.readFileSync(file);
    bytes.fill(0xa5, 100, 4096); // the schema table's page, after the header
    fs.writeFileSync(file, bytes);
    expectOpenError(dir, 'corrupt', file, 'refusing to open');
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a database with a newer schema, naming both versions, and leaves it unmodified', () => {
    const dir = freshDir();
    const file = databaseFile(dir);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE future (x)');
    db.pragma(`user_version = ${SCHEMA_VERSION + 41}`);
    db.close();
    const before = fs.readFileSync(file);
    expectOpenError(dir, 'newer_schema', `schema version ${SCHEMA_VERSION + 41}`, `version ${SCHEMA_VERSION} known`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a store path that is a file', () => {
    const dir = freshDir();
    const notADir = path.join(dir, 'plain-file');
    fs.writeFileSync(notADir, 'x');
    expectOpenError(notADir, 'unusable_directory', notADir);
  });
});

describe('schema migrations', () => {
  const now = () => new Date('2026-06-01T00:00:00Z');

  /** A database at the current schema version. */
  async function currentVersionFile(): Promise<string> {
    const dir = freshDir();
    await open(dir).close();
    stores.pop();
    return databaseFile(dir);
  }

  it('runs the steps newer than the file, in one transaction, and records them', async () => {
    const file = await currentVersionFile();
    const db = new Database(file);
    try {
      const next: Migration = { version: SCHEMA_VERSION + 1, description: 'notes', sql: 'ALTER TABLE cdms ADD COLUMN note TEXT;' };
      migrate(db, file, now, [...MIGRATIONS, next]);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([...MIGRATIONS.map((m) => m.version), SCHEMA_VERSION + 1]);
      expect(db.prepare("SELECT count(*) FROM pragma_table_info('cdms') WHERE name = 'note'").pluck().get()).toBe(1);
      migrate(db, file, now, [...MIGRATIONS, next]);
      expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length + 1);
    } finally {
      db.close();
    }
  });

  it('step 6 replaces the count triggers by counts the store keeps, recomputed from the rows a version 5 file holds', () => {
    const dir = freshDir();
    const file = databaseFile(dir);
    fs.mkdirSync(dir, { recursive: true });
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    migrate(old, file, now, MIGRATIONS.filter((m) => m.version <= 5));
    const insert = old.prepare("INSERT INTO cdms (cdm_id, status, tca_key, received_key, record) VALUES (?, ?, ?, '2026-01-01T00:00:00.000000000', '{}')");
    for (const [id, status, tca] of [['A', 'active', 'k'], ['B', 'active', 'k'], ['C', 'withdrawn', 'k'], ['D', 'withdrawn', null]] as const) insert.run(id, status, tca);
    // Counts a version 5 file might hold wrongly; step 6 recomputes them from the rows.
    old.exec('UPDATE cdm_counts SET n = n + 7');
    old.close();
    const store = open(dir);
    const db = connectionOf(store);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT status, has_body, n FROM cdm_counts ORDER BY 1, 2').raw().all()).toEqual([
      ['active', 1, 2],
      ['withdrawn', 0, 1],
      ['withdrawn', 1, 1],
    ]);
    expect(store.countActiveCdms()).toBe(2);
  });

  it('rolls a failing step back completely', async () => {
    const file = await currentVersionFile();
    const db = new Database(file);
    try {
      const broken: Migration = { version: SCHEMA_VERSION + 1, description: 'broken', sql: 'CREATE TABLE half (x); INSERT INTO missing VALUES (1);' };
      expect(() => migrate(db, file, now, [...MIGRATIONS, broken])).toThrow(/missing/);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('SqliteStore writes', () => {
  it('keeps the CDM counts through inserts, rewrites, status changes, tombstones filled in and purges', async () => {
    const store = open(freshDir());
    const counts = () => connectionOf(store).prepare('SELECT status, has_body, n FROM cdm_counts WHERE n != 0 ORDER BY 1, 2').raw().all();
    const truth = () => connectionOf(store).prepare('SELECT status, tca_key IS NOT NULL, count(*) FROM cdms GROUP BY 1, 2 ORDER BY 1, 2').raw().all();
    store.putCdm(makeCdmRecord({ cdm_id: 'A' }));
    store.putCdm(makeCdmRecord({ cdm_id: 'A' }));
    store.putCdm(makeCdmRecord({ cdm_id: 'B', tombstone: true, received_at: '2026-01-01T00:00:00Z' }));
    store.putCdm(makeCdmRecord({ cdm_id: 'C', status: 'withdrawn', received_at: '2026-01-01T00:00:00Z' }));
    expect(counts()).toEqual(truth());
    store.putCdm(makeCdmRecord({ cdm_id: 'A', status: 'withdrawn', received_at: '2026-03-01T00:00:00Z' }));
    store.putCdm(makeCdmRecord({ cdm_id: 'B', status: 'withdrawn', received_at: '2026-01-01T00:00:00Z' }));
    expect(counts()).toEqual(truth());
    expect(store.purgeWithdrawnCdms('2026-02-01T00:00:00Z')).toBe(2);
    expect(counts()).toEqual(truth());
    expect(counts()).toEqual([['withdrawn', 1, 1]]);
    await store.durable();
    expect(store.queryCdms({ status: 'all', limit: 10, offset: 0, sort: { field: 'tca', descending: false } }).total).toBe(1);
  });

  it('shares one commit for the writes of one turn; reads see pending writes', async () => {
    const dir = freshDir();
    const store = open(dir);
    const observer = new Database(databaseFile(dir), { readonly: true });
    try {
      const committed = () => observer.prepare('SELECT count(*) AS n FROM cdms').get() as { n: number };
      for (let i = 0; i < 5; i++) store.putCdm(makeCdmRecord({ cdm_id: `G-${i}` }));
      expect(store.countActiveCdms()).toBe(5);
      expect(committed().n).toBe(0);
      const waits = [store.durable(), store.durable()];
      await Promise.all(waits);
      expect(committed().n).toBe(5);
    } finally {
      observer.close();
    }
  });

  it('rejects durable() when COMMIT fails, rolls back, reports the error and stays usable', async () => {
    const dir = freshDir();
    const store = open(dir);
    const db = connectionOf(store);
    // A deferred foreign key is checked at COMMIT: a trigger makes the 'POISON' batch fail there.
    db.exec(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER poison AFTER INSERT ON cdms WHEN NEW.cdm_id = 'POISON' BEGIN INSERT INTO child VALUES (42); END;
    `);
    db.pragma('foreign_keys = ON');

    store.putCdm(makeCdmRecord({ cdm_id: 'LOST-1' }));
    store.putCdm(makeCdmRecord({ cdm_id: 'POISON' }));
    await expect(store.durable()).rejects.toThrow(/FOREIGN KEY/);
    expect(store.lastWriteError()?.message).toMatch(/FOREIGN KEY/);
    expect(store.getCdm('LOST-1')).toBeUndefined();

    store.putCdm(makeCdmRecord({ cdm_id: 'KEPT-1' }));
    await store.durable();
    expect(store.lastWriteError()).toBeUndefined();
    expect(store.getCdm('KEPT-1')?.cdm_id).toBe('KEPT-1');
  });

  it('commits pending writes on close()', async () => {
    const dir = freshDir();
    const store = open(dir);
    store.putCdm(makeCdmRecord({ cdm_id: 'AT-CLOSE' }));
    await store.close();
    await store.close();
    stores.pop();
    expect(open(dir).getCdm('AT-CLOSE')?.cdm_id).toBe('AT-CLOSE');
  });
});
