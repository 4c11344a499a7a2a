import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backupSqliteStore, databaseFile, openSqliteStore } from '../../src/store/sqlite/index.js';
import { tempDir } from './store-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const writerScript = path.join(here, 'fixtures', 'writer.mjs');
const builtStore = path.join(here, '..', '..', 'dist', 'store', 'sqlite', 'index.js');

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

interface Writer {
  acked: string[];
  /** Resolves once `count` acknowledgements have been read. */
  waitForAcks(count: number): Promise<void>;
  /** SIGKILLs the writer; resolves with every ack it printed before dying. */
  kill(): Promise<string[]>;
}

function startWriter(dir: string): Writer {
  const child = spawn(process.execPath, [writerScript, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const acked: string[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    if (line.startsWith('ack ')) acked.push(line.slice(4));
    for (const w of waiting.filter((w) => acked.length >= w.count)) w.resolve();
  });
  const outputClosed = new Promise<void>((resolve) => lines.once('close', () => resolve()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    acked,
    waitForAcks: (count) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ count, resolve });
        child.once('exit', (code) => reject(new Error(`writer exited (${code}) after ${acked.length} acks: ${stderr}`)));
        if (acked.length >= count) resolve();
      }),
    kill: async () => {
      child.kill('SIGKILL');
      await Promise.all([outputClosed, exited]);
      return acked;
    },
  };
}

/** Every row must parse into a whole record matching its indexed columns. */
function checkRows(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db.prepare('SELECT cdm_id, record FROM cdms').all() as { cdm_id: string; record: string }[];
    for (const row of rows) {
      const record = JSON.parse(row.record) as { cdm_id: string; announce: { payload: { cdm: { pad: string; pad_length: number } } } };
      expect(record.cdm_id).toBe(row.cdm_id);
      const cdm = record.announce.payload.cdm;
      expect(cdm.pad.length).toBe(cdm.pad_length);
    }
    return rows.length;
  } finally {
    db.close();
  }
}

describe('SqliteStore durability across kill -9', () => {
  beforeAll(() => {
    if (!fs.existsSync(builtStore)) throw new Error(`${builtStore} is missing: run "npm run build" before this test`);
  });

  it.each([1, 2, 3, 4])('keeps every acknowledged write after SIGKILL (run %i)', async () => {
    const dir = tempDir('spacecomms-crash-');
    dirs.push(dir);
    const killAfter = 5 + Math.floor(Math.random() * 400);
    const writer = startWriter(dir);
    await writer.waitForAcks(killAfter);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    const acked = await writer.kill();

    const rows = checkRows(databaseFile(dir));
    const store = openSqliteStore(dir);
    try {
      const missing = acked.filter((id) => store.getCdm(id)?.cdm_id !== id);
      expect(missing).toEqual([]);
      expect(rows).toBeGreaterThanOrEqual(acked.length);
      console.log(`kill -9 after ${killAfter} acks: ${acked.length} acknowledged, ${rows} rows on reopen, all acknowledged present`);
    } finally {
      await store.close();
    }
  });

  it('backs up while another process writes', async () => {
    const dir = tempDir('spacecomms-crash-');
    dirs.push(dir);
    const writer = startWriter(path.join(dir, 'live'));
    await writer.waitForAcks(200);
    const ackedBefore = writer.acked.length;
    const out = path.join(dir, 'backup.db');
    const { pages } = await backupSqliteStore(path.join(dir, 'live'), out);
    await writer.kill();

    const rows = checkRows(out);
    expect(pages).toBeGreaterThan(0);
    expect(rows).toBeGreaterThanOrEqual(ackedBefore);
    fs.mkdirSync(path.join(dir, 'restored'));
    fs.renameSync(out, databaseFile(path.join(dir, 'restored')));
    const restored = openSqliteStore(path.join(dir, 'restored'));
    try {
      const ids = [...restored.iterateCdms()].map((r) => r.cdm_id);
      expect(ids).toEqual(Array.from({ length: rows }, (_, i) => `W-${String(i).padStart(7, '0')}`));
    } finally {
      await restored.close();
    }
  });
});
