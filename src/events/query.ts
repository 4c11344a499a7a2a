import { compareStrings } from '../model/canonical.js';
import { compareTimestamps } from '../model/time.js';
import type { ConjunctionEvent } from './summary.js';

export const EVENT_SORT_FIELDS = ['tca', 'pc', 'updated_at'] as const;
export type EventSortField = (typeof EVENT_SORT_FIELDS)[number];

/** The filters of `GET /events` (API.md); absent fields do not filter. */
export interface EventQuery {
  object_id?: string;
  owner?: string;
  min_pc?: number;
  level?: string;
  status: 'active' | 'closed' | 'all';
  tca_from?: string;
  tca_to?: string;
  sort: { field: EventSortField; descending: boolean };
  limit: number;
  offset: number;
}

export function eventMatches(e: ConjunctionEvent, q: EventQuery): boolean {
  if (q.status !== 'all' && e.status !== q.status) return false;
  if (q.object_id !== undefined && e.object1_id !== q.object_id && e.object2_id !== q.object_id) return false;
  if (q.owner !== undefined && !e.owners.includes(q.owner)) return false;
  if (q.min_pc !== undefined && (e.pc === null || e.pc < q.min_pc)) return false;
  if (q.level !== undefined && e.level !== q.level) return false;
  if (q.tca_from !== undefined && compareTimestamps(e.tca, q.tca_from) < 0) return false;
  if (q.tca_to !== undefined && compareTimestamps(e.tca, q.tca_to) > 0) return false;
  return true;
}

/** The requested order (events without a Pc last when sorting by Pc), then event_id. */
export function compareEvents(a: ConjunctionEvent, b: ConjunctionEvent, q: EventQuery): number {
  let order = 0;
  if (q.sort.field === 'pc') {
    if (a.pc === null || b.pc === null) {
      if (a.pc !== b.pc) return a.pc === null ? 1 : -1;
    } else order = a.pc - b.pc;
  } else {
    order = compareTimestamps(a[q.sort.field], b[q.sort.field]);
  }
  if (q.sort.descending) order = -order;
  return order !== 0 ? order : compareStrings(a.event_id, b.event_id);
}

/** Filters, sorts and pages the events. */
export function queryEvents(events: readonly ConjunctionEvent[], q: EventQuery): { items: ConjunctionEvent[]; total: number } {
  const matching = events.filter((e) => eventMatches(e, q)).sort((a, b) => compareEvents(a, b, q));
  return { items: matching.slice(q.offset, q.offset + q.limit), total: matching.length };
}
