import { listedPc } from '../model/assessment.js';
import type { CdmRecord } from '../model/records.js';
import { compareStrings } from '../model/canonical.js';
import { timestampKey } from '../model/time.js';
import type { CdmQuery, CdmSortField } from './store.js';

/**
 * What the CDM list filters and sorts by, taken from a record (`cdmListFacts`): the memory
 * store keeps these beside each packed record, so that a query does not parse records.
 * Times are kept as their `timestampKey` (exact order, nanoseconds and leap seconds in place).
 * A tombstone without announce has none of the body's fields.
 */
export interface CdmListFacts {
  readonly cdm_id: string;
  readonly status: string;
  readonly hasBody: boolean;
  readonly tcaKey: string | undefined;
  readonly createdKey: string | undefined;
  readonly missDistanceM: number | undefined;
  /** Given Pc, else the computed one (`listedPc`). */
  readonly pc: number | undefined;
  readonly object1Id: string | undefined;
  readonly object2Id: string | undefined;
  readonly owner1: string | undefined;
  readonly owner2: string | undefined;
}

/** The list facts of a record. */
export function cdmListFacts(record: CdmRecord): CdmListFacts {
  const cdm = record.announce?.payload.cdm;
  return {
    cdm_id: record.cdm_id,
    status: record.status,
    hasBody: cdm !== undefined,
    tcaKey: cdm ? timestampKey(cdm.tca) : undefined,
    createdKey: cdm ? timestampKey(cdm.creation_date) : undefined,
    missDistanceM: cdm?.miss_distance_m,
    pc: cdm ? listedPc(record)?.value : undefined,
    object1Id: cdm?.object1.object_id,
    object2Id: cdm?.object2.object_id,
    owner1: cdm?.object1.owner_operator,
    owner2: cdm?.object2.owner_operator,
  };
}

/** The list view's fields of a CDM; tombstones without an announce have none, nor a CDM without Pc its Pc. */
export function cdmSortValue(facts: CdmListFacts, field: CdmSortField): string | number | undefined {
  if (!facts.hasBody) return undefined;
  switch (field) {
    case 'created_at':
      return facts.createdKey;
    case 'tca':
      return facts.tcaKey;
    case 'collision_probability':
      return facts.pc;
    case 'miss_distance_m':
      return facts.missDistanceM;
  }
}

/** Whether a CDM with these facts is in the query's result (before paging). */
export function factsMatch(facts: CdmListFacts, q: CdmQuery): boolean {
  if (q.status !== 'all' && facts.status !== q.status) return false;
  const needsBody = q.object_id !== undefined || q.owner !== undefined || q.min_probability !== undefined || q.tca_from !== undefined || q.tca_to !== undefined;
  if (!facts.hasBody) return !needsBody;
  if (q.object_id !== undefined && facts.object1Id !== q.object_id && facts.object2Id !== q.object_id) return false;
  if (q.owner !== undefined && facts.owner1 !== q.owner && facts.owner2 !== q.owner) return false;
  // Given Pc, else computed; a CDM with neither never passes a bound (as SQL's NULL).
  if (q.min_probability !== undefined && (facts.pc === undefined || facts.pc < q.min_probability)) return false;
  const tca = facts.tcaKey ?? '';
  if (q.tca_from !== undefined && tca < timestampKey(q.tca_from)) return false;
  if (q.tca_to !== undefined && tca > timestampKey(q.tca_to)) return false;
  return true;
}

/** Sort order of the list: the requested field (records without one last), then `cdm_id`. */
export function compareFacts(a: CdmListFacts, b: CdmListFacts, q: CdmQuery): number {
  const va = cdmSortValue(a, q.sort.field);
  const vb = cdmSortValue(b, q.sort.field);
  if (va === undefined || vb === undefined) {
    if (va !== vb) return va === undefined ? 1 : -1;
    return compareStrings(a.cdm_id, b.cdm_id);
  }
  let order: number;
  if (typeof va === 'number' && typeof vb === 'number') order = va - vb;
  else order = va < vb ? -1 : va > vb ? 1 : 0;
  if (q.sort.descending) order = -order;
  return order !== 0 ? order : compareStrings(a.cdm_id, b.cdm_id);
}

export function cdmMatches(record: CdmRecord, q: CdmQuery): boolean {
  return factsMatch(cdmListFacts(record), q);
}

/** `compareFacts` on two records. */
export function compareCdms(a: CdmRecord, b: CdmRecord, q: CdmQuery): number {
  return compareFacts(cdmListFacts(a), cdmListFacts(b), q);
}
