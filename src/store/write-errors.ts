/** What a client or peer is told when the node's disk is full. */
export const STORAGE_FULL_MESSAGE =
  "The node's disk is full: the write was not stored, marked seen or forwarded; retry once space is freed";

const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/**
 * Whether a store write failed because the disk (or the quota) is full: SQLite's
 * `SQLITE_FULL` ("database or disk is full") or the system's `ENOSPC`/`EDQUOT`, on the
 * error or any error in its `cause` chain.
 */
export function isStorageFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && FULL_CODES.has(code)) return true;
    if (/database or disk is full/i.test(e.message)) return true;
  }
  return false;
}
