// Run by scripts/build-bundle.mjs as a child process: starts a node from the bundle (file store
// in a temporary directory, 127.0.0.1, any port), so that V8 compiles what a start runs; when the
// build says so (the node has answered GET /health), writes each loaded chunk's code cache,
// which then holds those functions too, and exits.
//   node scripts/train-code-cache.mjs DIST_BUNDLE_DIR CONFIG_FILE
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , bundle, config] = process.argv;
const { loaded } = await import(pathToFileURL(join(bundle, 'loader.mjs')).href);
process.on('message', () => {
  for (const [filename, script] of loaded) writeFileSync(`${filename}.cache`, script.createCachedData());
  process.exit(0);
});
process.argv = [process.argv[0], join(bundle, '..', 'cli.js'), 'start', '--config', config];
createRequire(import.meta.url)(join(bundle, 'cli.cjs'));
