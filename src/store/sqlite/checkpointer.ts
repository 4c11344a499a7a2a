import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/*
 * Runs in a worker thread with its own connection: copies the write-ahead log back into the
 * database (a PASSIVE checkpoint, which never blocks the writer) every `intervalMs`.
 * Written as CommonJS source so that it runs the same from `src/` under the test runner
 * and from `dist/`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 1000 });
const walSize = () => {
  try {
    return statSync(workerData.file + '-wal').size;
  } catch {
    return 0;
  }
};
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    // Under sustained writes the log never finds a moment with every frame copied back, so it
    // never restarts and grows without end; past its limit, a TRUNCATE checkpoint waits for
    // the writer's current batch, copies the rest and empties the file.
    if (walSize() > workerData.walLimitBytes) db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Keeps WAL checkpoints off the event loop, and the log bounded. SQLite's automatic checkpoint runs inside a
 * COMMIT on the writing connection, stalling every request for milliseconds each time
 * the log passes 1000 pages; here a worker thread does it instead. If the worker stops
 * unexpectedly, `onFailure` lets the writer fall back to automatic checkpoints.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private stopped = false;

  /**
   * `intervalMs`: how often the log is copied back (ms); `walLimitBytes`: past this size the
   * log file is truncated by a checkpoint that briefly holds the write lock.
   */
  constructor(file: string, onFailure: (reason: string) => void, options: { intervalMs?: number; walLimitBytes?: number } = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = { file, driver, intervalMs: options.intervalMs ?? 250, walLimitBytes: options.walLimitBytes ?? 64 * 1024 * 1024 };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.unref();
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error) onFailure(`checkpoint failed: ${message.error}`);
    });
    this.worker.on('error', (error) => onFailure(`checkpoint worker failed: ${error.message}`));
    this.worker.on('exit', (code) => {
      if (!this.stopped) onFailure(`checkpoint worker exited with code ${code}`);
    });
  }

  /** A last checkpoint, then the worker ends. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Unreferenced while running; referenced now so that the process waits for the last checkpoint.
    this.worker.ref();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    await exited;
  }
}
