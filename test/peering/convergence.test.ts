import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/model/canonical.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { link, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, WRITE_TOKEN, http, type TestNode } from '../helpers/node.js';
import { isoDay } from '../helpers/clock.js';

let nodes: TestNode[] = [];
beforeAll(async () => {
  nodes = await startNetworkNodes(['m0', 'm1', 'm2', 'm3']);
  for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) await link(nodes[i] as TestNode, nodes[j] as TestNode);
});
afterAll(async () => stopAll(nodes));

/** Each node's CDM table as replicated content: id, status, winning announce and withdrawal payloads. */
function cdmTable(node: TestNode, prefix: string): string {
  const rows = [...node.node.store.iterateCdms()]
    .filter((r) => r.cdm_id.startsWith(prefix))
    .sort((a, b) => (a.cdm_id < b.cdm_id ? -1 : 1))
    .map((r) => ({ id: r.cdm_id, status: r.status, announce: r.announce?.payload, withdrawal: r.withdrawal?.payload }));
  return canonicalJson(rows);
}

type Op = { kind: 'announce'; node: number; id: number; day: number; miss: number } | { kind: 'withdraw'; node: number; id: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('announce' as const), node: fc.nat(3), id: fc.nat(4), day: fc.integer({ min: 1, max: 3 }), miss: fc.nat(5) }),
  fc.record({ kind: fc.constant('withdraw' as const), node: fc.nat(3), id: fc.nat(4) }),
);

let run = 0;

describe('a full mesh of four', () => {
  it('ends with identical tables after random announces and withdrawals spread over its nodes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        run += 1;
        const prefix = `R${run}-`;
        for (const o of ops) {
          const node = nodes[o.node] as TestNode;
          if (o.kind === 'announce') {
            const cdm = sampleCdm({ cdm_id: `${prefix}${o.id}`, creation_date: isoDay(o.day - 10), miss_distance_m: o.miss });
            await http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: cdm });
          } else {
            // Any node withdraws any CDM here: its operator forces it when another node originated it.
            await http(node.url, 'DELETE', `/cdms/${prefix}${o.id}`, { token: ADMIN_TOKEN, body: { reason: 'ERROR', force: true } });
          }
        }
        const reference = () => cdmTable(nodes[0] as TestNode, prefix);
        await waitFor('identical tables', async () => {
          if (!nodes.every((n) => n.node.peers.queueDepth() === 0)) return false;
          const first = reference();
          return nodes.every((n) => cdmTable(n, prefix) === first);
        });
        const tables = nodes.map((n) => cdmTable(n, prefix));
        expect(new Set(tables).size).toBe(1);
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
