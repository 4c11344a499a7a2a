import type { Config } from './config/schema.js';
import { EventIndex, type EventSource } from './events/index.js';
import type { CdmRecord } from './model/records.js';
import { assessCdmPc } from './pc/index.js';
import { withOverrides } from './store/override.js';
import type { Store } from './store/store.js';

/**
 * The record as it is stored: the CDM's own Pc computed from its content (src/pc), replacing
 * whatever a previous version of the record carried. Without an announce there is nothing
 * to compute; with `pc.enabled: false` nothing is computed, and `computed_pc_error` says so.
 */
export function withComputedPc(record: CdmRecord, pc: Config['pc']): CdmRecord {
  const { computed_pc: _pc, computed_pc_error: _error, ...rest } = record;
  const cdm = record.announce?.payload.cdm;
  if (!cdm) return rest;
  if (!pc.enabled) return { ...rest, computed_pc_error: 'not computed: pc.enabled is false on this node' };
  return { ...rest, ...assessCdmPc(cdm, { defaultHbrM: pc.default_hbr_m }) };
}

/** A record as the event index files it: with its computed Pc, as records stored before Pc was computed lack it. */
function assessedForIndex(record: CdmRecord, pc: Config['pc']): CdmRecord {
  return record.computed_pc || record.computed_pc_error || !record.announce ? record : withComputedPc(record, pc);
}

/** Whether the table holds any CDM (tombstones included). */
function tableHolds(store: Store): boolean {
  return store.queryCdms({ status: 'all', limit: 0, offset: 0, sort: { field: 'created_at', descending: false } }).total > 0;
}

/** The table as the lazily built event index reads it (`EventSource`). */
function eventSource(store: Store, pc: () => Config['pc']): EventSource {
  const assessed = (records: Iterable<CdmRecord>) => [...records].map((r) => assessedForIndex(r, pc()));
  return {
    *all() {
      for (const record of store.iterateCdms()) yield assessedForIndex(record, pc());
    },
    pair: (object1Id, object2Id) => assessed(store.cdmsOfPair(object1Id, object2Id)),
    pairOf: (cdmId) => {
      const cdm = store.getCdm(cdmId)?.announce?.payload.cdm;
      return cdm ? assessed(store.cdmsOfPair(cdm.object1.object_id, cdm.object2.object_id)) : [];
    },
  };
}

/**
 * Wraps a store (memory or file) so that every CDM put into the table carries its computed
 * Pc and is filed in the event index, and so that purges reach the index too. Everything
 * else goes to the store unchanged. The index reads the records already held when it first
 * needs them (`EventIndex`), so that start-up does not read the whole table.
 */
export function assessingStore(store: Store, pc: () => Config['pc']): { store: Store; events: EventIndex } {
  const events = new EventIndex(tableHolds(store) ? eventSource(store, pc) : undefined);
  // A write whose commit fails was undone by the store: the index files the record as the store holds it again.
  const reread = (cdmId: string): void => {
    const held = store.getCdm(cdmId);
    if (held) events.upsert(held);
    else events.remove(cdmId);
  };
  const putCdm = (record: CdmRecord): void => {
    const assessed = withComputedPc(record, pc());
    store.putCdm(assessed);
    events.upsert(assessed);
    store.durable().catch(() => reread(record.cdm_id));
  };
  const purgeWithdrawnCdms = (changedBefore: string): number => {
    const purged = store.purgeWithdrawnCdms(changedBefore);
    if (purged > 0) {
      events.purgeWithdrawn(changedBefore);
      store.durable().catch(() => {
        for (const held of store.iterateCdms()) events.upsert(held);
      });
    }
    return purged;
  };
  const wrapped = withOverrides(store, { putCdm, purgeWithdrawnCdms });
  return { store: wrapped, events };
}
