// Bundles the command line (src/cli.ts and everything it imports, dependencies included) into
// dist/cli.js and its chunks in dist/bundle/, after tsc has built dist/: loading one file per
// chunk instead of about a thousand modules is most of a node's start-up time. The chunks that
// only some commands need (`pc`, `watch`, the HTTP client, ...) are loaded by those commands.
// tsc's per-module output stays beside it in dist/ for what imports modules one by one.
// Source maps (dist/cli.js.map, dist/bundle/*.map) lead back to src/: run with
// `node --enable-source-maps dist/cli.js` for stack traces in TypeScript lines.
// The configuration's validator is compiled here (Ajv standalone code) instead of at each start.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Left to node_modules: the SQLite driver (a native addon found by path; the checkpoint
 * worker loads it too) and pino-pretty (required at run time for `logging.format: pretty`).
 */
const EXTERNAL = ['better-sqlite3', 'pino-pretty'];

/** The module that holds the build-time validator (undefined in src/: compiled at run time there). */
const VALIDATOR_MODULE = join(root, 'src', 'config', 'config-validator.ts');

/**
 * Ajv's standalone code for `ConfigSchema`, from tsc's dist/ (built just before), by the same
 * `reportingAjv` settings the run-time compilation uses; its runtime helpers imported from ajv.
 */
async function configValidatorModule() {
  const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
  const { ConfigSchema } = await load('config/schema.js');
  const { reportingAjv } = await load('protocol/schema-errors.js');
  const ajv = reportingAjv({ source: true, esm: true, optimize: true });
  const code = standaloneCode(ajv, ajv.compile(ConfigSchema));
  // A format would need its own import in standalone code; the configuration schema uses none.
  if (/\bformats\b/.test(code)) throw new Error('the configuration schema uses a format: give scripts/build-bundle.mjs its import (Ajv code.formats)');
  const imports = [];
  const body = code.replace(/require\(("[^"]+")\)/g, (_, spec) => {
    imports.push(`import runtime${imports.length} from ${spec};`);
    return `runtime${imports.length - 1}`;
  });
  return `${imports.join('\n')}\n${body}\nexport { validate as PRECOMPILED_CONFIG_VALIDATOR };\n`;
}

const precompiledConfigValidator = {
  name: 'precompiled-config-validator',
  load(id) {
    return id === VALIDATOR_MODULE ? configValidatorModule() : undefined;
  },
};

rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });
const started = performance.now();
await build({
  cwd: root,
  input: join(root, 'src', 'cli.ts'),
  platform: 'node',
  external: EXTERNAL,
  tsconfig: join(root, 'tsconfig.build.json'),
  logLevel: 'warn',
  plugins: [precompiledConfigValidator],
  output: {
    dir: join(root, 'dist'),
    format: 'esm',
    entryFileNames: 'cli.js',
    chunkFileNames: 'bundle/[name]-[hash].js',
    sourcemap: true,
    // Class and function names as written (logged error types, stack traces).
    keepNames: true,
    // Plain ASCII (other characters escaped) and no comments: less for Node to decode and V8 to scan at each start.
    charset: 'ascii',
    comments: false,
  },
});
process.stdout.write(`bundle built: dist/cli.js, dist/bundle/ (${Math.round(performance.now() - started)} ms)\n`);
