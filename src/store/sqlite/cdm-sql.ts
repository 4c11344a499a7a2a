import { timestampKey } from '../../model/time.js';
import type { CdmQuery, CdmSortField } from '../store.js';

export type SqlValue = string | number;

/** A statement's text and its positional parameters. */
export interface SqlText {
  sql: string;
  params: SqlValue[];
}

/** Which part of the list: records that have the sort field, or tombstones that lack it (listed last). */
export type CdmSegment = 'with_field' | 'without_field';

/**
 * How a page is found. `walk` reads the sort index in order and stops after the page; the
 * others collect the few matching rows through a filter's index and sort them. Index choice
 * is fixed here (INDEXED BY / NOT INDEXED) rather than left to SQLite, whose choice depends on
 * statistics that a growing table may not have yet.
 */
export type CdmAccess = 'object' | 'owner' | 'probability' | 'walk';

/** Up to this many matches, collecting them through a filter index beats walking the sort index. */
export const CANDIDATE_MAX = 5000;

const SORT_COLUMNS: Record<CdmSortField, { column: string; index: string }> = {
  created_at: { column: 'created_key', index: 'cdms_status_created' },
  tca: { column: 'tca_key', index: 'cdms_status_tca' },
  collision_probability: { column: 'collision_probability', index: 'cdms_status_probability' },
  miss_distance_m: { column: 'miss_distance_m', index: 'cdms_status_miss' },
};

const STATUSES = ['active', 'withdrawn'] as const;

const PARTY_INDEXES: Record<string, string> = {
  object1_id: 'cdms_object1',
  object2_id: 'cdms_object2',
  owner1: 'cdms_owner1',
  owner2: 'cdms_owner2',
};

interface Clauses {
  clauses: string[];
  params: SqlValue[];
}

function statuses(q: CdmQuery): string[] {
  return q.status === 'all' ? [...STATUSES] : [q.status];
}

function hasProbabilityBound(q: CdmQuery): q is CdmQuery & { min_probability: number } {
  return q.min_probability !== undefined && !Number.isNaN(q.min_probability);
}

/** The conditions of `cdmMatches()` (`../cdm-query.ts`) on the CDM body; status is separate. */
export function cdmBodyFilter(q: CdmQuery): Clauses {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, ...values: SqlValue[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (q.object_id !== undefined) add('(object1_id = ? OR object2_id = ?)', q.object_id, q.object_id);
  if (q.owner !== undefined) add('(owner1 = ? OR owner2 = ?)', q.owner, q.owner);
  // `x < NaN` never excludes in the reference filter, but NaN would bind as NULL here.
  if (hasProbabilityBound(q)) add('collision_probability >= ?', q.min_probability);
  else if (q.min_probability !== undefined) add('collision_probability IS NOT NULL');
  if (q.tca_from !== undefined) add('tca_key >= ?', timestampKey(q.tca_from));
  if (q.tca_to !== undefined) add('tca_key <= ?', timestampKey(q.tca_to));
  return { clauses, params };
}

/** A filter on the body excludes tombstones, whose body columns are null. */
export function needsBody(q: CdmQuery): boolean {
  return cdmBodyFilter(q).clauses.length > 0;
}

export function chooseCdmAccess(q: CdmQuery, total: number, candidateMax = CANDIDATE_MAX): CdmAccess {
  if (q.object_id !== undefined) return 'object';
  if (total > candidateMax) return 'walk';
  if (q.owner !== undefined) return 'owner';
  if (hasProbabilityBound(q)) return 'probability';
  return 'walk';
}

function statusClause(q: CdmQuery): Clauses {
  const list = statuses(q);
  return { clauses: [`status IN (${list.map(() => '?').join(', ')})`], params: list };
}

function where(...parts: Clauses[]): Clauses & { text: string } {
  const clauses = parts.flatMap((p) => p.clauses);
  const params = parts.flatMap((p) => p.params);
  return { clauses, params, text: clauses.length === 0 ? '' : ` WHERE ${clauses.join(' AND ')}` };
}

/** The rows of one filter's index, as a `seq IN (...)` set. */
function candidates(q: CdmQuery, access: Exclude<CdmAccess, 'walk'>): Clauses {
  if (access === 'probability') {
    const status = statusClause(q);
    const sql = `SELECT seq FROM cdms INDEXED BY cdms_status_probability WHERE ${status.clauses[0]} AND collision_probability >= ?`;
    return { clauses: [`seq IN (${sql})`], params: [...status.params, q.min_probability ?? 0] };
  }
  const value = (access === 'object' ? q.object_id : q.owner) ?? '';
  const sides = access === 'object' ? ['object1_id', 'object2_id'] : ['owner1', 'owner2'];
  // Either side of the conjunction may match; IN ignores a row found twice.
  const sql = sides.map((column) => `SELECT seq FROM cdms INDEXED BY ${PARTY_INDEXES[column]} WHERE ${column} = ?`).join(' UNION ALL ');
  return { clauses: [`seq IN (${sql})`], params: [value, value] };
}

/**
 * Number of records matching the query: from `cdm_counts` (kept by the store's writes) without a body
 * filter, else counted through the narrowest index the filters allow.
 */
export function cdmCountSql(q: CdmQuery): SqlText {
  const driving = q.object_id !== undefined ? 'object' : q.owner !== undefined ? 'owner' : undefined;
  if (driving) {
    const status = q.status === 'all' ? { clauses: [], params: [] } : statusClause(q);
    const w = where(candidates(q, driving), status, cdmBodyFilter(q));
    return { sql: `SELECT count(*) FROM cdms NOT INDEXED${w.text}`, params: w.params };
  }
  if (!needsBody(q)) {
    const status = statusClause(q);
    return { sql: `SELECT coalesce(sum(n), 0) FROM cdm_counts WHERE ${status.clauses[0]}`, params: status.params };
  }
  const hasTcaRange = q.tca_from !== undefined || q.tca_to !== undefined;
  const index = hasProbabilityBound(q) ? 'cdms_status_probability' : hasTcaRange ? 'cdms_status_tca' : 'cdms_status_received';
  const w = where(statusClause(q), cdmBodyFilter(q));
  return { sql: `SELECT count(*) FROM cdms INDEXED BY ${index}${w.text}`, params: w.params };
}

/** Number of tombstones in the query's statuses (only asked when no body filter is set). */
export function cdmTombstoneCountSql(q: CdmQuery): SqlText {
  const status = statusClause(q);
  return { sql: `SELECT coalesce(sum(n), 0) FROM cdm_counts WHERE ${status.clauses[0]} AND has_body = 0`, params: status.params };
}

/**
 * Number of records listed after the others because they lack the sort field: tombstones,
 * and for the Pc sort also CDMs without `collision_probability` (optional in CCSDS 508.0).
 */
export function cdmWithoutFieldCountSql(q: CdmQuery): SqlText | undefined {
  if (q.sort.field === 'collision_probability') {
    const w = where(statusClause(q), cdmBodyFilter(q), { clauses: ['collision_probability IS NULL'], params: [] });
    return { sql: `SELECT count(*) FROM cdms INDEXED BY cdms_status_probability${w.text}`, params: w.params };
  }
  return needsBody(q) ? undefined : cdmTombstoneCountSql(q);
}

/** The `seq` of each record of one page of one segment, in list order. */
export function cdmPageSql(q: CdmQuery, segment: CdmSegment, access: CdmAccess, limit: number, offset: number): SqlText {
  const { column, index } = SORT_COLUMNS[q.sort.field];
  const order = segment === 'with_field' ? `sort_value${q.sort.descending ? ' DESC' : ''}, cdm_id` : 'cdm_id';
  const present: Clauses = { clauses: [`${column} ${segment === 'with_field' ? 'IS NOT NULL' : 'IS NULL'}`], params: [] };
  const select = `SELECT seq, ${column} AS sort_value, cdm_id FROM cdms`;
  if (access !== 'walk') {
    const status = q.status === 'all' ? { clauses: [], params: [] } : statusClause(q);
    const w = where(candidates(q, access), status, cdmBodyFilter(q), present);
    return { sql: `${select} NOT INDEXED${w.text} ORDER BY ${order} LIMIT ? OFFSET ?`, params: [...w.params, limit, offset] };
  }
  // One ordered walk per status; for several, SQLite merges the ordered walks (MERGE UNION ALL).
  const branches = statuses(q).map((status) => where({ clauses: ['status = ?'], params: [status] }, cdmBodyFilter(q), present));
  const sql = branches.map((b) => `${select} INDEXED BY ${index}${b.text}`).join(' UNION ALL ');
  return { sql: `${sql} ORDER BY ${order} LIMIT ? OFFSET ?`, params: [...branches.flatMap((b) => b.params), limit, offset] };
}
