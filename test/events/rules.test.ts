import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventIndex, clusterPair, memberOf, riskLevel, summarizeEvent, type EventMember, type EventSource } from '../../src/events/index.js';
import type { CdmRecord } from '../../src/model/records.js';
import type { Cdm } from '../../src/protocol/cdm.js';
import { sampleCdm, sampleCdmEnvelope } from '../helpers/fixtures.js';
import { isoDay, TODAY_MS } from '../helpers/clock.js';

const MINUTE = 60_000;
const BASE = TODAY_MS + 3 * 86_400_000;

function record(cdm: Cdm, status: 'active' | 'withdrawn' = 'active'): CdmRecord {
  const envelope = sampleCdmEnvelope();
  return {
    cdm_id: cdm.cdm_id,
    status,
    announce: { ...envelope, payload: { cdm } },
    received_from: 'test',
    received_at: isoDay(-1),
  };
}

interface Spec {
  id: number;
  pair: number;
  swap: boolean;
  minute: number;
  created: number;
  conjunction?: number;
  pc?: number;
}

const PAIRS: Array<[string, string]> = [
  ['1001', '2002'],
  ['1001', '3003'],
  ['4004', '2002'],
];

function cdmOf(spec: Spec): Cdm {
  const [a, b] = PAIRS[spec.pair] as [string, string];
  const base = sampleCdm();
  const cdm: Cdm = {
    ...base,
    cdm_id: `C-${spec.id}`,
    creation_date: new Date(TODAY_MS - 86_400_000 + spec.created * MINUTE).toISOString(),
    tca: new Date(BASE + spec.minute * MINUTE).toISOString(),
    object1: { ...base.object1, object_id: spec.swap ? b : a },
    object2: { ...base.object2, object_id: spec.swap ? a : b },
    ...(spec.pc !== undefined ? { collision_probability: spec.pc } : {}),
  };
  if (spec.pc === undefined) delete (cdm as Partial<Cdm>).collision_probability;
  return spec.conjunction === undefined ? cdm : ({ ...cdm, ccsds: { version: '2.0', relative: { CONJUNCTION_ID: `CJ-${spec.conjunction}` } } } as Cdm);
}

const spec: fc.Arbitrary<Omit<Spec, 'id'>> = fc.record(
  {
    pair: fc.nat(2),
    swap: fc.boolean(),
    minute: fc.integer({ min: 0, max: 240 }),
    created: fc.nat(500),
    conjunction: fc.nat(3),
    pc: fc.double({ min: 0, max: 1e-3, noNaN: true }),
  },
  { requiredKeys: ['pair', 'swap', 'minute', 'created'] },
);

/** The events as sets: event id → sorted member ids. */
function eventsOf(index: EventIndex): string {
  const rows = index.all().map((members) => summarizeEvent(members, [], new Date(TODAY_MS)));
  return JSON.stringify(rows.map((e) => [e.event_id, e.members.map((m) => m.cdm_id).sort()]).sort());
}

describe('grouping CDMs into conjunction events', () => {
  it('chains TCAs up to 20 minutes apart within one unordered pair, and no further', () => {
    const members = [0, 15, 30, 51, 200].map((minute, i) => memberOf(record(cdmOf({ id: i, pair: 0, swap: i % 2 === 1, minute, created: i })))) as EventMember[];
    const clusters = clusterPair(members).map((c) => c.map((m) => m.cdm_id).sort());
    expect(clusters.sort()).toEqual([['C-0', 'C-1', 'C-2'], ['C-3'], ['C-4']]);
  });

  it('joins CDMs far apart in TCA that carry the same CONJUNCTION_ID', () => {
    const members = [0, 100].map((minute, i) => memberOf(record(cdmOf({ id: i, pair: 0, swap: false, minute, created: i, conjunction: 7 })))) as EventMember[];
    expect(clusterPair(members)).toHaveLength(1);
  });

  it('gives the same events and ids for any order of arrival, and for updates on the way', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 25 }), fc.nat(), (specs, seed) => {
        const records = specs.map((s, id) => record(cdmOf({ ...s, id })));
        const inOrder = new EventIndex();
        for (const r of records) inOrder.upsert(r);
        const shuffled = fc.sample(fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }), { seed, numRuns: 1 })[0] ?? records;
        const other = new EventIndex();
        // Read events between arrivals too, so that refreshing part-way cannot change the end.
        for (const r of shuffled) {
          other.upsert(record(cdmOf({ id: 999, pair: 0, swap: false, minute: 0, created: 0 })));
          other.upsert(r);
          other.remove('C-999');
          other.all();
        }
        expect(eventsOf(other)).toBe(eventsOf(inOrder));
        for (const r of records) expect(other.eventIdOfCdm(r.cdm_id)).toBe(inOrder.eventIdOfCdm(r.cdm_id));
      }),
      { numRuns: 200 },
    );
  });
});

/** A table of records as a lazily built index reads it. */
function tableSource(table: Map<string, CdmRecord>, reads: string[]): EventSource {
  const ofPair = (a: string, b: string) =>
    [...table.values()].filter((r) => {
      const cdm = r.announce?.payload.cdm;
      return cdm !== undefined && ((cdm.object1.object_id === a && cdm.object2.object_id === b) || (cdm.object1.object_id === b && cdm.object2.object_id === a));
    });
  return {
    all: () => (reads.push('all'), [...table.values()]),
    pair: (a, b) => (reads.push('pair'), ofPair(a, b)),
    pairOf: (id) => {
      reads.push('pairOf');
      const cdm = table.get(id)?.announce?.payload.cdm;
      return cdm ? ofPair(cdm.object1.object_id, cdm.object2.object_id) : [];
    },
  };
}

describe('an event index built lazily from a table already held', () => {
  it('answers as one built from every record at start, through writes and purges', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 20 }), fc.array(spec, { maxLength: 8 }), fc.boolean(), (held, written, readAllFirst) => {
        const table = new Map<string, CdmRecord>();
        for (const [id, s] of held.entries()) table.set(`C-${id}`, record(cdmOf({ ...s, id }), id % 4 === 3 ? 'withdrawn' : 'active'));
        const eager = new EventIndex();
        for (const r of table.values()) eager.upsert(r);
        const reads: string[] = [];
        const lazy = new EventIndex(tableSource(table, reads));
        expect(reads).toEqual([]);
        if (readAllFirst) lazy.all();
        // Writes as the store wrapper makes them: the table first, then the index; some replace held records.
        for (const [i, s] of written.entries()) {
          const id = i % 2 === 0 ? i : 100 + i;
          const r = record(cdmOf({ ...s, id }));
          expect(lazy.eventIdOfCdm(r.cdm_id)).toBe(eager.eventIdOfCdm(r.cdm_id));
          table.set(r.cdm_id, r);
          eager.upsert(r);
          lazy.upsert(r);
          expect(lazy.eventIdOfCdm(r.cdm_id)).toBe(eager.eventIdOfCdm(r.cdm_id));
          const eventId = eager.eventIdOfCdm(r.cdm_id) as string;
          expect(lazy.get(eventId)?.map((m) => m.cdm_id).sort()).toEqual(eager.get(eventId)?.map((m) => m.cdm_id).sort());
        }
        if (!readAllFirst) expect(reads).not.toContain('all');
        // A purge as the store wrapper makes it: the table first, then the index.
        const before = isoDay(0);
        for (const [id, r] of table) if (r.status === 'withdrawn' && r.received_at < before) table.delete(id);
        eager.purgeWithdrawn(before);
        lazy.purgeWithdrawn(before);
        for (const id of table.keys()) expect(lazy.eventIdOfCdm(id)).toBe(eager.eventIdOfCdm(id));
        expect(eventsOf(lazy)).toBe(eventsOf(eager));
        expect(lazy.size()).toBe(eager.size());
      }),
      { numRuns: 200 },
    );
  });
});

describe('event summary', () => {
  const levels = [
    { name: 'yellow', min_pc: 1e-5 },
    { name: 'red', min_pc: 1e-4 },
  ];

  it('levels by the highest threshold reached, green below all, unknown without a Pc', () => {
    expect(riskLevel(2e-4, levels)).toBe('red');
    expect(riskLevel(1e-5, levels)).toBe('yellow');
    expect(riskLevel(9e-6, levels)).toBe('green');
    expect(riskLevel(undefined, levels)).toBe('unknown');
  });

  it('takes the latest active CDM, the higher of its given and computed Pc, and closes when all are withdrawn or past', () => {
    const old = record(cdmOf({ id: 1, pair: 0, swap: false, minute: 0, created: 1, pc: 1e-6 }));
    const newer = { ...record(cdmOf({ id: 2, pair: 0, swap: false, minute: 5, created: 2, pc: 2e-6 })), computed_pc: { value: 3e-4, method: 'FOSTER-1992', hbr_m: 20, hbr_source: 'default', shape: 'circle' } };
    const members = [old, newer].map(memberOf) as EventMember[];
    const event = summarizeEvent(members, levels, new Date(TODAY_MS));
    expect(event).toMatchObject({ latest_cdm_id: 'C-2', pc: 3e-4, level: 'red', status: 'active', cdm_count: 2 });
    const withdrawn = [record(cdmOf({ id: 1, pair: 0, swap: false, minute: 0, created: 1 }), 'withdrawn'), newer].map(memberOf) as EventMember[];
    expect(summarizeEvent(withdrawn, levels, new Date(BASE + 60 * MINUTE)).status).toBe('closed');
    expect(summarizeEvent(withdrawn, levels, new Date(BASE - 60 * MINUTE)).status).toBe('active');
  });
});

/** A CDM of pair 0 with this TCA text (and creation order `created`). */
function atTca(id: string, tca: string, created: number, extra: Partial<Cdm> = {}): CdmRecord {
  return record({ ...cdmOf({ id: 0, pair: 0, swap: false, minute: 0, created }), cdm_id: id, tca, ...extra });
}

/** The events of these records, as sorted lists of cdm_ids, for every order of arrival (all must agree). */
function eventsInEveryOrder(records: CdmRecord[]): string[][] {
  const permutations = (items: CdmRecord[]): CdmRecord[][] =>
    items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
  const results = new Set<string>();
  let last: string[][] = [];
  for (const order of permutations(records)) {
    const index = new EventIndex();
    for (const r of order) index.upsert(r);
    const groups = index.all().map((members) => members.map((m) => m.cdm_id).sort()).sort();
    const fromScratch = clusterPair(order.map(memberOf) as EventMember[]).map((c) => c.map((m) => m.cdm_id).sort()).sort();
    expect(groups).toEqual(fromScratch);
    results.add(JSON.stringify(groups.map((g) => [index.eventIdOfCdm(g[0] as string), ...g])));
    last = groups;
  }
  expect(results.size).toBe(1);
  return last;
}

describe('the 20-minute rule on exact UTC times', () => {
  it('counts a leap second as a real second: a chain across 2016-12-31T23:59:60.5 is one event in any order', () => {
    const chain = ['2016-12-31T23:50:00.000Z', '2016-12-31T23:59:60.500Z', '2017-01-01T00:09:00.000Z', '2017-01-01T00:25:00.000Z'];
    expect(eventsInEveryOrder(chain.map((tca, i) => atTca(`L-${i}`, tca, i)))).toEqual([['L-0', 'L-1', 'L-2', 'L-3']]);
    const close = ['2016-12-31T23:55:00Z', '2016-12-31T23:59:60.5Z', '2017-01-01T00:05:00Z'];
    expect(eventsInEveryOrder(close.map((tca, i) => atTca(`K-${i}`, tca, i)))).toEqual([['K-0', 'K-1', 'K-2']]);
  });

  it('measures 20 minutes across a leap second in elapsed seconds: the inserted second counts', () => {
    // 23:50:00.5 → 00:10:00 is 20 min 0.5 s of UTC clock but 20 min 0.5 s + 1 s elapsed: apart.
    expect(eventsInEveryOrder([atTca('A', '2016-12-31T23:50:00.000Z', 1), atTca('B', '2017-01-01T00:09:59.000Z', 2)])).toEqual([['A', 'B']]);
    expect(eventsInEveryOrder([atTca('A', '2016-12-31T23:50:00.000Z', 1), atTca('B', '2017-01-01T00:09:59.001Z', 2)])).toEqual([['A'], ['B']]);
    expect(eventsInEveryOrder([atTca('A', '2016-12-31T23:39:59.500Z', 1), atTca('B', '2016-12-31T23:59:60.500Z', 2)])).toEqual([['A'], ['B']]);
    expect(eventsInEveryOrder([atTca('A', '2016-12-31T23:40:00.500Z', 1), atTca('B', '2016-12-31T23:59:60.500Z', 2)])).toEqual([['A', 'B']]);
  });

  it('compares to the nanosecond: exactly 20 minutes joins, 1 ns or 0.9 ms more does not', () => {
    // A day ahead of the clock (the rule reads no clock; the day only has to be a real one).
    const day = isoDay(30).slice(0, 10);
    const base = `${day}T10:00:00Z`;
    expect(eventsInEveryOrder([atTca('A', base, 1), atTca('B', `${day}T10:20:00Z`, 2)])).toEqual([['A', 'B']]);
    expect(eventsInEveryOrder([atTca('A', base, 1), atTca('B', `${day}T10:20:00.000000000999Z`, 2)])).toEqual([['A', 'B']]);
    expect(eventsInEveryOrder([atTca('A', base, 1), atTca('B', `${day}T10:20:00.000000001Z`, 2)])).toEqual([['A'], ['B']]);
    expect(eventsInEveryOrder([atTca('A', base, 1), atTca('B', `${day}T10:20:00.0009Z`, 2)])).toEqual([['A'], ['B']]);
    expect(eventsInEveryOrder([atTca('A', `${day}T10:00:00.0000001Z`, 1), atTca('B', `${day}T10:20:00.0000001Z`, 2), atTca('C', `${day}T10:40:00.00000011Z`, 3)])).toEqual([['A', 'B'], ['C']]);
  });

  it('orders members by exact TCA, a leap second after 23:59:59.999999999 and before the next day', () => {
    const times = ['2017-01-01T00:00:00Z', '2016-12-31T23:59:60.5Z', '2016-12-31T23:59:59.999999999Z', '2016-12-31T23:59:60Z'];
    const members = times.map((tca, i) => memberOf(atTca(`T-${i}`, tca, i))) as EventMember[];
    const [event] = clusterPair(members);
    expect(event?.map((m) => m.cdm_id)).toEqual(['T-2', 'T-3', 'T-1', 'T-0']);
    expect((members[0] as EventMember).tca_ns - (members[1] as EventMember).tca_ns).toBe(500_000_000n);
  });
});

/** Specs with TCAs that may sit on a leap second or differ below the millisecond. */
const exactSpec = fc.record({
  second: fc.integer({ min: -3_700, max: 3_700 }),
  nanos: fc.constantFrom(0, 1, 999_999, 500_000_000, 900_000),
  created: fc.nat(50),
  conjunction: fc.option(fc.nat(3), { nil: undefined }),
  withdrawn: fc.boolean(),
  pc: fc.option(fc.constantFrom(1e-6, 2e-5, 3e-4), { nil: undefined }),
});

/** A TCA `second` elapsed seconds (and `nanos`) from 2017-01-01T00:00:00Z, across the leap second before it. */
function tcaAround(second: number, nanos: number): string {
  const fraction = `.${String(nanos).padStart(9, '0')}Z`;
  if (second === -1) return `2016-12-31T23:59:60${fraction}`;
  const posix = Date.parse('2017-01-01T00:00:00Z') + (second < -1 ? second + 1 : second) * 1000;
  return new Date(posix).toISOString().slice(0, 19) + fraction;
}

describe('an event index kept up to date write by write', () => {
  it('has the events and summaries of grouping from scratch, whatever the arrivals, updates and removals', () => {
    const levels = [
      { name: 'red', min_pc: 1e-4 },
      { name: 'yellow', min_pc: 1e-5 },
    ];
    const now = new Date('2017-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(11), exactSpec, fc.nat(9)), { minLength: 1, maxLength: 40 }), (steps) => {
        const index = new EventIndex();
        const held = new Map<string, CdmRecord>();
        for (const [id, s, action] of steps) {
          const cdmId = `X-${id}`;
          if (action === 0) {
            index.remove(cdmId);
            held.delete(cdmId);
          } else {
            const extra: Partial<Cdm> = s.pc === undefined ? {} : { collision_probability: s.pc };
            const cdm: Cdm = { ...cdmOf({ id: 0, pair: 0, swap: id % 2 === 0, minute: 0, created: s.created, ...(s.conjunction === undefined ? {} : { conjunction: s.conjunction }) }), cdm_id: cdmId, tca: tcaAround(s.second, s.nanos), ...extra };
            const r = record(cdm, s.withdrawn ? 'withdrawn' : 'active');
            const withdrawnRecord: CdmRecord = s.withdrawn ? { ...r, withdrawal: { ...sampleCdmEnvelope(), payload: { cdm_id: cdmId, reason: 'ERROR', effective_time: isoDay(-1, '06:00:00.000') } } as unknown as CdmRecord['withdrawal'] } : r;
            index.upsert(withdrawnRecord);
            held.set(cdmId, withdrawnRecord);
          }
          if (action === 9) index.all();
        }
        const scratch = clusterPair([...held.values()].map(memberOf) as EventMember[]);
        const expected = scratch.map((members) => summarizeEvent(members, levels, now)).map(({ members, ...summary }) => ({ ...summary, ids: members.map((m) => m.cdm_id) }));
        const actual = index.all().map((members) => {
          const eventId = index.eventIdOfCdm(members[0]?.cdm_id as string) as string;
          return { ...index.summary(eventId, levels, now), ids: members.map((m) => m.cdm_id) };
        });
        const byId = (a: { event_id?: string }, b: { event_id?: string }) => ((a.event_id ?? '') < (b.event_id ?? '') ? -1 : 1);
        expect(actual.sort(byId)).toEqual(expected.sort(byId));
        for (const cdmId of held.keys()) expect(index.eventIdOfCdm(cdmId)).toBe(expected.find((e) => e.ids.includes(cdmId))?.event_id);
      }),
      { numRuns: 300 },
    );
  });
});
