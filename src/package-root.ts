import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's directory (the one holding package.json), found by walking up from this
 * module: the same answer from `src/` under the test runner, from tsc's `dist/` and from the
 * bundled `dist/cli.js` and its chunks, whatever their depth.
 */
export const PACKAGE_ROOT: string = packageRoot(dirname(fileURLToPath(import.meta.url)));

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
