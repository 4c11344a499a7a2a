import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm, sampleManeuverIntent } from '../helpers/fixtures.js';
import { AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { TODAY_MS, isoDay } from '../helpers/clock.js';
import type { Cdm } from '../../src/protocol/cdm.js';

const MINUTE = 60_000;
const T0 = TODAY_MS + 2 * 86_400_000 + 12 * 3_600_000;

let t: TestNode;
beforeAll(async () => {
  const alerts = 'alerts:\n  levels:\n    - { name: red, min_pc: 1.0e-4 }\n    - { name: amber, min_pc: 1.0e-6 }\n';
  t = await startTestNode(`node: { id: node-events }\nserver: { port: 0 }\n${AUTH_YAML}${alerts}`);
});
afterAll(async () => t.stop());

function cdm(id: string, a: string, b: string, tcaMinutes: number, createdHour: number, pc: number, extra: Partial<Cdm> = {}): Cdm {
  const base = sampleCdm();
  return {
    ...base,
    cdm_id: id,
    creation_date: isoDay(-1, `${String(createdHour).padStart(2, '0')}:00:00.000`),
    tca: new Date(T0 + tcaMinutes * MINUTE).toISOString(),
    collision_probability: pc,
    object1: { ...base.object1, object_id: a, owner_operator: a === 'EV-C' ? 'Beta Ops' : 'Alpha Orbital' },
    object2: { ...base.object2, object_id: b },
    ...extra,
  };
}

async function post(body: Cdm): Promise<void> {
  const res = await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body });
  expect(res.status).toBe(201);
}

type EventItem = { event_id: string; cdm_count: number; latest_cdm_id: string; level: string; status: string; pc: number; tca: string; object1_id: string };

async function events(query: string): Promise<{ events: EventItem[]; total: number }> {
  const res = await http(t.url, 'GET', `/events${query}`, { token: READ_TOKEN });
  expect(res.status).toBe(200);
  return res.json as unknown as { events: EventItem[]; total: number };
}

describe('GET /events', () => {
  beforeAll(async () => {
    // One event by chained TCAs (0, 12, 25 min; the pair written both ways), one two hours later,
    // one joined by CONJUNCTION_ID across five hours, and one of another pair.
    await post(cdm('EV-1', 'EV-A', 'EV-B', 0, 1, 2e-6));
    await post(cdm('EV-2', 'EV-B', 'EV-A', 12, 2, 3e-5));
    await post(cdm('EV-3', 'EV-A', 'EV-B', 25, 3, 2e-4));
    await post(cdm('EV-4', 'EV-A', 'EV-B', 120, 1, 1e-9));
    const ccsds = { ccsds: { version: '2.0', relative: { CONJUNCTION_ID: 'CJ-77' } } } as Partial<Cdm>;
    await post(cdm('EV-5', 'EV-A', 'EV-B', 300, 1, 1e-5, ccsds));
    await post(cdm('EV-6', 'EV-A', 'EV-B', 600, 2, 1e-5, ccsds));
    await post(cdm('EV-7', 'EV-C', 'EV-D', 0, 1, 5e-5));
    const { maneuver_id: _id, ...intent } = sampleManeuverIntent();
    const maneuver = await http(t.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: { ...intent, object_id: 'EV-A', related_cdm_id: 'EV-3' } });
    expect(maneuver.status).toBe(201);
  });

  it('groups by pair and the 20-minute rule or CONJUNCTION_ID, with level and latest CDM', async () => {
    const list = await events('?object_id=EV-A&sort=tca');
    expect(list.total).toBe(3);
    expect(list.events.map((e) => [e.cdm_count, e.latest_cdm_id, e.level])).toEqual([
      [3, 'EV-3', 'red'],
      [1, 'EV-4', 'green'],
      [2, 'EV-6', 'amber'],
    ]);
    expect(list.events[0]).toMatchObject({ status: 'active', pc: expect.any(Number), tca: new Date(T0 + 25 * MINUTE).toISOString() });
  });

  it('names the CDM event in GET /cdms/{id}', async () => {
    const list = await events('?object_id=EV-A&sort=tca');
    for (const id of ['EV-1', 'EV-2', 'EV-3']) {
      expect((await http(t.url, 'GET', `/cdms/${id}`, { token: READ_TOKEN })).json.event_id).toBe(list.events[0]?.event_id);
    }
  });

  it('filters by owner, level, min_pc and TCA, sorts and pages', async () => {
    expect((await events('?owner=Beta%20Ops')).events.map((e) => e.object1_id)).toEqual(['EV-C']);
    expect((await events('?level=amber')).total).toBe(2);
    expect((await events('?min_pc=1e-4')).events.map((e) => e.latest_cdm_id)).toEqual(['EV-3']);
    const from = encodeURIComponent(new Date(T0 + 60 * MINUTE).toISOString());
    expect((await events(`?tca_from=${from}`)).total).toBe(2);
    const byPc = await events('?sort=-pc&limit=2&offset=1');
    expect(byPc).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(byPc.events.map((e) => e.latest_cdm_id)).toEqual(['EV-7', 'EV-6']);
  });

  it('answers bad filters with a validation error naming the field', async () => {
    for (const [query, field] of [['?sort=size', 'sort'], ['?status=open', 'status'], ['?min_pc=2', 'min_pc'], ['?tca_from=yesterday', 'tca_from']]) {
      const res = await http(t.url, 'GET', `/events${query}`, { token: READ_TOKEN });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: 'validation_failed', field });
    }
    expect((await http(t.url, 'GET', '/events')).status).toBe(401);
  });

  it('GET /events/{id} gives the CDM timeline and the maneuvers of either object', async () => {
    const first = (await events('?object_id=EV-A&sort=tca')).events[0] as EventItem;
    const res = await http(t.url, 'GET', `/events/${first.event_id}`, { token: READ_TOKEN });
    expect(res.status).toBe(200);
    const timeline = res.json.cdms as Array<Record<string, unknown>>;
    expect(timeline.map((c) => c.cdm_id)).toEqual(['EV-1', 'EV-2', 'EV-3']);
    expect(timeline[1]).toMatchObject({ collision_probability: 3e-5, miss_distance_m: 212.4, originator: 'ALPHA-FDS', status: 'active', computed_pc: expect.any(Number) });
    expect((res.json.maneuvers as Array<{ object_id: string }>).map((m) => m.object_id)).toEqual(['EV-A']);
    const missing = await http(t.url, 'GET', '/events/EVT-0000', { token: READ_TOKEN });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toBe('not_found');
  });

  it('closes an event once every CDM of it is withdrawn', async () => {
    const target = (await events('?object_id=EV-C')).events[0] as EventItem;
    await http(t.url, 'DELETE', '/cdms/EV-7', { token: WRITE_TOKEN, body: { reason: 'ERROR' } });
    expect((await events('?object_id=EV-C')).total).toBe(0);
    const closed = await events('?status=closed');
    expect(closed.events.map((e) => [e.event_id, e.status])).toEqual([[target.event_id, 'closed']]);
    expect((await events('?status=all')).total).toBe(4);
  });
});
