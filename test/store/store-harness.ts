import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStore } from '../../src/store/memory.js';
import { openSqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';

/** Makes stores of one kind and removes whatever they left on disk. */
export interface StoreKind {
  name: string;
  open(): Store;
  cleanup(): void;
}

export function tempDir(prefix = 'spacecomms-store-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function memoryKind(): StoreKind {
  return { name: 'memory', open: () => new MemoryStore(), cleanup: () => undefined };
}

export function sqliteKind(options: SqliteStoreOptions = {}, name = 'sqlite'): StoreKind {
  const dirs: string[] = [];
  return {
    name,
    open: () => {
      const dir = tempDir();
      dirs.push(dir);
      return openSqliteStore(path.join(dir, 'data'), options);
    },
    cleanup: () => {
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
