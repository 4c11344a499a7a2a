import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cdmAnnounce, paddedCdm } from './cdm.js';
import { envelopeSigner, type BenchKey } from './keys.js';
import { ROOT } from './processes.js';

/** The part of the built store (`dist/store/sqlite`) the fill uses; typed here so that the bench does not compile `src/`. */
interface FileStore {
  durable(): Promise<void>;
  close(): Promise<void>;
}
interface SqliteModule {
  openSqliteStore(dir: string): FileStore;
}
interface AssessedModule {
  assessingStore(store: FileStore, pc: () => { enabled: boolean; default_hbr_m: number; disagreement_factor: number }): { store: FileStore };
}
interface TableModule {
  applyToTable(store: FileStore, message: object, meta: { received_from: string; received_at: string }): string;
}

async function load<T>(relative: string): Promise<T> {
  // The path is computed so that tsc does not try to resolve (and compile) the built JavaScript.
  return (await import(pathToFileURL(join(ROOT, relative)).href)) as T;
}

const BATCH = 2000;

/**
 * Writes `count` CDM announces straight into a new file store in `dir`, as the node itself
 * would hold CDMs it originated (signed with its key `key`, through `applyToTable` on the store
 * wrapped as the node wraps it, so that each record carries its computed Pc; committed in batches).
 */
export async function fillFileStore(dir: string, key: BenchKey, count: number): Promise<{ seconds: number }> {
  const nodeId = key.nodeId;
  const signer = await envelopeSigner(key);
  const { openSqliteStore } = await load<SqliteModule>('dist/store/sqlite/index.js');
  const { applyToTable } = await load<TableModule>('dist/routing/table.js');
  const { assessingStore } = await load<AssessedModule>('dist/assessed-store.js');
  const started = performance.now();
  // As the node stores them: each CDM with its computed Pc (so that start-up does not compute them).
  const store = assessingStore(openSqliteStore(dir), () => ({ enabled: true, default_hbr_m: 20, disagreement_factor: 10 })).store;
  try {
    const now = new Date();
    const template = paddedCdm('X', now);
    const meta = { received_from: nodeId, received_at: now.toISOString() };
    for (let i = 0; i < count; ) {
      for (const end = Math.min(count, i + BATCH); i < end; i++) {
        const object2 = { ...(template.object2 as Record<string, unknown>), object_id: `DEB-SYNC-${i}` };
        const message = signer.sign(cdmAnnounce({ ...template, cdm_id: `SYNC-${i}`, object2 }, randomUUID(), nodeId, now));
        const outcome = applyToTable(store, message, meta);
        if (outcome !== 'created') throw new Error(`fill: SYNC-${i} ${outcome}`);
      }
      await store.durable();
    }
  } finally {
    // The store's close() waits for its (unref'd) checkpoint worker to exit; with nothing else
    // holding the event loop, the process would end before close() settles. Hold it meanwhile.
    const keepAlive = setInterval(() => undefined, 1000);
    await store.close().finally(() => clearInterval(keepAlive));
  }
  return { seconds: (performance.now() - started) / 1000 };
}
