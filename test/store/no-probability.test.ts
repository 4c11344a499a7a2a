import { afterAll, describe, expect, it } from 'vitest';
import type { CdmQuery } from '../../src/store/store.js';
import { makeCdmRecord } from './records.js';
import { memoryKind, sqliteKind } from './store-harness.js';

/** CDMs without COLLISION_PROBABILITY (optional in CCSDS 508.0) in both stores. */
describe.each([memoryKind(), sqliteKind()])('$name store: CDMs without collision_probability', (kind) => {
  afterAll(() => kind.cleanup());
  const query = (over: Partial<CdmQuery>): CdmQuery => ({
    limit: 10,
    offset: 0,
    status: 'active',
    sort: { field: 'collision_probability', descending: false },
    ...over,
  });

  it('are stored, listed after every CDM with a Pc in either direction, and fail any min_probability', async () => {
    const store = kind.open();
    try {
      store.putCdm(makeCdmRecord({ cdm_id: 'NO-PC-B', noProbability: true }));
      store.putCdm(makeCdmRecord({ cdm_id: 'PC-HIGH', collision_probability: 1e-3 }));
      store.putCdm(makeCdmRecord({ cdm_id: 'NO-PC-A', noProbability: true }));
      store.putCdm(makeCdmRecord({ cdm_id: 'PC-LOW', collision_probability: 1e-7 }));
      expect(store.getCdm('NO-PC-A')?.announce?.payload.cdm).not.toHaveProperty('collision_probability');
      const ids = (q: CdmQuery) => store.queryCdms(q).items.map((r) => r.cdm_id);
      expect(ids(query({}))).toEqual(['PC-LOW', 'PC-HIGH', 'NO-PC-A', 'NO-PC-B']);
      expect(ids(query({ sort: { field: 'collision_probability', descending: true } }))).toEqual(['PC-HIGH', 'PC-LOW', 'NO-PC-A', 'NO-PC-B']);
      expect(ids(query({ limit: 1, offset: 2 }))).toEqual(['NO-PC-A']);
      expect(ids(query({ min_probability: 0 }))).toEqual(['PC-LOW', 'PC-HIGH']);
      expect(store.queryCdms(query({ min_probability: 0 })).total).toBe(2);
      expect(store.queryCdms(query({ object_id: 'SAT-1' })).total).toBe(4);
    } finally {
      await store.close();
    }
  });
});
