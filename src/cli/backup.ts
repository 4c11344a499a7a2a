import { existsSync } from 'node:fs';
import { loadConfig, resolveConfigPath, type LoadResult } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { backupSqliteStore, databaseFile } from '../store/sqlite/index.js';

type Storage = Config['storage'];

/**
 * The storage settings are all a backup needs: a configuration whose other parts do not
 * load (a token's variable unset in the operator's shell, a secret file only the node may
 * read) still gives them, as long as the `storage` section itself has no problem.
 */
export function storageSettings(loaded: LoadResult): { storage: Storage } | { errors: string[] } {
  if (loaded.ok) return { storage: loaded.config.storage };
  const storageErrors = loaded.errors.filter((e) => /^storage\b/.test(e) || !/^[a-z_]+[.[:]/i.test(e));
  const storage = (loaded.draft as { storage?: Partial<Storage> } | undefined)?.storage;
  if (storageErrors.length > 0 || !storage || typeof storage.file_path !== 'string' || (storage.type !== 'file' && storage.type !== 'memory')) {
    return { errors: storageErrors.length > 0 ? storageErrors : loaded.errors };
  }
  return { storage: storage as Storage };
}

/** A consistent copy of a running (or stopped) node's file store; returns the exit code. */
export async function runBackup(flag: string | undefined, out: string): Promise<number> {
  const found = storageSettings(loadConfig(resolveConfigPath(flag, process.env), process.env));
  if ('errors' in found) {
    for (const error of found.errors) console.error(error);
    return 1;
  }
  const storage = found.storage;
  if (storage.type !== 'file') {
    console.error(`spacecomms: storage.type is ${storage.type}: there is no file store to back up`);
    return 1;
  }
  if (!existsSync(databaseFile(storage.file_path))) {
    console.error(`spacecomms: no store at ${databaseFile(storage.file_path)}`);
    return 1;
  }
  if (existsSync(out)) {
    console.error(`spacecomms: ${out} exists; choose a new file for the backup`);
    return 1;
  }
  try {
    const { pages } = await backupSqliteStore(storage.file_path, out);
    console.log(`backup written: ${out} (${pages} pages from ${databaseFile(storage.file_path)})`);
    return 0;
  } catch (err) {
    console.error(`spacecomms: backup failed: ${(err as Error).message}`);
    return 1;
  }
}
