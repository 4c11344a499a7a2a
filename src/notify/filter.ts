import { compareTimestamps } from '../model/time.js';
import type { Change, ChangeFilter } from '../store/changes.js';

/**
 * Whether a change passes a stream's or subscription's filters: those of `GET /events`
 * plus `types`. A filter on a fact the change does not carry excludes it (a peer change
 * names no object, so `object_id` leaves only CDM, event and maneuver changes of that
 * object; `min_pc` leaves only CDM and event changes).
 */
export function changeMatches(change: Change, filter: ChangeFilter): boolean {
  const f = change.facts;
  if (filter.types !== undefined && !filter.types.includes(change.type)) return false;
  if (filter.object_id !== undefined && !(f.object_ids ?? []).includes(filter.object_id)) return false;
  if (filter.owner !== undefined && !(f.owners ?? []).includes(filter.owner)) return false;
  if (filter.min_pc !== undefined && (f.pc === undefined || f.pc === null || f.pc < filter.min_pc)) return false;
  if (filter.level !== undefined && f.level !== filter.level) return false;
  if (filter.status !== undefined && f.status !== filter.status) return false;
  if (filter.tca_from !== undefined && (f.tca === undefined || compareTimestamps(f.tca, filter.tca_from) < 0)) return false;
  if (filter.tca_to !== undefined && (f.tca === undefined || compareTimestamps(f.tca, filter.tca_to) > 0)) return false;
  return true;
}

/** The JSON a client receives for a change: `seq`, `type` and `time`, then the change's own fields. */
export function changeBody(change: Change): Record<string, unknown> {
  return { seq: change.seq, type: change.type, time: change.time, ...change.data };
}
