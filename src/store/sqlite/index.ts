export { backupSqliteStore } from './backup.js';
export { SqliteStoreOpenError, type SqliteStoreErrorCode } from './errors.js';
export { DATABASE_FILE_NAME, databaseFile, openSqliteStore, type SqliteStoreOptions } from './open.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './schema.js';
export { SqliteStore } from './sqlite-store.js';
