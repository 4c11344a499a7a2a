import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm, sampleManeuverIntent, sampleObjectState } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { isoDay } from '../helpers/clock.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode(`node: { id: node-rec }\nserver: { port: 0 }\n${AUTH_YAML}`);
});
afterAll(async () => t.stop());

describe('objects', () => {
  it('stores a state, lists it, and shows it with its active CDMs', async () => {
    const created = await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, body: sampleObjectState() });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ object_id: '58001', status: 'accepted', propagated_to: [] });
    expect((await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, body: sampleObjectState() })).status).toBe(200);
    await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'OBJ-CDM-1' }) });

    const list = await http(t.url, 'GET', '/objects?type=PAYLOAD&owner=Alpha%20Orbital', { token: READ_TOKEN });
    expect(list.json).toMatchObject({ total: 1, limit: 100, offset: 0 });
    expect((list.json.objects as unknown[])[0]).toMatchObject({ object_id: '58001', object_name: 'ALPHA-SAT-7', object_type: 'PAYLOAD', owner_operator: 'Alpha Orbital' });
    expect(typeof (list.json.objects as { last_updated: unknown }[])[0]?.last_updated).toBe('string');

    const one = await http(t.url, 'GET', '/objects/58001', { token: READ_TOKEN });
    expect(one.json).toMatchObject({ object_id: '58001', epoch: isoDay(-1, '06:00:00.000'), source_node: 'node-rec', active_cdms: ['OBJ-CDM-1'] });
    expect(one.json.state_vector).toMatchObject({ x_km: 6921.402 });
  });

  it('refuses an older state with 409 and a bad one naming the field', async () => {
    const older = { ...sampleObjectState(), epoch: isoDay(-27), object_name: 'OLD' };
    expect((await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, body: older })).status).toBe(409);
    const { epoch: _epoch, ...noEpoch } = sampleObjectState();
    const bad = await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, body: noEpoch });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'validation_failed', field: 'epoch' });
  });

  it('withdraws an object', async () => {
    await http(t.url, 'POST', '/objects', { token: WRITE_TOKEN, body: { ...sampleObjectState(), object_id: 'GONE-1' } });
    const res = await http(t.url, 'DELETE', '/objects/GONE-1', { token: WRITE_TOKEN, body: { reason: 'DECAYED' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ object_id: 'GONE-1', status: 'withdrawn', reason: 'DECAYED' });
    const active = await http(t.url, 'GET', '/objects', { token: READ_TOKEN });
    expect((active.json.objects as { object_id: string }[]).map((o) => o.object_id)).not.toContain('GONE-1');
    expect((await http(t.url, 'DELETE', '/objects/NOPE', { token: WRITE_TOKEN, body: { reason: 'DECAYED' } })).status).toBe(404);
    expect((await http(t.url, 'GET', '/objects/NOPE', { token: READ_TOKEN })).status).toBe(404);
  });
});

describe('maneuvers', () => {
  const intent = () => {
    const { maneuver_id: _id, ...rest } = sampleManeuverIntent();
    return rest;
  };

  it('assigns an id, lists and shows the maneuver', async () => {
    const res = await http(t.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: intent() });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'announced', propagated_to: [] });
    const id = String(res.json.maneuver_id);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const one = await http(t.url, 'GET', `/maneuvers/${id}`, { token: READ_TOKEN });
    expect(one.json).toMatchObject({ maneuver_id: id, object_id: '58001', status: 'PLANNED', maneuver_type: 'COLLISION_AVOIDANCE' });
    const list = await http(t.url, 'GET', '/maneuvers?object_id=58001', { token: READ_TOKEN });
    expect((list.json.maneuvers as { maneuver_id: string }[]).map((m) => m.maneuver_id)).toContain(id);
  });

  it('refuses a client-chosen id and a bad maneuver_type', async () => {
    expect((await http(t.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: sampleManeuverIntent() })).json.field).toBe('maneuver_id');
    const bad = await http(t.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: { ...intent(), maneuver_type: 'BARREL_ROLL' } });
    expect(bad.json).toMatchObject({ error: 'validation_failed', field: 'maneuver_type' });
  });

  it('moves the status forward only', async () => {
    const id = String((await http(t.url, 'POST', '/maneuvers', { token: WRITE_TOKEN, body: intent() })).json.maneuver_id);
    const patch = (body: unknown) => http(t.url, 'PATCH', `/maneuvers/${id}`, { token: WRITE_TOKEN, body });
    const started = await patch({ status: 'IN_PROGRESS', actual_start: isoDay(0, '22:10:01.000') });
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ maneuver_id: id, status: 'IN_PROGRESS' });
    expect((await patch({ status: 'PLANNED' })).status).toBe(409);
    expect((await patch({ status: 'COMPLETED', actual_duration_s: 12.5 })).json.status).toBe('COMPLETED');
    expect((await patch({ status: 'CANCELLED' })).status).toBe(409);
    expect((await patch({ status: 'DONE' })).json.field).toBe('status');
    expect((await http(t.url, 'PATCH', '/maneuvers/NOPE', { token: WRITE_TOKEN, body: { status: 'COMPLETED' } })).status).toBe(404);
    expect((await http(t.url, 'GET', `/maneuvers/${id}`, { token: READ_TOKEN })).json.status).toBe('COMPLETED');
  });
});

describe('peers', () => {
  it('adds, lists without tokens, refuses duplicates and removes', async () => {
    const add = await http(t.url, 'POST', '/peers', {
      token: ADMIN_TOKEN,
      body: { peer_id: 'peer-x', address: 'http://127.0.0.1:9', auth_token: 'peer-x-secret-token', policies: { forward_cdm: false } },
    });
    expect(add.status).toBe(201);
    expect(add.json).toEqual({ peer_id: 'peer-x', status: 'connecting' });
    const list = await http(t.url, 'GET', '/peers', { token: READ_TOKEN });
    // Nothing listens on port 9: the session tries and fails, so it is connecting or disconnected.
    expect(list.json.peers).toEqual([
      {
        peer_id: 'peer-x',
        address: 'http://127.0.0.1:9',
        status: expect.stringMatching(/^(connecting|disconnected)$/),
        last_heartbeat: null,
        heartbeat_latency_ms: null,
        messages_sent: 0,
        messages_received: 0,
        queue_depth: 0,
        negotiated_version: null,
        error: expect.toBeOneOf([null, 'connection refused']),
        delivery: null,
        capabilities: null,
        features: [],
        messages_refused: 0,
        last_refused: null,
        policies: { accept_cdm: true, accept_object_state: true, accept_maneuver: true, forward_cdm: false, forward_object_state: true, forward_maneuver: true, filters: [] },
      },
    ]);
    expect(list.text).not.toContain('peer-x-secret-token');
    expect((await http(t.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'peer-x', address: 'http://127.0.0.1:9' } })).status).toBe(409);
    expect((await http(t.url, 'DELETE', '/peers/peer-x', { token: ADMIN_TOKEN })).json).toEqual({ peer_id: 'peer-x', status: 'removed' });
    expect((await http(t.url, 'DELETE', '/peers/peer-x', { token: ADMIN_TOKEN })).status).toBe(404);
  });

  it('needs admin and a valid address', async () => {
    expect((await http(t.url, 'POST', '/peers', { token: WRITE_TOKEN, body: { peer_id: 'p', address: 'http://a' } })).status).toBe(403);
    const bad = await http(t.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: 'p2', address: 'gopher://x' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'validation_failed', field: 'address', message: 'address: must be an http(s) URL' });
  });
});

describe('health and metrics', () => {
  it('answers the documented health shape', async () => {
    const res = await http(t.url, 'GET', '/health');
    expect(Object.keys(res.json).sort()).toEqual(['cdms_active', 'node_id', 'objects_tracked', 'peers', 'status', 'uptime_seconds', 'version']);
    expect(res.json).toMatchObject({ status: 'healthy', node_id: 'node-rec', peers: { connected: 0, total: 0 } });
  });

  it('serves Prometheus text without a token by default', async () => {
    const res = await http(t.url, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('spacecomms_cdms_active');
    expect(res.text).toContain('process_cpu_seconds_total');
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await http(t.url, 'GET', '/nowhere', { token: READ_TOKEN });
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('not_found');
  });
});
