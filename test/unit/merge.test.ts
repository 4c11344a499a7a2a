import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/model/canonical.js';
import { mergeCdmAnnounce, mergeCdmWithdraw, mergeManeuverStatus } from '../../src/model/merge.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import type { MessageType, PayloadByType } from '../../src/protocol/messages.js';
import { applyToTable, type TableMessage } from '../../src/routing/table.js';
import { MemoryStore } from '../../src/store/memory.js';
import { sampleCdm } from '../helpers/fixtures.js';

const meta = { received_from: 'peer', received_at: '2026-11-27T00:00:00.000Z' };
let counter = 0;

function envelope<T extends MessageType>(type: T, payload: PayloadByType[T], timestamp = '2026-11-27T00:00:00.000Z'): Envelope<T> {
  counter += 1;
  return {
    protocol_version: '1.0',
    message_id: `m-${counter}`,
    timestamp,
    source_node_id: 'origin',
    message_type: type,
    hop_count: 0,
    ttl: 10,
    payload,
  } as Envelope<T>;
}

const announce = (id: string, creation: string, miss = 100) =>
  envelope('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: id, creation_date: creation, miss_distance_m: miss }) });
const withdraw = (id: string, at: string, reason: 'ERROR' | 'SUPERSEDED' = 'ERROR') =>
  envelope('CDM_WITHDRAW', { cdm_id: id, reason, effective_time: at });

describe('CDM merge rules', () => {
  it('lets the later creation_date win and reports the same content as unchanged', () => {
    const first = mergeCdmAnnounce(undefined, announce('C1', '2026-01-01T00:00:00.000Z'), meta);
    expect(first.outcome).toBe('created');
    const newer = mergeCdmAnnounce(first.record, announce('C1', '2026-01-02T00:00:00.000Z'), meta);
    expect(newer.outcome).toBe('updated');
    expect(mergeCdmAnnounce(newer.record, announce('C1', '2026-01-01T00:00:00.000Z'), meta).outcome).toBe('stale');
    expect(mergeCdmAnnounce(newer.record, announce('C1', '2026-01-02T00:00:00.000Z'), meta).outcome).toBe('unchanged');
  });

  it('breaks a tie of creation dates by the larger canonical JSON', () => {
    const a = announce('C1', '2026-01-01T00:00:00.000Z', 100);
    const b = announce('C1', '2026-01-01T00:00:00.000Z', 200);
    const larger = canonicalJson(a.payload) > canonicalJson(b.payload) ? a : b;
    const smaller = larger === a ? b : a;
    const held = mergeCdmAnnounce(undefined, smaller, meta).record;
    const merged = mergeCdmAnnounce(held, larger, meta);
    expect(merged.outcome).toBe('updated');
    expect(mergeCdmAnnounce(merged.record, smaller, meta).outcome).toBe('stale');
  });

  it('orders timestamps exactly, beyond milliseconds', () => {
    const held = mergeCdmAnnounce(undefined, announce('C1', '2026-01-01T00:00:00.1234Z'), meta).record;
    expect(mergeCdmAnnounce(held, announce('C1', '2026-01-01T00:00:00.12341Z'), meta).outcome).toBe('updated');
    expect(mergeCdmAnnounce(held, announce('C1', '2026-01-01T00:00:00.123Z'), meta).outcome).toBe('stale');
  });

  it('never revives a withdrawn CDM, even with a newer announce', () => {
    const held = mergeCdmAnnounce(undefined, announce('C1', '2026-01-01T00:00:00.000Z'), meta).record;
    const withdrawn = mergeCdmWithdraw(held, withdraw('C1', '2026-01-01T01:00:00.000Z'), meta).record;
    const after = mergeCdmAnnounce(withdrawn, announce('C1', '2026-02-01T00:00:00.000Z'), meta);
    expect(after.record?.status).toBe('withdrawn');
  });

  it('keeps a withdrawal of an unknown CDM as a tombstone that blocks a late announce', () => {
    const tombstone = mergeCdmWithdraw(undefined, withdraw('C9', '2026-01-01T01:00:00.000Z'), meta);
    expect(tombstone.outcome).toBe('created');
    expect(tombstone.record?.status).toBe('withdrawn');
    expect(mergeCdmAnnounce(tombstone.record, announce('C9', '2026-01-01T00:00:00.000Z'), meta).record?.status).toBe('withdrawn');
  });
});

describe('maneuver status', () => {
  const status = (s: 'PLANNED' | 'IN_PROGRESS' | 'COMPLETED') => envelope('MANEUVER_STATUS', { maneuver_id: 'M1', object_id: 'O1', status: s });

  it('moves forward only', () => {
    const started = mergeManeuverStatus(undefined, status('IN_PROGRESS'), meta).record;
    expect(mergeManeuverStatus(started, status('PLANNED'), meta).outcome).toBe('stale');
    const done = mergeManeuverStatus(started, status('COMPLETED'), meta);
    expect(done.outcome).toBe('updated');
    expect(done.record?.status).toBe('COMPLETED');
  });
});

/**
 * The replicated content of a table: each record's status and payloads. Provenance is
 * this node's own, and two originations of an identical payload may differ in envelope.
 */
function tableContent(store: MemoryStore): string {
  const strip = <T extends { received_from: string; received_at: string }>(r: T) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([key]) => key !== 'received_from' && key !== 'received_at')
        .map(([key, value]) => [key, value !== null && typeof value === 'object' && 'payload' in value ? (value as { payload: unknown }).payload : value]),
    );
  const sorted = <T>(items: Iterable<T>, key: (t: T) => string) => [...items].sort((a, b) => (key(a) < key(b) ? -1 : 1)).map((x) => x);
  return canonicalJson({
    cdms: sorted(store.iterateCdms(), (r) => r.cdm_id).map(strip),
    objects: sorted(store.iterateObjects(), (r) => r.object_id).map(strip),
    maneuvers: sorted(store.iterateManeuvers(), (r) => r.maneuver_id).map(strip),
  });
}

const ids = fc.constantFrom('A', 'B', 'C');
const times = fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.500Z', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00.000Z');

const messageArb: fc.Arbitrary<TableMessage> = fc.oneof(
  fc.record({ id: ids, at: times, miss: fc.integer({ min: 0, max: 3 }) }).map(({ id, at, miss }) => announce(id, at, miss) as TableMessage),
  fc.record({ id: ids, at: times, reason: fc.constantFrom('ERROR' as const, 'SUPERSEDED' as const) }).map(
    ({ id, at, reason }) => withdraw(id, at, reason) as TableMessage,
  ),
  fc.record({ id: ids, at: times, x: fc.integer({ min: 0, max: 2 }) }).map(
    ({ id, at, x }) =>
      envelope('OBJECT_STATE_ANNOUNCE', {
        object_id: id,
        object_name: `OBJ ${id}`,
        object_type: 'PAYLOAD',
        epoch: at,
        state_vector: { x_km: x, y_km: 0, z_km: 0, vx_km_s: 0, vy_km_s: 0, vz_km_s: 0 },
      }) as TableMessage,
  ),
  fc.record({ id: ids, at: times }).map(({ id, at }) => envelope('OBJECT_STATE_WITHDRAW', { object_id: id, reason: 'DECAYED', effective_time: at }) as TableMessage),
  fc.record({ id: ids, at: times, d: fc.integer({ min: 0, max: 2 }) }).map(
    ({ id, at, d }) =>
      envelope(
        'MANEUVER_INTENT',
        { maneuver_id: id, object_id: 'O1', planned_start: at, planned_duration_s: d, maneuver_type: 'COLLISION_AVOIDANCE' },
        at,
      ) as TableMessage,
  ),
  fc.record({ id: ids, s: fc.constantFrom('PLANNED' as const, 'IN_PROGRESS' as const, 'COMPLETED' as const, 'CANCELLED' as const, 'FAILED' as const) }).map(
    ({ id, s }) => envelope('MANEUVER_STATUS', { maneuver_id: id, object_id: 'O1', status: s }) as TableMessage,
  ),
);

describe('convergence', () => {
  it('gives the same table for any order of the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 25 }).chain((messages) =>
          fc.tuple(fc.constant(messages), fc.shuffledSubarray(messages, { minLength: messages.length, maxLength: messages.length })),
        ),
        ([messages, shuffled]) => {
          const inOrder = new MemoryStore();
          const reordered = new MemoryStore();
          for (const m of messages) applyToTable(inOrder, m, meta);
          for (const m of shuffled) applyToTable(reordered, m, meta);
          expect(tableContent(reordered)).toBe(tableContent(inOrder));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is idempotent: applying every message twice changes nothing', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 20 }), (messages) => {
        const once = new MemoryStore();
        const twice = new MemoryStore();
        for (const m of messages) applyToTable(once, m, meta);
        for (const m of [...messages, ...messages]) applyToTable(twice, m, meta);
        expect(tableContent(twice)).toBe(tableContent(once));
      }),
      { numRuns: 200 },
    );
  });
});
