import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { CdmRecord } from '../../src/model/records.js';
import { MemoryStore } from '../../src/store/memory.js';
import { CDM_SORT_FIELDS, type CdmQuery, type Store } from '../../src/store/store.js';
import { makeCdmRecord } from './records.js';
import { sqliteKind } from './store-harness.js';

const OBJECTS = ['SAT-A', 'SAT-B', 'DEB-1', 'DEB-2'];
const OWNERS = ['ESA', 'NASA', 'JAXA'];

/** Few distinct seconds with fractions of 0–9 digits, so that ties and near-ties are common. */
const timestamp = fc
  .tuple(fc.constantFrom('2026-02-01T00:00:00', '2026-02-01T00:00:01', '2026-03-15T12:30:00'), fc.integer({ min: 0, max: 9 }), fc.nat(999_999_999))
  .map(([seconds, digits, fraction]) => {
    const text = String(fraction).padStart(9, '0').slice(0, digits);
    return `${seconds}${digits === 0 ? '' : `.${text}`}Z`;
  });

const number01 = fc.oneof(fc.constantFrom(0, 1e-5, 1e-4, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true }));

const cdmRecord = fc
  .record({
    cdm_id: fc.constantFrom(...Array.from({ length: 14 }, (_, i) => `C-${String(i).padStart(2, '0')}`)),
    status: fc.constantFrom('active' as const, 'withdrawn' as const),
    tombstone: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    tca: timestamp,
    creation_date: timestamp,
    collision_probability: number01,
    noProbability: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    miss_distance_m: fc.oneof(fc.constantFrom(0, 10, 100), fc.double({ min: 0, max: 1e6, noNaN: true })),
    object1_id: fc.constantFrom(...OBJECTS),
    object2_id: fc.constantFrom(...OBJECTS),
    owner1: fc.option(fc.constantFrom(...OWNERS), { nil: undefined }),
    owner2: fc.option(fc.constantFrom(...OWNERS), { nil: undefined }),
    received_at: timestamp,
  })
  .map((o) => makeCdmRecord(o));

/** Absent three times in four, so that many queries have no body filter and list tombstones. */
function sometimes<T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: value, weight: 1 });
}

const cdmQuery: fc.Arbitrary<CdmQuery> = fc.record({
  limit: fc.integer({ min: 0, max: 8 }),
  offset: fc.integer({ min: 0, max: 16 }),
  status: fc.constantFrom('active' as const, 'withdrawn' as const, 'all' as const),
  sort: fc.record({ field: fc.constantFrom(...CDM_SORT_FIELDS), descending: fc.boolean() }),
  object_id: sometimes(fc.constantFrom(...OBJECTS, 'nobody')),
  owner: sometimes(fc.constantFrom(...OWNERS)),
  min_probability: sometimes(number01),
  tca_from: sometimes(timestamp),
  tca_to: sometimes(timestamp),
});

function observe(store: Store, queries: CdmQuery[], time: string) {
  return {
    pages: queries.map((q) => {
      const page = store.queryCdms(q);
      return { ids: page.items.map((r) => r.cdm_id), total: page.total };
    }),
    records: queries.flatMap((q) => store.queryCdms(q).items),
    active: store.countActiveCdms(),
    forObject: OBJECTS.map((id) => store.activeCdmIdsForObject(id)),
    expiring: store.activeCdmsWithTcaBefore(time, 3).map((r) => r.cdm_id),
  };
}

describe('SqliteStore answers exactly as MemoryStore (property)', () => {
  const kinds = [sqliteKind(), sqliteKind({ candidateMax: 0 })];
  afterAll(() => kinds.forEach((k) => k.cleanup()));

  it('gives the same ids in the same order for random records and queries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cdmRecord, { maxLength: 30 }), fc.array(cdmQuery, { minLength: 1, maxLength: 8 }), timestamp, fc.nat(1), async (records: CdmRecord[], queries, time, which) => {
        const kind = kinds[which]!;
        const memory = new MemoryStore();
        const sqlite = kind.open();
        try {
          for (const r of records) {
            memory.putCdm(r);
            sqlite.putCdm(r);
          }
          expect(observe(sqlite, queries, time)).toEqual(observe(memory, queries, time));
          expect(sqlite.purgeWithdrawnCdms(time)).toBe(memory.purgeWithdrawnCdms(time));
          expect(observe(sqlite, queries, time)).toEqual(observe(memory, queries, time));
          expect([...sqlite.iterateCdms()]).toEqual([...memory.iterateCdms()]);
        } finally {
          await sqlite.close();
          kind.cleanup();
        }
      }),
      { numRuns: 150 },
    );
    // 150 SQLite files opened and closed: slow on a loaded machine, so the limit is generous.
  }, 180_000);
});
