// Bundles the command line (src/cli.ts and everything it imports, dependencies included) into
// CommonJS chunks in dist/bundle/ (entry dist/bundle/cli.cjs), after tsc has built dist/: loading
// a few files instead of about a thousand modules is most of a node's start-up time. The chunks
// that only some commands need (`pc`, `watch`, the HTTP client, ...) are loaded by those commands.
// Each chunk gets V8's code cache (dist/bundle/*.cjs.cache), and dist/cli.js (scripts/cli-entry.mjs)
// loads the chunks with it. tsc's per-module output stays beside them in dist/ for what imports
// modules one by one. Source maps (dist/bundle/*.map) lead back to src/: run with
// `node --enable-source-maps dist/cli.js` for stack traces in TypeScript lines.
// The configuration's validator is compiled here (Ajv standalone code) instead of at each start.
import { copyFileSync, chmodSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { compileFunction } from 'node:vm';
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
    // CommonJS: V8's code cache can be given to a CommonJS wrapper (vm.compileFunction), not to an ES module on Node.js 20.
    format: 'cjs',
    entryFileNames: 'bundle/cli.cjs',
    chunkFileNames: 'bundle/[name]-[hash].cjs',
    sourcemap: true,
    // Class and function names as written (logged error types, stack traces).
    keepNames: true,
    // Plain ASCII (other characters escaped) and no comments: less for Node to decode and V8 to scan at each start.
    charset: 'ascii',
    comments: false,
  },
});
/** The parameters of Node's CommonJS module wrapper, as scripts/cli-entry.mjs compiles the chunks. */
const WRAPPER_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];

/** V8's code cache of each chunk (the functions V8 compiles before running it: its top level). */
function writeCodeCaches(dir) {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.cjs'))) {
    const filename = join(dir, name);
    const wrapper = compileFunction(readFileSync(filename, 'utf8'), WRAPPER_PARAMETERS, { filename, produceCachedData: true });
    if (!wrapper.cachedData) throw new Error(`V8 made no code cache for ${filename}`);
    writeFileSync(`${filename}.cache`, wrapper.cachedData);
  }
}

writeCodeCaches(join(root, 'dist', 'bundle'));
// The entry replaces tsc's dist/cli.js (and its map, which no longer describes it).
rmSync(join(root, 'dist', 'cli.js.map'), { force: true });
copyFileSync(join(root, 'scripts', 'cli-entry.mjs'), join(root, 'dist', 'cli.js'));
chmodSync(join(root, 'dist', 'cli.js'), 0o755);
process.stdout.write(`bundle built: dist/bundle/cli.cjs and chunks, with code caches; dist/cli.js loads them (${Math.round(performance.now() - started)} ms)\n`);
