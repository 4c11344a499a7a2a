import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timestampKey } from '../../src/model/time.js';
import { chooseCdmAccess, cdmCountSql, cdmPageSql, type SqlText } from '../../src/store/sqlite/cdm-sql.js';
import { databaseFile, openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import type { CdmQuery } from '../../src/store/store.js';
import { makeCdmRecord } from './records.js';
import { tempDir } from './store-harness.js';

const ROWS = 100_000;

/** What the test needs to recompute the expected order without keeping 100 000 records in memory. */
interface Light {
  id: string;
  status: 'active' | 'withdrawn';
  tcaKey?: string;
}

/** A deterministic pseudo-random sequence (the data set is the same on every run). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function timeIn2026(random: () => number): string {
  const iso = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 365 * 86_400_000)).toISOString().slice(0, 19);
  const digits = Math.floor(random() * 10);
  return digits === 0 ? `${iso}Z` : `${iso}.${String(Math.floor(random() * 1e9)).padStart(9, '0').slice(0, digits)}Z`;
}

function fill(store: SqliteStore): Light[] {
  const random = lcg(2026);
  const light: Light[] = [];
  for (let i = 0; i < ROWS; i++) {
    const id = `CDM-${String(i).padStart(6, '0')}`;
    const roll = random();
    const tombstone = roll < 0.01;
    const status = roll < 0.08 ? 'withdrawn' : 'active';
    const tca = timeIn2026(random);
    store.putCdm(
      makeCdmRecord({
        cdm_id: id,
        status,
        tombstone,
        tca,
        creation_date: timeIn2026(random),
        collision_probability: random() ** 4,
        miss_distance_m: Math.floor(random() * 50_000),
        object1_id: `SAT-${Math.floor(random() * 3000)}`,
        object2_id: `DEB-${Math.floor(random() * 20_000)}`,
        owner1: `OPERATOR-${Math.floor(random() * 40)}`,
        received_at: timeIn2026(random),
      }),
    );
    light.push(tombstone ? { id, status } : { id, status, tcaKey: timestampKey(tca) });
  }
  return light;
}

function ms(start: bigint): string {
  return `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(2)} ms`;
}

function timed<T>(label: string, run: () => T, repeat = 5): T {
  let result = run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) result = run();
  console.log(`${label}: ${((Number(process.hrtime.bigint() - start) / 1e6) / repeat).toFixed(2)} ms (mean of ${repeat}, warm)`);
  return result;
}

const base: CdmQuery = { limit: 100, offset: 0, status: 'active', sort: { field: 'tca', descending: false } };

describe(`SqliteStore with ${ROWS} CDMs`, () => {
  let dir: string;
  let store: SqliteStore;
  let light: Light[];
  let observer: Database.Database;

  const plan = (text: SqlText): string[] =>
    (observer.prepare(`EXPLAIN QUERY PLAN ${text.sql}`).all(...text.params) as { detail: string }[]).map((row) => row.detail);

  beforeAll(async () => {
    dir = tempDir('spacecomms-scale-');
    store = openSqliteStore(dir);
    const start = process.hrtime.bigint();
    light = fill(store);
    await store.durable();
    console.log(`insert ${ROWS} CDMs (one group commit): ${ms(start)}; file ${(fs.statSync(databaseFile(dir)).size / 1e6).toFixed(1)} MB + WAL`);
    observer = new Database(databaseFile(dir), { readonly: true });
  }, 120_000);

  afterAll(async () => {
    observer?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the default list query from an index, in order', () => {
    const cold = process.hrtime.bigint();
    store.queryCdms(base);
    console.log(`GET /cdms?limit=100 (status=active, sort=tca), first call: ${ms(cold)}`);
    const page = timed('GET /cdms?limit=100 (status=active, sort=tca)', () => store.queryCdms(base));
    const active = light.filter((l) => l.status === 'active');
    const expected = active
      .sort((a, b) => (a.tcaKey! < b.tcaKey! ? -1 : a.tcaKey! > b.tcaKey! ? 1 : a.id < b.id ? -1 : 1))
      .slice(0, 100)
      .map((l) => l.id);
    expect(page.total).toBe(active.length);
    expect(page.items.map((r) => r.cdm_id)).toEqual(expected);

    const pagePlan = plan(cdmPageSql(base, 'with_field', 'walk', 100, 0));
    const countPlan = plan(cdmCountSql(base));
    console.log(`EXPLAIN page: ${pagePlan.join(' | ')}`);
    console.log(`EXPLAIN count: ${countPlan.join(' | ')}`);
    expect(pagePlan.join('\n')).toMatch(/USING (COVERING )?INDEX cdms_status_tca/);
    expect(pagePlan.join('\n')).not.toMatch(/SCAN cdms|TEMP B-TREE/);
    expect(countPlan).toEqual(['SEARCH cdm_counts USING PRIMARY KEY (status=?)']);
  });

  it('counts, filters and sorts other ways through indexes', () => {
    const active = timed('countActiveCdms()', () => store.countActiveCdms());
    expect(active).toBe(light.filter((l) => l.status === 'active').length);
    const queries: [string, CdmQuery][] = [
      ['sort=-tca', { ...base, sort: { field: 'tca', descending: true } }],
      ['sort=-collision_probability', { ...base, sort: { field: 'collision_probability', descending: true } }],
      ['sort=created_at offset=50000', { ...base, offset: 50_000, sort: { field: 'created_at', descending: false } }],
      ['owner=OPERATOR-7', { ...base, owner: 'OPERATOR-7' }],
      ['object_id=SAT-42', { ...base, object_id: 'SAT-42' }],
      ['min_probability=0.5', { ...base, min_probability: 0.5 }],
      ['tca_from/tca_to one week', { ...base, tca_from: '2026-06-01T00:00:00Z', tca_to: '2026-06-08T00:00:00Z' }],
      ['status=withdrawn (tombstones last)', { ...base, status: 'withdrawn', offset: 7000 }],
      ['status=all', { ...base, status: 'all' }],
    ];
    for (const [label, q] of queries) {
      timed(`queryCdms ${label}`, () => store.queryCdms(q));
      const text = cdmPageSql(q, 'with_field', chooseCdmAccess(q, store.queryCdms(q).total), q.limit, q.offset);
      console.log(`EXPLAIN ${label}: ${plan(text).join(' | ')}`);
      const countText = cdmCountSql(q);
      console.log(`EXPLAIN count ${label}: ${plan(countText).join(' | ')}`);
      for (const detail of [...plan(text), ...plan(countText)]) expect(detail).not.toMatch(/^SCAN cdms$/);
      expect(plan(text).join('\n')).toMatch(/USING (COVERING )?INDEX/);
    }
    const withdrawn = store.queryCdms({ ...base, status: 'withdrawn', offset: 7000, limit: 1000 }).items;
    expect(withdrawn.at(-1)?.announce).toBeUndefined();
    expect(timed('activeCdmIdsForObject(SAT-42)', () => store.activeCdmIdsForObject('SAT-42')).length).toBeGreaterThan(0);
    expect(timed('activeCdmsWithTcaBefore(2026-01-15, 500)', () => store.activeCdmsWithTcaBefore('2026-01-15T00:00:00Z', 500))).toHaveLength(500);
    for (const sql of ['SELECT seq FROM cdms WHERE status = \'active\' AND tca_key < ? ORDER BY seq LIMIT ?', 'DELETE FROM cdms WHERE status = \'withdrawn\' AND received_key < ?']) {
      const params = sql.startsWith('DELETE') ? ['2026-01-01'] : ['2026-01-01', 10];
      const detail = plan({ sql, params }).join(' | ');
      console.log(`EXPLAIN ${sql}: ${detail}`);
      expect(detail).toMatch(/USING (COVERING )?INDEX/);
    }
  });
});
