import type { Database } from 'better-sqlite3';
import { AUDIT_TABLES } from './audit-sql.js';
import { CHANGE_TABLES } from './changes-sql.js';
import { SqliteStoreOpenError } from './errors.js';

/** One step of the schema history; `sql` runs inside the migration transaction. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/*
 * Every table has an explicit `seq INTEGER PRIMARY KEY` (a rowid alias, so VACUUM keeps it):
 * an upsert keeps the row's `seq` and a new row gets max+1, which reproduces the insertion
 * order of the in-memory store (`Map`) for iteration, peers and TCA expiry.
 * Time columns hold `timestampKey()` values so that text comparison is exact.
 */
const V1_TABLES = `
CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL
) STRICT;

CREATE TABLE cdms (
  seq INTEGER PRIMARY KEY,
  cdm_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  tca_key TEXT,
  created_key TEXT,
  collision_probability REAL,
  miss_distance_m REAL,
  object1_id TEXT,
  object2_id TEXT,
  owner1 TEXT,
  owner2 TEXT,
  received_key TEXT NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX cdms_status_tca ON cdms (status, tca_key, cdm_id);
CREATE INDEX cdms_status_created ON cdms (status, created_key, cdm_id);
CREATE INDEX cdms_status_probability ON cdms (status, collision_probability, cdm_id);
CREATE INDEX cdms_status_miss ON cdms (status, miss_distance_m, cdm_id);
CREATE INDEX cdms_status_received ON cdms (status, received_key);
CREATE INDEX cdms_object1 ON cdms (object1_id, status);
CREATE INDEX cdms_object2 ON cdms (object2_id, status);
CREATE INDEX cdms_owner1 ON cdms (owner1, status);
CREATE INDEX cdms_owner2 ON cdms (owner2, status);

-- Row counts per (status, has a body), kept by triggers, so that unfiltered totals cost O(1).
CREATE TABLE cdm_counts (
  status TEXT NOT NULL,
  has_body INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (status, has_body)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER cdm_counts_insert AFTER INSERT ON cdms BEGIN
  INSERT INTO cdm_counts (status, has_body, n) VALUES (NEW.status, NEW.tca_key IS NOT NULL, 1)
    ON CONFLICT (status, has_body) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER cdm_counts_delete AFTER DELETE ON cdms BEGIN
  UPDATE cdm_counts SET n = n - 1 WHERE status = OLD.status AND has_body = (OLD.tca_key IS NOT NULL);
END;
CREATE TRIGGER cdm_counts_update AFTER UPDATE OF status, tca_key ON cdms
  WHEN OLD.status IS NOT NEW.status OR (OLD.tca_key IS NULL) IS NOT (NEW.tca_key IS NULL)
BEGIN
  UPDATE cdm_counts SET n = n - 1 WHERE status = OLD.status AND has_body = (OLD.tca_key IS NOT NULL);
  INSERT INTO cdm_counts (status, has_body, n) VALUES (NEW.status, NEW.tca_key IS NOT NULL, 1)
    ON CONFLICT (status, has_body) DO UPDATE SET n = n + 1;
END;

CREATE TABLE objects (
  seq INTEGER PRIMARY KEY,
  object_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  object_type TEXT,
  owner TEXT,
  received_key TEXT NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX objects_status ON objects (status, object_id);
CREATE INDEX objects_type ON objects (object_type, status, object_id);
CREATE INDEX objects_owner ON objects (owner, status, object_id);
CREATE INDEX objects_received ON objects (received_key);

CREATE TABLE maneuvers (
  seq INTEGER PRIMARY KEY,
  maneuver_id TEXT NOT NULL UNIQUE,
  object_id TEXT NOT NULL,
  status TEXT NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX maneuvers_object ON maneuvers (object_id, status, maneuver_id);
CREATE INDEX maneuvers_status ON maneuvers (status, maneuver_id);

CREATE TABLE peers (
  seq INTEGER PRIMARY KEY,
  peer_id TEXT NOT NULL UNIQUE,
  record TEXT NOT NULL
) STRICT;
`;

/** Per-peer Adj-RIB-Out: the records sent to each peer. */
const ADJ_RIB_OUT = `
CREATE TABLE adj_rib_out (
  peer_id TEXT NOT NULL,
  record_key TEXT NOT NULL,
  PRIMARY KEY (peer_id, record_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX adj_rib_out_record ON adj_rib_out (record_key);
`;

/**
 * The counts of `cdm_counts` are kept by the store's writes (`SqliteStore`), in the same
 * transaction, instead of by triggers: a trigger makes every insert into `cdms` run as a
 * statement sub-transaction that copies each page it touches to a statement journal first,
 * which doubled the cost of a CDM write. The counts are recomputed once here.
 */
const COUNTS_BY_WRITER = `
DROP TRIGGER cdm_counts_insert;
DROP TRIGGER cdm_counts_delete;
DROP TRIGGER cdm_counts_update;
DELETE FROM cdm_counts;
INSERT INTO cdm_counts (status, has_body, n) SELECT status, tca_key IS NOT NULL, count(*) FROM cdms GROUP BY 1, 2;
`;

/** The schema history, oldest first; append a step to change the schema, never edit one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'records, indexes and peers', sql: V1_TABLES },
  { version: 2, description: 'audit trail and peer connection history', sql: AUDIT_TABLES },
  { version: 3, description: 'per-peer Adj-RIB-Out', sql: ADJ_RIB_OUT },
  { version: 5, description: 'change log and webhook subscriptions', sql: CHANGE_TABLES },
  { version: 6, description: 'CDM counts kept by the writer, not by triggers', sql: COUNTS_BY_WRITER },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

export function readUserVersion(db: Database): number {
  const version: unknown = db.pragma('user_version', { simple: true });
  return typeof version === 'number' ? version : 0;
}

export function newerSchemaError(file: string, found: number, known = SCHEMA_VERSION): SqliteStoreOpenError {
  return new SqliteStoreOpenError(
    'newer_schema',
    `${file} has schema version ${found}, newer than version ${known} known to this program: ` +
      'refusing to open it (upgrade the program, or restore a backup made by this version); the file was not modified',
  );
}

/**
 * Brings the schema up to date in one IMMEDIATE transaction, so that two processes opening
 * the same file at once cannot both run a step (the version is read under the write lock).
 */
export function migrate(db: Database, file: string, now: () => Date, migrations: readonly Migration[] = MIGRATIONS): void {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const run = db.transaction(() => {
    const current = readUserVersion(db);
    if (current > latest) throw newerSchemaError(file, current, latest);
    for (const step of [...migrations].sort((a, b) => a.version - b.version)) {
      if (step.version <= current) continue;
      db.exec(step.sql);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        step.version,
        step.description,
        now().toISOString(),
      );
      db.pragma(`user_version = ${step.version}`);
    }
  });
  run.immediate();
}
