import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStoreOpenError, toError } from './errors.js';
import { SCHEMA_VERSION, migrate, newerSchemaError, readUserVersion } from './schema.js';
import { SqliteStore } from './sqlite-store.js';

export const DATABASE_FILE_NAME = 'spacecomms.db';

export interface SqliteStoreOptions {
  /** Clock for the migration log (tests). */
  now?: () => Date;
  /** How long a write waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
  /**
   * Up to this many matches, a filtered CDM list (owner, probability) is collected through the
   * filter's index and sorted; above it, the sort index is walked (default `CANDIDATE_MAX`).
   */
  candidateMax?: number;
  /**
   * The write-ahead log is truncated by a blocking checkpoint whenever it has grown past
   * this size (bytes; default 64 MiB); passive checkpoints cannot restart a log that
   * writes never leave idle.
   */
  walLimitBytes?: number;
  /** How often the checkpoint worker copies the log into the database (ms, default 250). */
  checkpointIntervalMs?: number;
}

const SQLITE_MAGIC = 'SQLite format 3\0';
const HEADER_SIZE = 100;
const USER_VERSION_OFFSET = 60;

/**
 * Opens (creating if needed) the store in `dir`. Throws `SqliteStoreOpenError` with a
 * message naming the problem when the file is not a SQLite database, is corrupt or has a
 * newer schema; in those cases the file is not modified.
 */
export function openSqliteStore(dir: string, options: SqliteStoreOptions = {}): SqliteStore {
  ensureDirectory(dir);
  const file = databaseFile(dir);
  checkHeader(file);
  ownerOnly(file);
  const db = connect(file, options.busyTimeoutMs ?? 5000);
  try {
    verifyReadable(db, file);
    configureDurability(db, file);
    migrate(db, file, options.now ?? (() => new Date()));
    return new SqliteStore(db, file, options.candidateMax, { walLimitBytes: options.walLimitBytes, checkpointIntervalMs: options.checkpointIntervalMs });
  } catch (error) {
    db.close();
    throw asOpenError(error, file);
  }
}

/**
 * The database holds peer tokens and the audit trail: it is created, and kept, readable by
 * the node's user only (mode 0600). SQLite creates its `-wal` and `-shm` files with the
 * database file's mode; existing ones are set to 0600 too.
 */
export function ownerOnly(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  } catch (error) {
    throw new SqliteStoreOpenError('open_failed', `Cannot create ${file}: ${toError(error).message}`, { cause: error });
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(path, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new SqliteStoreOpenError('open_failed', `Cannot make ${path} private (mode 0600): ${toError(error).message}`, { cause: error });
    }
  }
}

export function databaseFile(dir: string): string {
  return path.join(dir, DATABASE_FILE_NAME);
}

function ensureDirectory(dir: string): void {
  try {
    // `mode` applies only to directories created here; an existing one keeps its mode.
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SqliteStoreOpenError('unusable_directory', `Cannot create the store directory ${dir}: ${toError(error).message}`, {
      cause: error,
    });
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw new SqliteStoreOpenError('unusable_directory', `The store path ${dir} exists and is not a directory`);
  }
}

/** Reads the 100-byte header without SQLite, so that a foreign file is refused untouched. */
export function checkHeader(file: string): void {
  let header: Buffer;
  try {
    header = readHeader(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SqliteStoreOpenError('open_failed', `Cannot read ${file}: ${toError(error).message}`, { cause: error });
  }
  if (header.length === 0) return; // an empty file is a new database to SQLite
  if (header.length < HEADER_SIZE || header.toString('latin1', 0, SQLITE_MAGIC.length) !== SQLITE_MAGIC) {
    throw new SqliteStoreOpenError(
      'not_a_database',
      `${file} is not a SQLite database (its header does not start with "SQLite format 3"): refusing to open it; the file was not modified`,
    );
  }
  const version = header.readUInt32BE(USER_VERSION_OFFSET);
  if (version > SCHEMA_VERSION) throw newerSchemaError(file, version);
}

function readHeader(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_SIZE);
    const read = fs.readSync(fd, buffer, 0, HEADER_SIZE, 0);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function connect(file: string, timeout: number): Database.Database {
  try {
    return new Database(file, { timeout });
  } catch (error) {
    throw new SqliteStoreOpenError('open_failed', `Cannot open ${file}: ${toError(error).message}`, { cause: error });
  }
}

/** Reads the header and the schema before anything is written, to refuse a damaged file untouched. */
function verifyReadable(db: Database.Database, file: string): void {
  try {
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    throw new SqliteStoreOpenError(
      'corrupt',
      `${file} cannot be read as a SQLite database (${toError(error).message}): refusing to open it; the file was not modified`,
      { cause: error },
    );
  }
  // The header may be older than a version committed in the write-ahead log.
  const version = readUserVersion(db);
  if (version > SCHEMA_VERSION) throw newerSchemaError(file, version);
}

/**
 * WAL lets readers (API queries, backups) run while a batch is written. `synchronous =
 * NORMAL` keeps fsync out of COMMIT, which runs on the event loop; durability before an
 * acknowledgement comes from `WalSync`, which flushes the log off the event loop before
 * `durable()` resolves (see wal-sync.ts).
 */
function configureDurability(db: Database.Database, file: string): void {
  const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') {
    throw new SqliteStoreOpenError('not_wal', `${file}: SQLite refused write-ahead logging (journal mode is ${String(mode)})`);
  }
  db.pragma('synchronous = NORMAL');
  // Deleted content (a removed peer's token, purged records) is overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('trusted_schema = OFF');
  // Up to 64 MiB of page cache, allocated as used: ten indexes on random keys make a small cache thrash.
  db.pragma('cache_size = -65536');
}

function asOpenError(error: unknown, file: string): SqliteStoreOpenError {
  if (error instanceof SqliteStoreOpenError) return error;
  return new SqliteStoreOpenError('open_failed', `Cannot open the store ${file}: ${toError(error).message}`, { cause: error });
}
