import { describe, expect, it } from 'vitest';
import { byRisk, sortByRisk } from '../../ui/app/format.js';
import { FLUSH_INTERVAL_MS, LiveState, type Change } from '../../ui/app/live.js';

// The page's picture of the active events: batches of stream changes, and a list loaded while
// the stream is open (its changes meanwhile must not be lost under the list).
const BASE = Date.parse('2030-01-01T00:00:00Z');
const tca = (hours: number) => new Date(BASE + hours * 3_600_000).toISOString();
const event = (id: string, pc: number | null, extra: Record<string, unknown> = {}) => ({ event_id: id, status: 'active', pc, tca: tca(10), cdm_count: 1, ...extra });
const change = (e: Record<string, unknown>): Change => ({ event: 'event', data: { event: e } });

describe('LiveState', () => {
  it('applies the changes that came while a list was on its way again over the list, in order', () => {
    const live = new LiveState();
    live.beginLoad();
    // Newer than the list: E1's second CDM, E2 closed, E3 new.
    live.push(change(event('E1', 1e-4, { cdm_count: 2 })));
    live.push(change(event('E2', 1e-5, { status: 'closed' })));
    live.push(change(event('E3', 1e-6)));
    live.flush();
    live.load([event('E1', 1e-5), event('E2', 1e-5)]);
    expect([...live.events.keys()].sort()).toEqual(['E1', 'E3']);
    expect(live.events.get('E1')).toMatchObject({ pc: 1e-4, cdm_count: 2 });
    // Once loaded, nothing is applied again.
    live.load([event('E1', 1e-5)]);
    expect([...live.events.keys()]).toEqual(['E1']);
    expect(live.events.get('E1')).toMatchObject({ pc: 1e-5 });
  });

  it('applies a burst of changes as one batch, after the shortest interval', async () => {
    const live = new LiveState();
    const batches: number[] = [];
    live.subscribe(() => batches.push(live.received));
    live.load([]);
    for (let i = 0; i < 50; i++) live.push(change(event(`E${i}`, 1e-5)));
    expect(live.events.size).toBe(0);
    await new Promise<void>((resolve) => live.subscribe(() => resolve()));
    expect(batches).toEqual([0, 50]);
    expect(live.events.size).toBe(50);
    // The next change waits out the interval after the last batch.
    const pushed = performance.now();
    live.push(change(event('E50', 1e-5)));
    await new Promise<void>((resolve) => live.subscribe(() => resolve()));
    expect(performance.now() - pushed).toBeGreaterThanOrEqual(FLUSH_INTERVAL_MS - 5);
    expect(batches).toEqual([0, 50, 51]);
  });
});

describe('LiveState owners and replaced events', () => {
  it('keeps the owners an event had when a change of it (which names none) or a CDM of a new owner comes', () => {
    const live = new LiveState();
    live.load([event('E1', 1e-5, { owners: ['Alpha Orbital'] })]);
    live.push({ event: 'cdm', data: { cdm: { cdm_id: 'C2', event_id: 'E1', owners: ['Brand New Owner'] } } });
    live.push(change(event('E1', 1e-4, { cdm_count: 2 })));
    live.flush();
    expect(live.events.get('E1')).toMatchObject({ pc: 1e-4, owners: ['Alpha Orbital', 'Brand New Owner'] });
  });

  it('drops an event the node says was replaced, and gives its owners to the event that replaced it', () => {
    const live = new LiveState();
    live.load([event('OLD', 0.6, { owners: ['Alpha Orbital'] })]);
    live.push({ event: 'cdm', data: { cdm: { cdm_id: 'C2', event_id: 'NEW', owners: ['Beta'] } } });
    live.push(change(event('NEW', 0.6, { cdm_count: 2 })));
    live.push(change({ event_id: 'OLD', status: 'replaced', replaced_by: 'NEW' }));
    live.flush();
    expect([...live.events.keys()]).toEqual(['NEW']);
    expect(live.events.get('NEW')).toMatchObject({ owners: ['Alpha Orbital', 'Beta'] });
  });
});

describe('sortByRisk', () => {
  it('orders as byRisk does: highest Pc first, no Pc last, then nearest TCA, keeping ties in order', () => {
    const events = Array.from({ length: 500 }, (_, i) => ({ id: i, pc: i % 7 === 0 ? null : 10 ** -(3 + (i % 4)), tca: tca((i * 37) % 11) }));
    const sorted = sortByRisk(events);
    expect(sorted.map((e) => e.id)).toEqual([...events].sort(byRisk).map((e) => e.id));
    expect(sorted[0]?.pc).toBe(1e-3);
    expect(sorted.at(-1)?.pc).toBeNull();
    // A changed event is a new object: its TCA is read again.
    const moved = { ...(sorted.at(-1) as (typeof events)[number]), pc: 1 };
    expect(sortByRisk([...events.slice(1), moved])[0]).toBe(moved);
  });
});
