// Bundles the command line (src/cli.ts and everything it imports, dependencies included) into
// CommonJS chunks in dist/bundle/ (entry dist/bundle/cli.cjs), after tsc has built dist/: loading
// a few files instead of about a thousand modules is most of a node's start-up time. The chunks
// that only some commands need (`pc`, `watch`, the HTTP client, ...) are loaded by those commands.
// Each chunk gets V8's code cache (dist/bundle/*.cjs.cache): first what V8 compiles before
// running it, then, from a training start of a node (scripts/train-code-cache.mjs), also the
// functions a start runs. dist/cli.js (scripts/cli-entry.mjs) loads the chunks with their caches
// (dist/bundle/loader.mjs, scripts/bundle-loader.mjs). tsc's per-module output stays beside them
// in dist/ for what imports modules one by one. Source maps (dist/bundle/*.map) lead back to
// src/: run with `node --enable-source-maps dist/cli.js` for stack traces in TypeScript lines.
// The configuration's validator is compiled here (Ajv standalone code) instead of at each start.
import { spawn } from 'node:child_process';
import { copyFileSync, chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { Script } from 'node:vm';
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
    // CommonJS: V8's code cache can be given to a chunk compiled as a vm.Script (in Node's wrapper), not to an ES module on Node.js 20.
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
const bundle = join(root, 'dist', 'bundle');

/** V8's code cache of each chunk: what V8 compiles before running it (its top level). */
function writeCodeCaches(wrap) {
  for (const name of readdirSync(bundle).filter((n) => n.endsWith('.cjs'))) {
    const filename = join(bundle, name);
    const script = new Script(wrap(readFileSync(filename, 'utf8')), { filename });
    writeFileSync(`${filename}.cache`, script.createCachedData());
  }
}

/**
 * Starts a node from the bundle in a child process and, once it answers GET /health, has it
 * rewrite the caches of the chunks it loaded with everything compiled by then. Resolves false
 * (the first caches stay) when that fails; the build does not depend on it.
 */
async function trainCodeCaches() {
  const dir = mkdtempSync(join(tmpdir(), 'spacecomms-code-cache-'));
  const config = join(dir, 'node.yaml');
  writeFileSync(config, `node: { id: code-cache-build }\nserver: { host: 127.0.0.1, port: 0 }\nstorage: { type: file, file_path: ${JSON.stringify(join(dir, 'data'))} }\n`);
  const child = spawn(process.execPath, [join(root, 'scripts', 'train-code-cache.mjs'), bundle, config], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no "node started" line within 30 s')), 30_000);
      const read = (chunk) => {
        output += chunk.toString();
        const started = /"msg":"node started"/.test(output) ? /"url":"([^"]+)"/.exec(output) : null;
        if (started) {
          clearTimeout(timer);
          resolve(started[1]);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      exited.then((code) => reject(new Error(`the node exited with ${code}`)));
    });
    const health = await globalThis.fetch(`${url}/health`);
    await health.text();
    if (health.status !== 200) throw new Error(`GET /health answered ${health.status}`);
    child.send('write caches');
    const written = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref())]);
    if (written !== 0) throw new Error(`writing the caches failed (${written})`);
    return true;
  } catch (err) {
    child.kill('SIGKILL');
    process.stderr.write(`warning: code caches of a start not made (${err.message}); the chunks keep their first caches\n${output.slice(-2000)}\n`);
    return false;
  } finally {
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

// The entry is no longer the process's main script: its `#!` line becomes a comment of the same length.
const entry = join(bundle, 'cli.cjs');
writeFileSync(entry, readFileSync(entry, 'utf8').replace(/^#!/, '//'));
copyFileSync(join(root, 'scripts', 'bundle-loader.mjs'), join(bundle, 'loader.mjs'));
writeCodeCaches((await import(pathToFileURL(join(bundle, 'loader.mjs')).href)).wrap);
// The entry replaces tsc's dist/cli.js (and its map, which no longer describes it).
rmSync(join(root, 'dist', 'cli.js.map'), { force: true });
copyFileSync(join(root, 'scripts', 'cli-entry.mjs'), join(root, 'dist', 'cli.js'));
chmodSync(join(root, 'dist', 'cli.js'), 0o755);
const trained = await trainCodeCaches();
process.stdout.write(`bundle built: dist/bundle/cli.cjs and chunks, with code caches${trained ? ' of a start' : ''}; dist/cli.js loads them (${Math.round(performance.now() - started)} ms)\n`);
