import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupSqliteStore, openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import type { CdmRecord } from '../../src/model/records.js';
import { MemoryStore } from '../../src/store/memory.js';
import { makeCdmRecord, makePeer } from './records.js';
import { tempDir } from './store-harness.js';

const dirs: string[] = [];
const stores: SqliteStore[] = [];

function open(dir: string): SqliteStore {
  const store = openSqliteStore(dir);
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function record(i: number): CdmRecord {
  return makeCdmRecord({ cdm_id: `B-${String(i).padStart(6, '0')}`, tca: `2026-03-01T00:00:${String(i % 60).padStart(2, '0')}Z`, owner1: `OWNER-${i % 7}` });
}

describe('backupSqliteStore', () => {
  it('copies a consistent snapshot while a writer keeps writing', async () => {
    const root = tempDir();
    dirs.push(root);
    const sourceDir = path.join(root, 'source');
    const source = open(sourceDir);
    let written = 0;
    for (; written < 6000; written++) source.putCdm(record(written));
    source.putPeer(makePeer('peer-1'));
    await source.durable();

    let writing = true;
    const writer = (async () => {
      while (writing) {
        for (let k = 0; k < 20; k++) source.putCdm(record(written++));
        await source.durable();
      }
    })();
    const outFile = path.join(root, 'backup', 'spacecomms.db');
    fs.mkdirSync(path.dirname(outFile));
    const { pages } = await backupSqliteStore(sourceDir, outFile);
    writing = false;
    await writer;

    expect(pages).toBeGreaterThan(1000);
    const copy = open(path.dirname(outFile));
    const copied = [...copy.iterateCdms()];
    // A snapshot of one moment holds a prefix of the writes, each record whole and equal to the source's.
    expect(copied.length).toBeGreaterThanOrEqual(6000);
    expect(copied.length).toBeLessThanOrEqual(written);
    expect(copied.map((r) => r.cdm_id)).toEqual(Array.from({ length: copied.length }, (_, i) => record(i).cdm_id));
    for (const r of copied) expect(r).toEqual(source.getCdm(r.cdm_id));
    expect(copy.listPeers()).toEqual(source.listPeers());
    const q = { limit: 50, offset: 10, status: 'active' as const, owner: 'OWNER-3', sort: { field: 'tca' as const, descending: true } };
    const reference = new MemoryStore();
    for (const r of copied) reference.putCdm(r);
    expect(copy.queryCdms(q)).toEqual(reference.queryCdms(q));
    expect(written).toBeGreaterThan(6000);
  });

  it('refuses a directory without a store', async () => {
    const root = tempDir();
    dirs.push(root);
    await expect(backupSqliteStore(root, path.join(root, 'out.db'))).rejects.toThrow(/Cannot open .*spacecomms\.db for backup/);
  });
});
