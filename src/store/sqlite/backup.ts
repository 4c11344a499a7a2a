import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SqliteStoreOpenError, toError } from './errors.js';
import { checkHeader, databaseFile } from './open.js';

const PAGES_PER_STEP = 1000;
const ALL_REMAINING_PAGES = 0x7fffffff;

/**
 * Copies the store of `sourceDir` into `outFile` with SQLite's online backup, page by page,
 * while other connections (this process or another node process) keep reading and writing.
 * The copy is a consistent snapshot of one moment and includes committed WAL content.
 *
 * Restore: stop the node, move `spacecomms.db` aside and delete any `spacecomms.db-wal` and
 * `spacecomms.db-shm` next to it (they belong to the old file), copy the backup in as
 * `spacecomms.db`, start the node. The schema version travels with the file, so a backup
 * from an older program is migrated at open and one from a newer program is refused.
 */
export async function backupSqliteStore(sourceDir: string, outFile: string): Promise<{ pages: number }> {
  const source = databaseFile(sourceDir);
  checkHeader(source);
  let db: Database.Database;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  } catch (error) {
    throw new SqliteStoreOpenError('open_failed', `Cannot open ${source} for backup: ${toError(error).message}`, { cause: error });
  }
  try {
    // The copy holds what the store holds (peer tokens, the audit trail): created private (0600) before a page is written.
    closeSync(openSync(outFile, 'wx', 0o600));
    const result = await db.backup(outFile, { progress: restartAware() });
    chmodSync(outFile, 0o600);
    return { pages: result.totalPages };
  } finally {
    db.close();
  }
}

/**
 * A write by another connection during the backup restarts it; with a busy writer that could
 * repeat forever, so after a restart the rest is copied in one step (under one read snapshot).
 */
function restartAware(): (progress: { totalPages: number; remainingPages: number }) => number {
  let lastRemaining = Number.POSITIVE_INFINITY;
  return ({ remainingPages }) => {
    const restarted = remainingPages > lastRemaining;
    lastRemaining = remainingPages;
    return restarted ? ALL_REMAINING_PAGES : PAGES_PER_STEP;
  };
}
