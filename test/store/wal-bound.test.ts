import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { makeCdmRecord } from './records.js';

const dir = mkdtempSync(path.join(tmpdir(), 'spacecomms-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const walSize = (file: string) => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};

describe('the write-ahead log under sustained ingest', () => {
  it('stays bounded: checkpoints keep up and the log is truncated past its limit', async () => {
    const limit = 2 * 1024 * 1024;
    const store = openSqliteStore(dir, { walLimitBytes: limit, checkpointIntervalMs: 50 });
    let largest = 0;
    let written = 0;
    const until = Date.now() + 4000;
    try {
      // Back-to-back batches without a pause, as under a flood: a passive checkpoint alone never finds the log free to restart.
      while (Date.now() < until) {
        for (let i = 0; i < 20; i++) store.putCdm(makeCdmRecord({ cdm_id: `WAL-${written++}` }));
        await store.durable();
        largest = Math.max(largest, walSize(store.file));
      }
    } finally {
      await store.close();
    }
    const database = statSync(store.file).size;
    expect(written).toBeGreaterThan(2000);
    // The log may pass its limit by what is written between two checks (more on a loaded machine),
    // never grow with the ingest: unbounded, it reached about 30 MB here, as large as the database.
    expect(largest, `largest log ${largest} bytes for a ${database}-byte database`).toBeLessThan(limit * 8);
  });
});
