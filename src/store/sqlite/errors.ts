/** Why a database directory could not be opened as a store. */
export type SqliteStoreErrorCode =
  | 'unusable_directory'
  | 'not_a_database'
  | 'corrupt'
  | 'newer_schema'
  | 'not_wal'
  | 'open_failed';

/** Opening the store was refused; the database file was left as it was found. */
export class SqliteStoreOpenError extends Error {
  override readonly name = 'SqliteStoreOpenError';

  constructor(
    readonly code: SqliteStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
