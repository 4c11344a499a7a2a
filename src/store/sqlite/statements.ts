import type { Database, Statement } from 'better-sqlite3';

function upsert(table: string, key: string, columns: readonly string[]): string {
  const all = [key, ...columns];
  const updates = columns.map((c) => `${c} = excluded.${c}`).join(', ');
  return (
    `INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map((c) => `@${c}`).join(', ')}) ` +
    `ON CONFLICT (${key}) DO UPDATE SET ${updates}`
  );
}

const CDM_COLUMNS = [
  'status',
  'tca_key',
  'created_key',
  'collision_probability',
  'miss_distance_m',
  'object1_id',
  'object2_id',
  'owner1',
  'owner2',
  'received_key',
  'record',
] as const;

/** The fixed statements of the store, prepared once per connection. */
export function prepareStatements(db: Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    getCdm: p('SELECT record FROM cdms WHERE cdm_id = ?').pluck(),
    cdmBySeq: p('SELECT record FROM cdms WHERE seq = ?').pluck(),
    putCdm: p(upsert('cdms', 'cdm_id', CDM_COLUMNS)),
    // The counted group of a held row (`[status, has_body]`), and a change of a group's count (schema step 6).
    cdmCountGroup: p('SELECT status, tca_key IS NOT NULL FROM cdms WHERE cdm_id = ?').raw(),
    withdrawnCountsBefore: p("SELECT tca_key IS NOT NULL, count(*) FROM cdms WHERE status = 'withdrawn' AND received_key < ? GROUP BY 1").raw(),
    addToCdmCount: p('INSERT INTO cdm_counts (status, has_body, n) VALUES (?, ?, ?) ON CONFLICT (status, has_body) DO UPDATE SET n = n + excluded.n'),
    countActiveCdms: p("SELECT coalesce(sum(n), 0) FROM cdm_counts WHERE status = 'active'").pluck(),
    activeCdmIdsForObject: p(
      "SELECT cdm_id FROM cdms WHERE object1_id = ? AND status = 'active' " +
        "UNION SELECT cdm_id FROM cdms WHERE object2_id = ? AND status = 'active' ORDER BY cdm_id",
    ).pluck(),
    // Both orders of the pair, each through its object index; a row matching both (a == b) once.
    cdmsOfPair: p(
      'SELECT record FROM cdms WHERE seq IN (SELECT seq FROM cdms WHERE object1_id = @a AND object2_id = @b ' +
        'UNION SELECT seq FROM cdms WHERE object1_id = @b AND object2_id = @a) ORDER BY seq',
    ).pluck(),
    // Insertion order (seq), as the reference store's Map iteration; the inner query walks an index.
    activeCdmsWithTcaBefore: p(
      'SELECT record FROM cdms WHERE seq IN (' +
        "SELECT seq FROM cdms WHERE status = 'active' AND tca_key < ? ORDER BY seq LIMIT ?) ORDER BY seq",
    ).pluck(),
    purgeWithdrawnCdms: p("DELETE FROM cdms WHERE status = 'withdrawn' AND received_key < ?"),
    cdmIds: p('SELECT cdm_id FROM cdms ORDER BY seq').pluck(),
    objectIds: p('SELECT object_id FROM objects ORDER BY seq').pluck(),
    maneuverIds: p('SELECT maneuver_id FROM maneuvers ORDER BY seq').pluck(),
    cdmChunk: p('SELECT seq, record FROM cdms WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?').raw(),
    cdmLastSeq: p('SELECT coalesce(max(seq), 0) FROM cdms').pluck(),

    getObject: p('SELECT record FROM objects WHERE object_id = ?').pluck(),
    putObject: p(upsert('objects', 'object_id', ['status', 'object_type', 'owner', 'received_key', 'record'])),
    countActiveObjects: p("SELECT count(*) FROM objects WHERE status = 'active'").pluck(),
    purgeObjects: p('DELETE FROM objects WHERE received_key < ?'),
    objectChunk: p('SELECT seq, record FROM objects WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?').raw(),
    objectLastSeq: p('SELECT coalesce(max(seq), 0) FROM objects').pluck(),

    getManeuver: p('SELECT record FROM maneuvers WHERE maneuver_id = ?').pluck(),
    putManeuver: p(upsert('maneuvers', 'maneuver_id', ['object_id', 'status', 'record'])),
    maneuverChunk: p('SELECT seq, record FROM maneuvers WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?').raw(),
    maneuverLastSeq: p('SELECT coalesce(max(seq), 0) FROM maneuvers').pluck(),

    markSent: p('INSERT OR IGNORE INTO adj_rib_out (peer_id, record_key) VALUES (?, ?)'),
    wasSent: p('SELECT 1 FROM adj_rib_out WHERE peer_id = ? AND record_key = ?').pluck(),
    forgetSent: p('DELETE FROM adj_rib_out WHERE peer_id = ?'),
    unmarkPurgedCdms: p(
      "DELETE FROM adj_rib_out WHERE record_key IN (SELECT 'cdm:' || cdm_id FROM cdms WHERE status = 'withdrawn' AND received_key < ?)",
    ),
    unmarkPurgedObjects: p("DELETE FROM adj_rib_out WHERE record_key IN (SELECT 'object:' || object_id FROM objects WHERE received_key < ?)"),

    listPeers: p('SELECT record FROM peers ORDER BY seq').pluck(),
    putPeer: p(upsert('peers', 'peer_id', ['record'])),
    deletePeer: p('DELETE FROM peers WHERE peer_id = ?'),

    // IMMEDIATE takes the write lock up front: a batch cannot fail later upgrading a read lock.
    begin: p('BEGIN IMMEDIATE'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** Statements whose text depends on the query's filters, prepared on first use and kept. */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get(sql: string): Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
