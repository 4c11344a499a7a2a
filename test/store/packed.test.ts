import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCdm } from '../../src/ccsds/index.js';
import type { CdmRecord } from '../../src/model/records.js';
import { MemoryAuditStore, type AuditEntry } from '../../src/store/audit.js';
import { MemoryChangeLog } from '../../src/store/changes.js';
import { MemoryStore } from '../../src/store/memory.js';
import { PackedLog } from '../../src/store/packed-log.js';
import { packJson, unpackJson } from '../../src/store/packed.js';
import { dayFromToday, isoDay } from '../helpers/clock.js';
import { makeCdmRecord } from './records.js';

const CORPUS = join(import.meta.dirname, '../fixtures/ccsds/corpus');

/** The CDMs of the CCSDS corpus as records, with the members the format keeps (`ccsds`: keywords, comments, lexical forms). */
function corpusRecords(): CdmRecord[] {
  return readdirSync(CORPUS)
    .filter((f) => /\.(txt|kvn|xml)$/.test(f) && !f.endsWith('.source.txt'))
    .flatMap((f) => {
      const parsed = parseCdm(readFileSync(join(CORPUS, f), 'utf8'));
      if (!parsed.ok) return [];
      // Some files are the same CDM in KVN and XML: the file name keeps them apart.
      const record = makeCdmRecord({ cdm_id: f });
      if (record.announce) record.announce.payload.cdm = { ...parsed.cdm, cdm_id: f };
      return [record];
    });
}

describe('packJson', () => {
  it('reads back equal values: unknown members, unicode, large and small numbers, nulls', () => {
    const value = {
      cdm_id: 'CDM-ünï-☄-𝒳',
      unknown_member: { nested: [1, 'two', null, true, { deeper: 'ß' }] },
      big: 1.7976931348623157e308,
      beyond_integers: 2 ** 60 + 2 ** 10,
      tiny: 5e-324,
      negative: -0.000123456789,
      empty: '',
      controls: 'line\nbreak\ttab "quoted" \\ back \u0000 nul',
      surrogates: '\ud83d\ude80',
    };
    const back = unpackJson<typeof value>(packJson(value));
    expect(back).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(back.cdm_id).toBe('CDM-ünï-☄-𝒳');
    expect(back.big).toBe(1.7976931348623157e308);
    expect(back.tiny).toBe(5e-324);
  });

  it('keeps a corpus CDM record whole and in far fewer bytes than its JSON', () => {
    const records = corpusRecords();
    expect(records.length).toBeGreaterThan(10);
    for (const record of records) {
      const packed = packJson(record);
      expect(unpackJson(packed)).toStrictEqual(record);
      expect(packed.length).toBeLessThan(JSON.stringify(record).length / 2);
    }
  });
});

describe('MemoryStore holding packed CDMs', () => {
  it('returns records equal to those put, each read a copy of its own', () => {
    const store = new MemoryStore();
    const records = corpusRecords();
    for (const r of records) store.putCdm(r);
    for (const r of records) expect(store.getCdm(r.cdm_id)).toStrictEqual(r);
    const read = store.getCdm(records[0]!.cdm_id)!;
    read.status = 'withdrawn';
    expect(store.getCdm(records[0]!.cdm_id)?.status).toBe('active');
    expect([...store.iterateCdms()]).toStrictEqual(records);
    expect(store.countActiveCdms()).toBe(records.length);
  });

  it('answers lists, counts, pairs and expiry from the facts kept beside each record', () => {
    const store = new MemoryStore();
    store.putCdm(makeCdmRecord({ cdm_id: 'A', tca: isoDay(10), object1_id: 'S1', object2_id: 'D1', owner1: 'Alpha', collision_probability: 1e-3 }));
    store.putCdm(makeCdmRecord({ cdm_id: 'B', tca: isoDay(12), object1_id: 'D1', object2_id: 'S1', owner1: 'Beta', collision_probability: 1e-6 }));
    store.putCdm(makeCdmRecord({ cdm_id: 'C', tca: isoDay(11, '00:00:00.000000001'), object1_id: 'S2', object2_id: 'D2', owner2: 'Alpha', status: 'withdrawn' }));
    store.putCdm(makeCdmRecord({ cdm_id: 'T', tombstone: true }));
    const list = (q: Partial<Parameters<MemoryStore['queryCdms']>[0]>) =>
      store.queryCdms({ limit: 10, offset: 0, status: 'all', sort: { field: 'tca', descending: false }, ...q }).items.map((r) => r.cdm_id);
    expect(list({})).toEqual(['A', 'C', 'B', 'T']);
    expect(list({ status: 'active' })).toEqual(['A', 'B']);
    expect(list({ owner: 'Alpha' })).toEqual(['A', 'C']);
    expect(list({ object_id: 'S1', sort: { field: 'collision_probability', descending: true } })).toEqual(['A', 'B']);
    expect(list({ min_probability: 5e-4 })).toEqual(['A']);
    expect(list({ tca_from: isoDay(11), tca_to: isoDay(11, '00:00:00.000000001') })).toEqual(['C']);
    expect(store.queryCdms({ limit: 1, offset: 1, status: 'all', sort: { field: 'tca', descending: true } }).total).toBe(4);
    expect(store.countActiveCdms()).toBe(2);
    expect(store.activeCdmIdsForObject('S1')).toEqual(['A', 'B']);
    expect(store.cdmsOfPair('S1', 'D1').map((r) => r.cdm_id)).toEqual(['A', 'B']);
    expect(store.activeCdmsWithTcaBefore(isoDay(11), 10).map((r) => r.cdm_id)).toEqual(['A']);
    store.putCdm(makeCdmRecord({ cdm_id: 'A', status: 'withdrawn', received_at: isoDay(-30) }));
    expect(store.countActiveCdms()).toBe(1);
    expect(store.purgeWithdrawnCdms(isoDay(-29))).toBe(3);
    expect(store.cdmIds()).toEqual(['B']);
  });
});

describe('PackedLog', () => {
  it('reads back every item in order across packed blocks, after drops and filters', () => {
    const log = new PackedLog<{ n: number; text: string }>(4);
    for (let n = 0; n < 11; n++) log.push({ n, text: `ït€m ${n}` });
    expect(log.length).toBe(11);
    expect(log.slice(0, 11).map((i) => i.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(log.at(9)).toEqual({ n: 9, text: 'ït€m 9' });
    log.dropOldest(5);
    expect([...log.items()].map((i) => i.n)).toEqual([5, 6, 7, 8, 9, 10]);
    log.push({ n: 11, text: '' });
    log.push({ n: 12, text: '' });
    expect(log.slice(2, 5).map((i) => i.n)).toEqual([7, 8, 9]);
    expect(log.keep((i) => i.n % 2 === 0)).toBe(4);
    expect([...log.items()].map((i) => i.n)).toEqual([6, 8, 10, 12]);
    log.dropOldest(10);
    expect(log.length).toBe(0);
    expect(log.at(0)).toBeUndefined();
  });

  it('keeps the change log numbered and trimmed as before', () => {
    const changes = new MemoryChangeLog();
    for (let i = 0; i < 200; i++) changes.append({ type: 'cdm', time: `${dayFromToday(-1)}T00:00:${String(i % 60).padStart(2, '0')}Z`, facts: {}, data: { i } });
    expect(changes.oldest()).toBe(1);
    expect(changes.after(130, 3).map((c) => [c.seq, c.data.i])).toEqual([[131, 130], [132, 131], [133, 132]]);
    expect(changes.trim('2000-01-01T00:00:00Z', 150)).toBe(50);
    expect(changes.oldest()).toBe(51);
    expect(changes.after(0, 1)[0]?.seq).toBe(51);
    expect(changes.latest()).toBe(200);
  });

  it('keeps the audit trail newest first and purges by time', () => {
    const audit = new MemoryAuditStore();
    const entry = (i: number): AuditEntry => ({ time: `${dayFromToday(-1)}T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`, direction: 'in', peer: i % 2 ? 'p1' : 'p2', message_id: `m${i}`, message_type: 'CDM_ANNOUNCE', decision: 'accepted' });
    for (let i = 0; i < 150; i++) audit.append(entry(i));
    expect(audit.query({ peer: 'p1', limit: 2, offset: 0 }).items.map((e) => e.message_id)).toEqual(['m149', 'm147']);
    expect(audit.query({ limit: 1, offset: 0 }).total).toBe(150);
    expect(audit.purge(`${dayFromToday(-1)}T00:01:40Z`)).toBe(100);
    expect(audit.query({ message_id: 'm100', limit: 1, offset: 0 }).items).toEqual([entry(100)]);
  });
});
