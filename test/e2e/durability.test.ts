import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { http } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFor(name: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `node: { id: ${name} }\nserver: { port: 0 }\nstorage: { type: file, file_path: ${JSON.stringify(join(dir, name))} }\n`);
  return path;
}

async function allCdmIds(url: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let offset = 0; ; offset += 1000) {
    const page = await http(url, 'GET', `/cdms?status=all&limit=1000&offset=${offset}`);
    expect(page.status).toBe(200);
    const cdms = page.json.cdms as { cdm_id: string }[];
    for (const c of cdms) ids.add(c.cdm_id);
    if (cdms.length < 1000) return ids;
  }
}

/** Posts CDMs from `workers` concurrent loops until stopped; an id is recorded only after its 201. */
function load(url: string, prefix: string, workers: number) {
  const acknowledged: string[] = [];
  let running = true;
  let next = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const id = `${prefix}-${next++}`;
      try {
        const res = await request(`${url}/cdm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sampleCdm({ cdm_id: id })) });
        await res.body.dump();
        if (res.statusCode === 201) acknowledged.push(id);
      } catch {
        return; // the node is gone
      }
    }
  });
  return { acknowledged, stop: async () => ((running = false), await Promise.all(loops)) };
}

describe('durability', () => {
  it.each([1, 2, 3])('keeps every acknowledged CDM through kill -9 (kill point %i)', async (run) => {
    const config = configFor(`crash-${run}`);
    const node = await startCli(['--config', config]);
    const loader = load(node.url, `K${run}`, 8);
    const killAfter = 50 + Math.floor(Math.random() * 400);
    const deadline = Date.now() + 30_000;
    while (loader.acknowledged.length < killAfter && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await node.stop('SIGKILL');
    await loader.stop();
    const acknowledged = [...loader.acknowledged];
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);

    const restarted = await startCli(['--config', config]);
    try {
      const held = await allCdmIds(restarted.url);
      const missing = acknowledged.filter((id) => !held.has(id));
      expect(missing).toEqual([]);
      for (const id of [...held].slice(0, 50)) {
        const one = await http(restarted.url, 'GET', `/cdms/${id}`);
        expect(one.json).toMatchObject({ cdm_id: id, status: 'active', tca: sampleCdm().tca });
      }
    } finally {
      await restarted.stop();
    }
  }, 90_000);
});

describe('backup', () => {
  it('copies a running node\'s store, and a fresh node on the copy holds the same table', async () => {
    const config = configFor('source');
    const node = await startCli(['--config', config]);
    for (let i = 0; i < 30; i++) await http(node.url, 'POST', '/cdm', { body: sampleCdm({ cdm_id: `BK-${i}` }) });
    await http(node.url, 'DELETE', '/cdms/BK-0', { body: { reason: 'ERROR' } });
    const out = join(dir, 'backup.db');
    const loader = load(node.url, 'DURING', 2);
    const result = runCli(['backup', '--config', config, '--out', out]);
    await loader.stop();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^backup written: /);
    const original = await http(node.url, 'GET', '/cdms?status=all&limit=1000&sort=created_at');
    await node.stop();

    const restoredDir = join(dir, 'restored');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(restoredDir, { mode: 0o700 });
    copyFileSync(out, join(restoredDir, 'spacecomms.db'));
    const restoredConfig = join(dir, 'restored.yaml');
    writeFileSync(restoredConfig, `node: { id: source }\nserver: { port: 0 }\nstorage: { type: file, file_path: ${JSON.stringify(restoredDir)} }\n`);
    const restored = await startCli(['--config', restoredConfig]);
    try {
      const copy = await http(restored.url, 'GET', '/cdms?status=all&limit=1000&sort=created_at');
      const ids = (body: Record<string, unknown>) => (body.cdms as { cdm_id: string; status: string }[]).filter((c) => c.cdm_id.startsWith('BK-'));
      expect(ids(copy.json)).toEqual(ids(original.json));
      expect(ids(copy.json)).toHaveLength(30);
      expect(ids(copy.json).find((c) => c.cdm_id === 'BK-0')?.status).toBe('withdrawn');
    } finally {
      await restored.stop();
    }
  }, 60_000);

  it('names a node whose store is in memory, which has nothing to back up', () => {
    const memory = join(dir, 'memory.yaml');
    writeFileSync(memory, 'node: { id: mem }\nstorage: { type: memory }\n');
    const result = runCli(['backup', '--config', memory, '--out', join(dir, 'x.db')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('storage.type is memory');
  });
});
