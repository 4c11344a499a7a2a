import { describe, expect, it } from 'vitest';
import { assessingStore } from '../../src/assessed-store.js';
import type { EventIndexWork } from '../../src/events/index.js';
import type { CdmRecord } from '../../src/model/records.js';
import { recordingChanges } from '../../src/notify/recorder.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { TODAY_MS } from '../helpers/clock.js';
import { sampleCdm, sampleCdmEnvelope } from '../helpers/fixtures.js';

const MINUTE = 60_000;
const BASE = TODAY_MS + 3 * 86_400_000;
const LEVELS = [
  { name: 'red', min_pc: 1e-4 },
  { name: 'yellow', min_pc: 1e-5 },
];

/** A CDM of the one object pair, TCAs a minute apart (so that every CDM chains into one event). */
function cdmRecord(n: number, status: 'active' | 'withdrawn' = 'active'): CdmRecord {
  const envelope = sampleCdmEnvelope();
  const cdm = sampleCdm({
    cdm_id: `P-${String(n).padStart(5, '0')}`,
    creation_date: new Date(TODAY_MS - 86_400_000 + n * 1000).toISOString(),
    tca: new Date(BASE + n * MINUTE).toISOString(),
    collision_probability: n % 7 === 0 ? 2e-4 : 1e-6,
  });
  return { cdm_id: cdm.cdm_id, status, announce: { ...envelope, payload: { cdm } }, received_from: 'test', received_at: new Date(TODAY_MS).toISOString() };
}

/** A store as the node composes it (Pc off: it is not what is measured), counting the records the event index reads back. */
function composed(seed: CdmRecord[]) {
  const table = new MemoryStore();
  for (const r of seed) table.putCdm(r);
  const reads = { calls: 0, records: 0 };
  const counting = new Proxy(table, {
    get(target, property) {
      if (property === 'cdmsOfPair') {
        return (a: string, b: string) => {
          const records = target.cdmsOfPair(a, b);
          reads.calls++;
          reads.records += records.length;
          return records;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as Store;
  const assessed = assessingStore(counting, () => ({ enabled: false, default_hbr_m: 20, disagreement_factor: 10 }));
  const store = recordingChanges(assessed.store, assessed.events, { levels: () => LEVELS, now: () => new Date(TODAY_MS), appended: () => undefined });
  return { store, events: assessed.events, reads };
}

function delta(after: EventIndexWork, before: EventIndexWork): EventIndexWork {
  return { compared: after.compared - before.compared, regrouped: after.regrouped - before.regrouped, moved: after.moved - before.moved, listed: after.listed - before.listed };
}

/** Up to this many comparisons per write in an event of n CDMs: five ordered lists, each searched about once (about 55 at n = 3000). */
const comparisonsPerWrite = (n: number) => 6 * Math.ceil(Math.log2(n + 2)) + 24;

describe('the work one CDM write does on its event', () => {
  it('stays logarithmic as one object pair gathers thousands of CDMs in one event, and reads the pair from the store once', () => {
    const n = 3000;
    const { store, events, reads } = composed([cdmRecord(0)]);
    let worst = 0;
    for (let i = 1; i < n; i++) {
      const before = { ...events.work };
      store.putCdm(cdmRecord(i));
      const work = delta(events.work, before);
      expect(work.regrouped).toBe(0);
      expect(work.moved).toBe(0);
      expect(work.listed).toBe(0);
      expect(work.compared).toBeLessThanOrEqual(comparisonsPerWrite(i));
      worst = Math.max(worst, work.compared);
    }
    // The pair was read from the table once, at its first write (before it: the CDM held).
    expect(reads).toEqual({ calls: 1, records: 1 });
    expect(worst).toBeLessThanOrEqual(comparisonsPerWrite(n));
    const eventId = events.eventIdOfCdm('P-00000') as string;
    expect(events.summary(eventId, LEVELS, new Date(TODAY_MS))).toMatchObject({ cdm_count: n, level: 'green', latest_cdm_id: `P-0${n - 1}` });
    // Withdrawals swap a member in place (a delete and an insert in each order), and the event stays one.
    for (let i = 0; i < n; i += 10) {
      const before = { ...events.work };
      store.putCdm(cdmRecord(i, 'withdrawn'));
      const work = delta(events.work, before);
      expect(work).toMatchObject({ regrouped: 0, moved: 0, listed: 0 });
      expect(work.compared).toBeLessThanOrEqual(2 * comparisonsPerWrite(n));
    }
    expect(events.eventIdOfCdm(`P-0${n - 1}`)).toBe(eventId);
  });

  it('moves a member at most log2(n) times when arrivals out of TCA order join events (smaller into larger)', () => {
    const n = 2048;
    const { store, events } = composed([]);
    // Every other TCA first (n/2 events of one CDM), then the gaps closed from both ends.
    const order = [...Array.from({ length: n / 2 }, (_, i) => 2 * i), ...Array.from({ length: n / 2 }, (_, i) => (i % 2 === 0 ? i + 1 : n - i))];
    // TCAs two minutes apart before the gaps close: 40 minutes, so each early CDM stands alone.
    const spaced = (i: number): CdmRecord => {
      const r = cdmRecord(i);
      const cdm = { ...(r.announce?.payload.cdm as ReturnType<typeof sampleCdm>), tca: new Date(BASE + i * 20 * MINUTE).toISOString() };
      return { ...r, announce: { ...(r.announce as NonNullable<CdmRecord['announce']>), payload: { cdm } } };
    };
    for (const i of order) store.putCdm(spaced(i));
    expect(events.work.regrouped).toBe(0);
    expect(events.work.moved).toBeLessThanOrEqual(n * Math.log2(n));
    expect(new Set(order.map((i) => events.eventIdOfCdm(`P-${String(i).padStart(5, '0')}`))).size).toBe(1);
  });
});
