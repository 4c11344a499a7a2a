import { listedPc } from '../model/assessment.js';
import type { CdmRecord } from '../model/records.js';
import { compareStrings } from '../model/canonical.js';
import { compareTimestamps } from '../model/time.js';
import type { CdmQuery, CdmSortField } from './store.js';

/** The list view's fields of a CDM record; tombstones without an announce have none, nor a CDM without Pc its Pc. */
export function cdmSortValue(record: CdmRecord, field: CdmSortField): string | number | undefined {
  const cdm = record.announce?.payload.cdm;
  if (!cdm) return undefined;
  switch (field) {
    case 'created_at':
      return cdm.creation_date;
    case 'tca':
      return cdm.tca;
    case 'collision_probability':
      return listedPc(record)?.value;
    case 'miss_distance_m':
      return cdm.miss_distance_m;
  }
}

export function cdmMatches(record: CdmRecord, q: CdmQuery): boolean {
  if (q.status !== 'all' && record.status !== q.status) return false;
  const cdm = record.announce?.payload.cdm;
  const needsBody = q.object_id !== undefined || q.owner !== undefined || q.min_probability !== undefined || q.tca_from !== undefined || q.tca_to !== undefined;
  if (!cdm) return !needsBody;
  if (q.object_id !== undefined && cdm.object1.object_id !== q.object_id && cdm.object2.object_id !== q.object_id) return false;
  if (q.owner !== undefined && cdm.object1.owner_operator !== q.owner && cdm.object2.owner_operator !== q.owner) return false;
  if (q.min_probability !== undefined) {
    // Given Pc, else computed; a CDM with neither never passes a bound (as SQL's NULL).
    const pc = listedPc(record)?.value;
    if (pc === undefined || pc < q.min_probability) return false;
  }
  if (q.tca_from !== undefined && compareTimestamps(cdm.tca, q.tca_from) < 0) return false;
  if (q.tca_to !== undefined && compareTimestamps(cdm.tca, q.tca_to) > 0) return false;
  return true;
}

/** Sort order of the list: the requested field (records without one last), then `cdm_id`. */
export function compareCdms(a: CdmRecord, b: CdmRecord, q: CdmQuery): number {
  const va = cdmSortValue(a, q.sort.field);
  const vb = cdmSortValue(b, q.sort.field);
  if (va === undefined || vb === undefined) {
    if (va !== vb) return va === undefined ? 1 : -1;
    return compareStrings(a.cdm_id, b.cdm_id);
  }
  let order: number;
  if (typeof va === 'number' && typeof vb === 'number') order = va - vb;
  else order = compareTimestamps(String(va), String(vb));
  if (q.sort.descending) order = -order;
  return order !== 0 ? order : compareStrings(a.cdm_id, b.cdm_id);
}
