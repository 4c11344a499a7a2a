import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { TODAY_MS } from '../helpers/clock.js';
import { link, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { READ_TOKEN, WRITE_TOKEN, http, type TestNode } from '../helpers/node.js';
import { openStream, type SseEvent, type StreamClient } from '../helpers/sse.js';
import type { Cdm } from '../../src/protocol/cdm.js';

const T0 = TODAY_MS + 2 * 86_400_000;
const SUBSCRIPTIONS = `
subscriptions:
  stream_heartbeat_seconds: 0.2
  log_max_entries: 100
`;

let nodes: TestNode[] = [];
const clients: StreamClient[] = [];
beforeAll(async () => {
  // A line of three nodes: n0 - n1 - n2.
  nodes = await startNetworkNodes(['sse0', 'sse1', 'sse2'], () => ({ yaml: SUBSCRIPTIONS }));
  await link(nodes[0] as TestNode, nodes[1] as TestNode);
  await link(nodes[1] as TestNode, nodes[2] as TestNode);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stopAll(nodes);
});

const node = (i: number) => nodes[i] as TestNode;

function cdm(id: string, object: string, pc: number, createdMinute = 0): Cdm {
  const base = sampleCdm();
  return {
    ...base,
    cdm_id: id,
    creation_date: new Date(TODAY_MS - 86_400_000 + createdMinute * 60_000).toISOString(),
    tca: new Date(T0).toISOString(),
    collision_probability: pc,
    object1: { ...base.object1, object_id: object, owner_operator: 'Alpha Orbital' },
    object2: { ...base.object2, object_id: 'STREAM-DEBRIS' },
  };
}

async function post(i: number, body: Cdm): Promise<void> {
  const res = await http(node(i).url, 'POST', '/cdm', { token: WRITE_TOKEN, body });
  expect(res.status).toBe(201);
}

async function stream(i: number, query = '', lastEventId?: string): Promise<StreamClient> {
  const client = await openStream(node(i).url, query, { token: READ_TOKEN, ...(lastEventId !== undefined ? { lastEventId } : {}) });
  clients.push(client);
  expect(client.status).toBe(200);
  return client;
}

const seqs = (events: SseEvent[]) => events.map((e) => Number(e.id));

describe('GET /events/stream', () => {
  it('answers as Server-Sent Events and sends heartbeat comments', async () => {
    const client = await stream(0);
    expect(String(client.headers['content-type'])).toMatch(/^text\/event-stream/);
    await waitFor('two heartbeats', () => client.comments.filter((c) => c.startsWith('heartbeat')).length >= 2);
    client.close();
  });

  it('tells a client of a CDM announced at a peer two hops away, with its event and level', async () => {
    const client = await stream(0, '?object_id=TWO-HOPS');
    await post(2, cdm('TWO-HOPS-1', 'TWO-HOPS', 3e-4));
    const [cdmEvent] = await client.waitForEvents(1, 'cdm');
    const [eventEvent] = await client.waitForEvents(1, 'event');
    const told = (cdmEvent as SseEvent).data as { seq: number; type: string; change: string; cdm: Record<string, unknown> };
    expect(told.type).toBe('cdm');
    expect(told.change).toBe('created');
    expect(told.cdm).toMatchObject({ cdm_id: 'TWO-HOPS-1', source_node: 'sse2', received_from: 'sse1', level: 'red', object1_id: 'TWO-HOPS' });
    expect(Number((cdmEvent as SseEvent).id)).toBe(told.seq);
    const event = (eventEvent as SseEvent).data as { event: Record<string, unknown>; level_changed?: unknown };
    expect(event.event).toMatchObject({ object1_id: 'TWO-HOPS', level: 'red', cdm_count: 1 });
    expect(event.level_changed).toEqual({ from: null, to: 'red' });
    client.close();
  });

  it('resumes after Last-Event-ID with every change since, in order, none lost and none twice', async () => {
    const first = await stream(1, '?object_id=RESUME');
    await post(1, cdm('RESUME-0', 'RESUME', 1e-7));
    const seen = await first.waitForEvents(2);
    const lastId = seen.at(-1)?.id as string;
    first.close();
    await first.ended;
    for (let i = 1; i <= 50; i++) await post(1, cdm(`RESUME-${i}`, 'RESUME', 1e-7, i));
    const resumed = await stream(1, '?object_id=RESUME', lastId);
    // Each CDM gives a cdm change and an event change.
    const events = await resumed.waitForEvents(100);
    const ids = seqs(events);
    expect(ids.every((id, k) => k === 0 || id > (ids[k - 1] as number))).toBe(true);
    expect(ids[0]).toBeGreaterThan(Number(lastId));
    const cdmIds = events.filter((e) => e.event === 'cdm').map((e) => (e.data.cdm as { cdm_id: string }).cdm_id);
    expect(cdmIds).toEqual(Array.from({ length: 50 }, (_, i) => `RESUME-${i + 1}`));
    expect(events.filter((e) => e.event === 'event')).toHaveLength(50);
    expect(events.some((e) => e.event === 'reset')).toBe(false);
  });

  it('gives unfiltered changes contiguous sequence numbers across a reconnect', async () => {
    const first = await stream(2, '?types=cdm,event');
    await post(2, cdm('CONTIG-0', 'CONTIG', 1e-7));
    const [a] = await first.waitForEvents(1);
    first.close();
    for (let i = 1; i <= 5; i++) await post(2, cdm(`CONTIG-${i}`, 'CONTIG', 1e-7, i));
    const again = await stream(2, '', (a as SseEvent).id);
    const events = await again.waitForEvents(11);
    const ids = seqs(events.slice(0, 11));
    expect(ids).toEqual(Array.from({ length: 11 }, (_, k) => Number((a as SseEvent).id) + 1 + k));
  });

  it('marks an upward crossing of an alert level with level_changed, and filters by types and min_pc', async () => {
    const risky = await stream(0, '?types=event&min_pc=1e-4');
    const all = await stream(0, '?object_id=CROSS&types=event');
    await post(0, cdm('CROSS-1', 'CROSS', 1e-6, 1));
    await post(0, cdm('CROSS-2', 'CROSS', 2e-5, 2));
    await post(0, cdm('CROSS-3', 'CROSS', 5e-4, 3));
    const events = await all.waitForEvents(3);
    expect(events.map((e) => (e.data.event as { level: string }).level)).toEqual(['green', 'yellow', 'red']);
    expect(events.map((e) => e.data.level_changed ?? null)).toEqual([null, { from: 'green', to: 'yellow' }, { from: 'yellow', to: 'red' }]);
    const [red] = await risky.waitForEvents(1);
    expect((red as SseEvent).data.event).toMatchObject({ object1_id: 'CROSS', level: 'red' });
    expect(risky.events.every((e) => e.event === 'event' && (e.data.event as { pc: number }).pc >= 1e-4)).toBe(true);
  });

  it('sends a reset event when the client is further behind than the log keeps', async () => {
    for (let i = 0; i < 60; i++) await post(0, cdm(`TRIM-${i}`, 'TRIM', 1e-7, i));
    node(0).node.notify.trim();
    const behind = await stream(0, '', '1');
    const [reset] = await behind.waitForEvents(1, 'reset');
    expect((reset as SseEvent).data).toMatchObject({ type: 'reset', last_event_id: 1 });
    expect(Number((reset as SseEvent).id)).toBe(node(0).node.notify.hub.head());
    await post(0, cdm('TRIM-AFTER', 'TRIM', 1e-7, 99));
    const [after] = await behind.waitForEvents(1, 'cdm');
    expect((after as SseEvent).data.cdm).toMatchObject({ cdm_id: 'TRIM-AFTER' });
  });

  it('tells of peer sessions established and lost', async () => {
    const client = await stream(1, '?types=peer');
    await http(node(2).url, 'DELETE', '/peers/sse1', { token: (await import('../helpers/node.js')).ADMIN_TOKEN });
    const [lost] = await client.waitForEvents(1, 'peer');
    expect((lost as SseEvent).data.peer).toMatchObject({ peer_id: 'sse2' });
    expect(['lost', 'delivery_failing']).toContain(((lost as SseEvent).data.peer as { status: string }).status);
  });

  it('refuses a bad filter or Last-Event-ID naming the field', async () => {
    const bad = await http(node(0).url, 'GET', '/events/stream?types=cdm,rumour', { token: READ_TOKEN });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('types');
    const badId = await http(node(0).url, 'GET', '/events/stream', { token: READ_TOKEN, headers: { 'last-event-id': 'abc' } });
    expect(badId.status).toBe(400);
    expect(badId.json.field).toBe('Last-Event-ID');
    const anonymous = await http(node(0).url, 'GET', '/events/stream');
    expect(anonymous.status).toBe(401);
  });
});
