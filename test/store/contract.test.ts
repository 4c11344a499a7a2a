import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareCdms } from '../../src/store/cdm-query.js';
import { validateEnvelope } from '../../src/protocol/validate.js';
import { CDM_SORT_FIELDS, type CdmQuery, type Store } from '../../src/store/store.js';
import type { CdmRecord } from '../../src/model/records.js';
import { makeCdmRecord, makeManeuverRecord, makeObjectRecord, makePeer } from './records.js';
import { memoryKind, sqliteKind, type StoreKind } from './store-harness.js';

// `candidateMax: 0` makes every filtered list walk the sort index instead of collecting candidates.
const kinds: StoreKind[] = [memoryKind(), sqliteKind(), sqliteKind({ candidateMax: 0 }, 'sqlite (walking sort indexes)')];

function query(overrides: Partial<CdmQuery> = {}): CdmQuery {
  return { limit: 100, offset: 0, status: 'active', sort: { field: 'tca', descending: false }, ...overrides };
}

const ids = (records: CdmRecord[]) => records.map((r) => r.cdm_id);

/** Ties on every field, fraction digits of every length, owners on either side, tombstones. */
function cdmFixture(): CdmRecord[] {
  return [
    makeCdmRecord({ cdm_id: 'C-05', tca: '2026-03-01T00:00:00Z', creation_date: '2026-01-02T00:00:00.1Z', collision_probability: 1e-3, miss_distance_m: 100, object1_id: 'SAT-A', object2_id: 'DEB-1', owner1: 'ESA' }),
    makeCdmRecord({ cdm_id: 'C-02', tca: '2026-03-01T00:00:00.000000001Z', creation_date: '2026-01-02T00:00:00.09Z', collision_probability: 5e-5, miss_distance_m: 900, object1_id: 'SAT-B', object2_id: 'SAT-A', owner1: 'NASA', owner2: 'ESA' }),
    makeCdmRecord({ cdm_id: 'C-09', tca: '2026-02-28T23:59:59.999999999Z', creation_date: '2026-01-01T00:00:00Z', collision_probability: 1e-3, miss_distance_m: 100, object1_id: 'SAT-C', object2_id: 'DEB-2', owner1: 'JAXA' }),
    makeCdmRecord({ cdm_id: 'C-01', tca: '2026-03-01T00:00:00.000Z', creation_date: '2026-01-02T00:00:00.100000Z', collision_probability: 0.2, miss_distance_m: 5, object1_id: 'SAT-A', object2_id: 'DEB-3' }),
    makeCdmRecord({ cdm_id: 'C-07', status: 'withdrawn', tca: '2026-01-15T00:00:00Z', collision_probability: 0.5, miss_distance_m: 1, object1_id: 'SAT-A', object2_id: 'DEB-1', owner1: 'ESA', received_at: '2026-01-10T00:00:00Z' }),
    makeCdmRecord({ cdm_id: 'C-08', tombstone: true, received_at: '2026-01-20T00:00:00.5Z' }),
    makeCdmRecord({ cdm_id: 'C-03', tombstone: true, received_at: '2026-01-05T00:00:00Z' }),
    makeCdmRecord({ cdm_id: 'C-04', tca: '2026-01-31T00:00:00Z', collision_probability: 0, miss_distance_m: 0, object1_id: 'DEB-9', object2_id: 'DEB-9' }),
  ];
}

function expectedOrder(records: CdmRecord[], q: CdmQuery): string[] {
  return ids([...records].filter((r) => q.status === 'all' || r.status === q.status).sort((a, b) => compareCdms(a, b, q)));
}

describe.each(kinds)('Store contract: $name', (kind) => {
  let store: Store;

  beforeEach(() => {
    store = kind.open();
  });

  afterEach(async () => {
    await store.close();
    kind.cleanup();
  });

  function putAll(records: CdmRecord[]): void {
    for (const r of records) store.putCdm(r);
  }

  it('builds valid envelopes in its test records', () => {
    const records = [makeCdmRecord({ cdm_id: 'X', status: 'withdrawn', owner1: 'ESA' }), makeObjectRecord({ object_id: 'O', status: 'withdrawn', owner: 'ESA' })];
    const maneuver = makeManeuverRecord({ maneuver_id: 'M', object_id: 'O', status: 'COMPLETED' });
    const envelopes = [...records.flatMap((r) => [r.announce, r.withdrawal]), maneuver.intent, maneuver.status_update];
    for (const envelope of envelopes) expect(validateEnvelope(envelope)).toMatchObject({ ok: true });
  });

  it('round-trips each record type and overwrites by id', async () => {
    const cdm = makeCdmRecord({ cdm_id: 'CDM-1', owner1: 'ESA' });
    const object = makeObjectRecord({ object_id: 'OBJ-1', owner: 'ESA' });
    const maneuver = makeManeuverRecord({ maneuver_id: 'MAN-1', object_id: 'OBJ-1', status: 'IN_PROGRESS' });
    store.putCdm(cdm);
    store.putObject(object);
    store.putManeuver(maneuver);
    await store.durable();
    expect(store.getCdm('CDM-1')).toEqual(cdm);
    expect(store.getObject('OBJ-1')).toEqual(object);
    expect(store.getManeuver('MAN-1')).toEqual(maneuver);
    expect(store.getCdm('missing')).toBeUndefined();
    expect(store.getObject('missing')).toBeUndefined();
    expect(store.getManeuver('missing')).toBeUndefined();

    const withdrawn = makeCdmRecord({ cdm_id: 'CDM-1', status: 'withdrawn' });
    store.putCdm(withdrawn);
    expect(store.getCdm('CDM-1')).toEqual(withdrawn);
    expect(store.countActiveCdms()).toBe(0);
  });

  it('filters CDMs by status, object, owner, probability and TCA window', () => {
    putAll(cdmFixture());
    const run = (q: Partial<CdmQuery>) => ids(store.queryCdms(query(q)).items);
    expect(run({})).toEqual(['C-04', 'C-09', 'C-01', 'C-05', 'C-02']);
    expect(run({ status: 'withdrawn' })).toEqual(['C-07', 'C-03', 'C-08']);
    expect(run({ status: 'all' })).toEqual(['C-07', 'C-04', 'C-09', 'C-01', 'C-05', 'C-02', 'C-03', 'C-08']);
    expect(run({ object_id: 'SAT-A' })).toEqual(['C-01', 'C-05', 'C-02']);
    expect(run({ object_id: 'SAT-A', status: 'all' })).toEqual(['C-07', 'C-01', 'C-05', 'C-02']);
    expect(run({ owner: 'ESA' })).toEqual(['C-05', 'C-02']);
    expect(run({ owner: 'ESA', status: 'withdrawn' })).toEqual(['C-07']);
    expect(run({ min_probability: 1e-3 })).toEqual(['C-09', 'C-01', 'C-05']);
    expect(run({ min_probability: 0, status: 'withdrawn' })).toEqual(['C-07']);
    expect(run({ tca_from: '2026-03-01T00:00:00Z' })).toEqual(['C-01', 'C-05', 'C-02']);
    expect(run({ tca_to: '2026-03-01T00:00:00.0000Z' })).toEqual(['C-04', 'C-09', 'C-01', 'C-05']);
    expect(run({ tca_from: '2026-02-01T00:00:00Z', tca_to: '2026-02-28T23:59:59.999999999Z' })).toEqual(['C-09']);
    expect(run({ object_id: 'nobody' })).toEqual([]);
  });

  it.each(CDM_SORT_FIELDS.flatMap((field) => [false, true].map((descending) => ({ field, descending }))))(
    'sorts by $field (descending: $descending) with cdm_id tie-break and tombstones last',
    (sort) => {
      const records = cdmFixture();
      putAll(records);
      for (const status of ['active', 'withdrawn', 'all'] as const) {
        const q = query({ status, sort });
        const got = ids(store.queryCdms(q).items);
        expect(got).toEqual(expectedOrder(records, q));
        if (status !== 'active') expect(got.slice(-2)).toEqual(['C-03', 'C-08']);
      }
    },
  );

  it('paginates across the tombstone boundary with exact totals', () => {
    const records = cdmFixture();
    putAll(records);
    for (const descending of [false, true]) {
      const q = query({ status: 'all', sort: { field: 'miss_distance_m', descending } });
      const all = expectedOrder(records, q);
      for (const limit of [1, 2, 3, 5, 100]) {
        for (let offset = 0; offset <= all.length + 1; offset++) {
          const page = store.queryCdms({ ...q, limit, offset });
          expect(page.total).toBe(all.length);
          expect(ids(page.items)).toEqual(all.slice(offset, offset + limit));
        }
      }
    }
    expect(store.queryCdms(query({ limit: 0 }))).toEqual({ items: [], total: 5 });
  });

  it('counts active CDMs and lists active CDM ids of an object', () => {
    putAll(cdmFixture());
    expect(store.countActiveCdms()).toBe(5);
    expect(store.activeCdmIdsForObject('SAT-A')).toEqual(['C-01', 'C-02', 'C-05']);
    expect(store.activeCdmIdsForObject('DEB-9')).toEqual(['C-04']);
    expect(store.activeCdmIdsForObject('DEB-1')).toEqual(['C-05']);
    expect(store.activeCdmIdsForObject('nobody')).toEqual([]);
  });

  it('gives active CDMs with TCA before a time, in insertion order, at most limit', () => {
    putAll(cdmFixture());
    store.putCdm(makeCdmRecord({ cdm_id: 'C-09', tca: '2026-02-28T23:59:59.9999999991Z', miss_distance_m: 3 }));
    const before = (time: string, limit: number) => ids(store.activeCdmsWithTcaBefore(time, limit));
    expect(before('2026-03-01T00:00:00Z', 100)).toEqual(['C-09', 'C-04']);
    expect(before('2026-03-01T00:00:00.0000000001Z', 100)).toEqual(['C-09', 'C-04']);
    expect(before('2026-03-01T00:00:00.000000002Z', 100)).toEqual(['C-05', 'C-02', 'C-09', 'C-01', 'C-04']);
    expect(before('2026-03-01T00:00:00.000000002Z', 3)).toEqual(['C-05', 'C-02', 'C-09']);
    expect(before('2026-03-01T00:00:00Z', 0)).toEqual([]);
  });

  it('purges withdrawn CDMs and objects last changed before a time', () => {
    putAll(cdmFixture());
    expect(store.purgeWithdrawnCdms('2026-01-10T00:00:00.000000001Z')).toBe(2);
    expect(ids(store.queryCdms(query({ status: 'withdrawn' })).items)).toEqual(['C-08']);
    expect(store.purgeWithdrawnCdms('2026-01-20T00:00:00.5Z')).toBe(0);
    expect(store.countActiveCdms()).toBe(5);

    store.putObject(makeObjectRecord({ object_id: 'O-1', received_at: '2026-01-01T00:00:00Z' }));
    store.putObject(makeObjectRecord({ object_id: 'O-2', status: 'withdrawn', received_at: '2026-01-02T00:00:00Z' }));
    store.putObject(makeObjectRecord({ object_id: 'O-3', received_at: '2026-01-03T00:00:00Z' }));
    expect(store.purgeObjects('2026-01-03T00:00:00Z')).toBe(2);
    expect([...store.iterateObjects()].map((o) => o.object_id)).toEqual(['O-3']);
  });

  it('filters, orders and pages objects', () => {
    store.putObject(makeObjectRecord({ object_id: 'O-3', object_type: 'DEBRIS' }));
    store.putObject(makeObjectRecord({ object_id: 'O-1', owner: 'ESA' }));
    store.putObject(makeObjectRecord({ object_id: 'O-2', status: 'withdrawn', owner: 'ESA' }));
    store.putObject(makeObjectRecord({ object_id: 'O-0', tombstone: true }));
    const run = (q: Partial<Parameters<Store['queryObjects']>[0]>) => {
      const page = store.queryObjects({ limit: 100, offset: 0, status: 'active', ...q });
      return { ids: page.items.map((o) => o.object_id), total: page.total };
    };
    expect(run({})).toEqual({ ids: ['O-1', 'O-3'], total: 2 });
    expect(run({ status: 'all' })).toEqual({ ids: ['O-0', 'O-1', 'O-2', 'O-3'], total: 4 });
    expect(run({ status: 'all', owner: 'ESA' })).toEqual({ ids: ['O-1', 'O-2'], total: 2 });
    expect(run({ status: 'withdrawn', type: 'PAYLOAD' })).toEqual({ ids: ['O-2'], total: 1 });
    expect(run({ status: 'all', type: 'DEBRIS' })).toEqual({ ids: ['O-3'], total: 1 });
    expect(run({ status: 'all', limit: 2, offset: 1 })).toEqual({ ids: ['O-1', 'O-2'], total: 4 });
    expect(store.countActiveObjects()).toBe(2);
  });

  it('filters, orders and pages maneuvers', () => {
    store.putManeuver(makeManeuverRecord({ maneuver_id: 'M-2', object_id: 'SAT-A' }));
    store.putManeuver(makeManeuverRecord({ maneuver_id: 'M-1', object_id: 'SAT-B', status: 'COMPLETED' }));
    store.putManeuver(makeManeuverRecord({ maneuver_id: 'M-3', object_id: 'SAT-A', status: 'COMPLETED' }));
    const run = (q: Partial<Parameters<Store['queryManeuvers']>[0]>) => {
      const page = store.queryManeuvers({ limit: 100, offset: 0, ...q });
      return { ids: page.items.map((m) => m.maneuver_id), total: page.total };
    };
    expect(run({})).toEqual({ ids: ['M-1', 'M-2', 'M-3'], total: 3 });
    expect(run({ object_id: 'SAT-A' })).toEqual({ ids: ['M-2', 'M-3'], total: 2 });
    expect(run({ status: 'COMPLETED' })).toEqual({ ids: ['M-1', 'M-3'], total: 2 });
    expect(run({ object_id: 'SAT-A', status: 'COMPLETED' })).toEqual({ ids: ['M-3'], total: 1 });
    expect(run({ offset: 2, limit: 5 })).toEqual({ ids: ['M-3'], total: 3 });
  });

  it('iterates every record in insertion order, re-iterably', () => {
    const records = cdmFixture();
    putAll(records);
    store.putCdm(makeCdmRecord({ cdm_id: 'C-05', status: 'withdrawn' }));
    store.putManeuver(makeManeuverRecord({ maneuver_id: 'M-1', object_id: 'SAT-A' }));
    const iterable = store.iterateCdms();
    expect(ids([...iterable])).toEqual(ids(records));
    expect(ids([...iterable])).toEqual(ids(records));
    expect(store.getCdm('C-05')?.status).toBe('withdrawn');
    expect([...store.iterateManeuvers()].map((m) => m.maneuver_id)).toEqual(['M-1']);
    expect([...store.iterateObjects()]).toEqual([]);
    expect(store.cdmIds()).toEqual(ids(records));
    expect(store.maneuverIds()).toEqual(['M-1']);
    expect(store.objectIds()).toEqual([]);
  });

  it('iterates more records than one chunk', () => {
    const many = Array.from({ length: 1203 }, (_, i) => makeCdmRecord({ cdm_id: `N-${i}` }));
    putAll(many);
    expect(ids([...store.iterateCdms()])).toEqual(ids(many));
  });

  it('iterates what was held when the iteration began, written but not yet committed too, and leaves out what came later', async () => {
    const many = Array.from({ length: 1203 }, (_, i) => makeCdmRecord({ cdm_id: `N-${i}` }));
    putAll(many);
    await store.durable();
    // Written just before the iteration, its batch still open: seen as written.
    store.putCdm(makeCdmRecord({ cdm_id: 'N-1000', status: 'withdrawn' }));
    const seen: CdmRecord[] = [];
    let step = 0;
    for (const record of store.iterateCdms()) {
      seen.push(record);
      step += 1;
      // Writes during the iteration: a batch open across chunk boundaries, and one committed between them.
      if (step === 20) store.putCdm(makeCdmRecord({ cdm_id: 'LATE-1' }));
      if (step === 600) await store.durable();
      if (step === 700) store.putCdm(makeCdmRecord({ cdm_id: 'LATE-2' }));
    }
    expect(ids(seen)).toEqual(ids(many));
    expect(seen.find((r) => r.cdm_id === 'N-1000')?.status).toBe('withdrawn');
  });

  it('stores, replaces and deletes peers', async () => {
    store.putPeer(makePeer('peer-b'));
    store.putPeer(makePeer('peer-a'));
    store.putPeer({ ...makePeer('peer-b', 'https://moved.example:8443'), auth_token: undefined });
    await store.durable();
    expect(store.listPeers().map((p) => [p.peer_id, p.address])).toEqual([
      ['peer-b', 'https://moved.example:8443'],
      ['peer-a', 'https://peer-a.example:8443'],
    ]);
    expect(store.listPeers()[1]).toEqual(makePeer('peer-a'));
    expect(store.deletePeer('peer-b')).toBe(true);
    expect(store.deletePeer('peer-b')).toBe(false);
    expect(store.listPeers().map((p) => p.peer_id)).toEqual(['peer-a']);
  });

  it('resolves durable() with and without pending writes', async () => {
    await expect(store.durable()).resolves.toBeUndefined();
    store.putCdm(makeCdmRecord({ cdm_id: 'D-1' }));
    await expect(store.durable()).resolves.toBeUndefined();
    expect(store.getCdm('D-1')?.cdm_id).toBe('D-1');
  });
});
