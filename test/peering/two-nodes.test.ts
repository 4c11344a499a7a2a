import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm, sampleManeuverIntent, sampleObjectState } from '../helpers/fixtures.js';
import { holds, link, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { READ_TOKEN, WRITE_TOKEN, http, type TestNode } from '../helpers/node.js';

let a: TestNode;
let b: TestNode;
beforeAll(async () => {
  [a, b] = (await startNetworkNodes(['node-a', 'node-b'])) as [TestNode, TestNode];
  await link(a, b);
});
afterAll(async () => stopAll([a, b]));

describe('two peered nodes', () => {
  it('show each other connected with the negotiated version and heartbeat round trips', async () => {
    const view = await waitFor('a heartbeat round trip', async () => {
      const peers = (await http(a.url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as Record<string, unknown>[];
      const peer = peers.find((p) => p.peer_id === 'node-b');
      return peer && typeof peer.heartbeat_latency_ms === 'number' && peer.last_heartbeat !== null ? peer : undefined;
    });
    expect(view).toMatchObject({ status: 'connected', negotiated_version: '1.1', error: null, address: b.url });
    expect(view.messages_sent).toBeGreaterThan(0);
    expect(view.messages_received).toBeGreaterThan(0);
    expect(a.logs.withMsg('peer session established').some((l) => l.peer === 'node-b' && l.negotiated_version === '1.1')).toBe(true);
    const health = await http(a.url, 'GET', '/health');
    expect(health.json).toMatchObject({ status: 'healthy', peers: { connected: 1, total: 1 } });
  });

  it('carry a CDM and its withdrawal, with the originator kept', async () => {
    const posted = await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'X-1' }) });
    expect(posted.json.propagated_to).toEqual(['node-b']);
    await waitFor('X-1 at node-b', () => holds(b, 'X-1'));
    const atB = await http(b.url, 'GET', '/cdms/X-1', { token: READ_TOKEN });
    expect(atB.json).toMatchObject({ cdm_id: 'X-1', status: 'active', source_node: 'node-a', received_from: 'node-a', hop_count: 1 });
    await http(a.url, 'DELETE', '/cdms/X-1', { token: WRITE_TOKEN, body: { reason: 'SUPERSEDED', superseded_by: 'X-2' } });
    await waitFor('X-1 withdrawn at node-b', () => holds(b, 'X-1')?.status === 'withdrawn');
    const withdrawn = await http(b.url, 'GET', '/cdms/X-1', { token: READ_TOKEN });
    expect(withdrawn.json.withdrawal).toMatchObject({ reason: 'SUPERSEDED', superseded_by: 'X-2' });
  });

  it('carry object states and their withdrawal', async () => {
    await http(b.url, 'POST', '/objects', { token: WRITE_TOKEN, body: { ...sampleObjectState(), object_id: 'OBJ-2' } });
    await waitFor('OBJ-2 at node-a', () => a.node.store.getObject('OBJ-2'));
    const atA = await http(a.url, 'GET', '/objects/OBJ-2', { token: READ_TOKEN });
    expect(atA.json).toMatchObject({ object_id: 'OBJ-2', source_node: 'node-b', metadata: { source: 'operator-ephemeris' } });
    await http(b.url, 'DELETE', '/objects/OBJ-2', { token: WRITE_TOKEN, body: { reason: 'DECAYED' } });
    await waitFor('OBJ-2 withdrawn at node-a', () => a.node.store.getObject('OBJ-2')?.status === 'withdrawn');
  });

  it('carry maneuver intents and status updates', async () => {
    const { maneuver_id: _id, ...intent } = sampleManeuverIntent();
    const created = await http(a.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: intent });
    const id = String(created.json.maneuver_id);
    expect(created.json.propagated_to).toEqual(['node-b']);
    await waitFor('maneuver at node-b', () => b.node.store.getManeuver(id));
    await http(a.url, 'PATCH', `/maneuvers/${id}`, { token: WRITE_TOKEN, body: { status: 'IN_PROGRESS' } });
    await waitFor('maneuver in progress at node-b', () => b.node.store.getManeuver(id)?.status === 'IN_PROGRESS');
    const atB = await http(b.url, 'GET', `/maneuvers/${id}`, { token: READ_TOKEN });
    expect(atB.json).toMatchObject({ maneuver_id: id, status: 'IN_PROGRESS', maneuver_type: 'COLLISION_AVOIDANCE', source_node: 'node-a' });
  });

  it('keep unknown fields when they carry a record', async () => {
    const cdm = { ...sampleCdm({ cdm_id: 'X-EXT' }), vendor_field: { score: 7 } };
    await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: cdm });
    await waitFor('X-EXT at node-b', () => holds(b, 'X-EXT'));
    expect((await http(b.url, 'GET', '/cdms/X-EXT', { token: READ_TOKEN })).json.vendor_field).toEqual({ score: 7 });
  });

  it('end the session at once when a peer is removed', async () => {
    await http(a.url, 'DELETE', '/peers/node-b', { token: 'test-admin-token-0123456789' });
    const peers = (await http(a.url, 'GET', '/peers', { token: READ_TOKEN })).json.peers as unknown[];
    expect(peers).toEqual([]);
    const posted = await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'X-AFTER' }) });
    expect(posted.json.propagated_to).toEqual([]);
    await waitFor('node-b to lose node-a', () => b.node.peers.views().find((p) => p.peer_id === 'node-a')?.status !== 'connected');
    expect(b.logs.withMsg('peer session lost').some((l) => l.peer === 'node-a')).toBe(true);
  });
});
