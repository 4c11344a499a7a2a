import { existsSync } from 'node:fs';
import { loadConfig, resolveConfigPath } from '../config/load.js';
import { backupSqliteStore, databaseFile } from '../store/sqlite/index.js';

/** A consistent copy of a running (or stopped) node's file store; returns the exit code. */
export async function runBackup(flag: string | undefined, out: string): Promise<number> {
  const loaded = loadConfig(resolveConfigPath(flag, process.env), process.env);
  if (!loaded.ok) {
    for (const error of loaded.errors) console.error(error);
    return 1;
  }
  const storage = loaded.config.storage;
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
