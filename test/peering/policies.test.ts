import { afterEach, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { holds, link, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { WRITE_TOKEN, http, type TestNode } from '../helpers/node.js';
import { isoDay } from '../helpers/clock.js';

let nodes: TestNode[] = [];
afterEach(async () => {
  await stopAll(nodes);
  nodes = [];
});

async function pair(policies: { ab?: object; ba?: object }): Promise<[TestNode, TestNode]> {
  nodes = await startNetworkNodes(['pa', 'pb']);
  const [a, b] = nodes as [TestNode, TestNode];
  await link(a, b, policies);
  return [a, b];
}

const post = (node: TestNode, id: string, extra: object = {}) => http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: id, ...extra }) });

/** A marker that does pass shows the link works, so the absence of the other is the policy's doing. */
async function marker(from: TestNode, to: TestNode, id: string): Promise<void> {
  await http(from.url, 'POST', '/objects', {
    token: WRITE_TOKEN,
    body: { object_id: id, object_name: id, object_type: 'DEBRIS', epoch: isoDay(-1), state_vector: { x_km: 1, y_km: 2, z_km: 3, vx_km_s: 0, vy_km_s: 0, vz_km_s: 0 } },
  });
  await waitFor(`${id} at ${to.config.node.id}`, () => to.node.store.getObject(id));
}

describe('policies', () => {
  it('accept_cdm: false keeps a peer\'s CDMs out, and says so as filtered', async () => {
    const [a, b] = await pair({ ba: { accept_cdm: false } });
    await post(a, 'POL-1');
    await marker(a, b, 'MARK-1');
    expect(holds(b, 'POL-1')).toBeUndefined();
    expect(b.logs.withMsg('routing decision').some((l) => l.decision === 'filtered' && l.reason === 'accept_cdm is false')).toBe(true);
  });

  it('forward_cdm: false sends no CDM to that peer', async () => {
    const [a, b] = await pair({ ab: { forward_cdm: false } });
    const posted = await post(a, 'POL-2');
    expect(posted.json.propagated_to).toEqual([]);
    await marker(a, b, 'MARK-2');
    expect(holds(b, 'POL-2')).toBeUndefined();
    await post(b, 'POL-2B');
    await waitFor('CDMs still flow the other way', () => holds(a, 'POL-2B'));
  });

  it('a filter lets only matching records through', async () => {
    const [a, b] = await pair({ ab: { filters: [{ type: 'min_collision_probability', values: [0.001] }] } });
    await post(a, 'LOW', { collision_probability: 1e-6 });
    await post(a, 'HIGH', { collision_probability: 0.01 });
    await waitFor('HIGH at pb', () => holds(b, 'HIGH'));
    await marker(a, b, 'MARK-3');
    expect(holds(b, 'LOW')).toBeUndefined();
  });
});
