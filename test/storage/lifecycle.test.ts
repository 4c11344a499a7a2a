import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpaceCommsNode } from '../../src/node.js';
import { createLogger } from '../../src/observability/logger.js';
import { sampleCdm, sampleObjectState } from '../helpers/fixtures.js';
import { LogCapture, WRITE_TOKEN, configFrom, http } from '../helpers/node.js';

const HOUR = 3_600_000;
const dirs: string[] = [];
const nodes: SpaceCommsNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A node whose clock the test moves. */
async function nodeWithClock(storage: 'memory' | 'file', start: number) {
  const clock = { now: start };
  const dir = mkdtempSync(join(tmpdir(), 'spacecomms-life-'));
  dirs.push(dir);
  const config = configFrom(`
node: { id: life }
server: { port: 0 }
storage:
  type: ${storage}
  file_path: ${JSON.stringify(dir)}
  cleanup: { cdm_retention_hours: 24, object_retention_hours: 48 }
protocol: { tca_grace_minutes: 30 }
`);
  const logs = new LogCapture();
  const node = new SpaceCommsNode(config, { now: () => new Date(clock.now), logger: createLogger({ level: 'info', format: 'json', output: 'stdout', nodeId: 'life' }, logs) });
  nodes.push(node);
  const url = await node.start();
  return { node, url, clock };
}

describe.each(['memory', 'file'] as const)('the data lifecycle (%s store)', (storage) => {
  it('withdraws a CDM once its TCA is more than the grace behind, with the same effective time everywhere', async () => {
    const t0 = Date.parse('2030-01-01T00:00:00.000Z');
    const { node, url, clock } = await nodeWithClock(storage, t0);
    await http(url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'SOON', tca: '2030-01-01T01:00:00.000Z' }) });
    clock.now = t0 + HOUR + 29 * 60_000;
    await node.runMaintenance();
    expect(node.store.getCdm('SOON')?.status).toBe('active');
    clock.now = t0 + HOUR + 31 * 60_000;
    await node.runMaintenance();
    const record = node.store.getCdm('SOON');
    expect(record?.status).toBe('withdrawn');
    expect(record?.withdrawal?.payload).toEqual({ cdm_id: 'SOON', reason: 'TCA_PASSED', effective_time: '2030-01-01T01:30:00.000Z' });
  });

  it('counts a leap second in the grace: TCA 23:59:60.5 plus 30 minutes is withdrawn effective 00:29:59.5', async () => {
    const { node, url } = await nodeWithClock(storage, Date.parse('2030-01-01T00:00:00.000Z'));
    const res = await http(url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'LEAP', creation_date: '2016-12-31T12:00:00.000Z', tca: '2016-12-31T23:59:60.500Z' }) });
    expect(res.status).toBe(201);
    expect(node.store.getCdm('LEAP')?.withdrawal?.payload).toEqual({ cdm_id: 'LEAP', reason: 'TCA_PASSED', effective_time: '2017-01-01T00:29:59.500Z' });
  });

  it('withdraws at once a CDM that arrives with its TCA long past', async () => {
    const { node, url } = await nodeWithClock(storage, Date.parse('2030-01-01T00:00:00.000Z'));
    const res = await http(url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'OLD', tca: '2029-12-01T00:00:00.000Z' }) });
    expect(res.status).toBe(201);
    expect(node.store.getCdm('OLD')?.withdrawal?.payload.reason).toBe('TCA_PASSED');
  });

  it('deletes tombstones and stale objects after their retention, and keeps the rest', async () => {
    const t0 = Date.parse('2030-01-01T00:00:00.000Z');
    const { node, url, clock } = await nodeWithClock(storage, t0);
    await http(url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'TOMB', tca: '2030-06-01T00:00:00.000Z' }) });
    await http(url, 'DELETE', '/cdms/TOMB', { token: WRITE_TOKEN, body: { reason: 'ERROR' } });
    await http(url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'LIVE', tca: '2030-06-01T00:00:00.000Z' }) });
    await http(url, 'POST', '/objects', { token: WRITE_TOKEN, body: { ...sampleObjectState(), epoch: '2030-01-01T00:00:00.000Z' } });

    clock.now = t0 + 23 * HOUR;
    await node.runMaintenance();
    expect(node.store.getCdm('TOMB')).toBeDefined();

    clock.now = t0 + 25 * HOUR;
    await node.runMaintenance();
    expect(node.store.getCdm('TOMB')).toBeUndefined();
    expect(node.store.getCdm('LIVE')?.status).toBe('active');
    expect(node.store.getObject('58001')).toBeDefined();

    clock.now = t0 + 49 * HOUR;
    await node.runMaintenance();
    expect(node.store.getObject('58001')).toBeUndefined();
    expect(node.store.getCdm('LIVE')?.status).toBe('active');
  });
});
