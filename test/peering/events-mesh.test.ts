import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { link, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { READ_TOKEN, WRITE_TOKEN, http, type TestNode } from '../helpers/node.js';
import { TODAY_MS } from '../helpers/clock.js';

const MINUTE = 60_000;
const T0 = TODAY_MS + 3 * 86_400_000;

let nodes: TestNode[] = [];
beforeAll(async () => {
  nodes = await startNetworkNodes(['ev0', 'ev1', 'ev2']);
  for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) await link(nodes[i] as TestNode, nodes[j] as TestNode);
});
afterAll(async () => stopAll(nodes));

interface Arrival {
  node: number;
  swap: boolean;
  tcaMinute: number;
  createdMinute: number;
}

const arrival: fc.Arbitrary<Arrival> = fc.record({
  node: fc.nat(2),
  swap: fc.boolean(),
  tcaMinute: fc.integer({ min: 0, max: 120 }),
  createdMinute: fc.nat(600),
});

/** A node's events of one object as (event_id, sorted cdm ids), order-free. */
async function eventsAt(node: TestNode, objectId: string): Promise<string> {
  const list = await http(node.url, 'GET', `/events?status=all&object_id=${objectId}&limit=1000`, { token: READ_TOKEN });
  const rows: string[] = [];
  for (const e of list.json.events as Array<{ event_id: string }>) {
    const detail = await http(node.url, 'GET', `/events/${e.event_id}`, { token: READ_TOKEN });
    rows.push(`${e.event_id}:${(detail.json.cdms as Array<{ cdm_id: string }>).map((c) => c.cdm_id).sort().join(',')}`);
  }
  return rows.sort().join(' ');
}

let run = 0;

describe('conjunction events across a mesh of three nodes', () => {
  it('have the same ids and members on every node whatever node and order the CDMs arrive in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arrival, { minLength: 1, maxLength: 8 }), async (arrivals) => {
        run += 1;
        const object = `MESH-${run}`;
        const base = sampleCdm();
        for (const [i, a] of arrivals.entries()) {
          const cdm = sampleCdm({
            cdm_id: `${object}-CDM-${i}`,
            creation_date: new Date(TODAY_MS - 86_400_000 + a.createdMinute * MINUTE).toISOString(),
            tca: new Date(T0 + a.tcaMinute * MINUTE).toISOString(),
            object1: { ...base.object1, object_id: a.swap ? 'MESH-OTHER' : object },
            object2: { ...base.object2, object_id: a.swap ? object : 'MESH-OTHER' },
          });
          const res = await http((nodes[a.node] as TestNode).url, 'POST', '/cdm', { token: WRITE_TOKEN, body: cdm });
          expect(res.status).toBe(201);
        }
        await waitFor('every CDM on every node', () => nodes.every((n) => arrivals.every((_, i) => n.node.store.getCdm(`${object}-CDM-${i}`) !== undefined)));
        const views = await Promise.all(nodes.map((n) => eventsAt(n, object)));
        expect(views[0]).not.toBe('');
        expect(new Set(views).size).toBe(1);
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
