// dist/bundle/loader.mjs, copied there by scripts/build-bundle.mjs and loaded first by
// dist/cli.js: compiles the bundle's chunks (the .cjs files beside it) with the V8 code cache
// the build made for each (`<chunk>.cache`), so that V8 neither parses them nor compiles again
// the functions a start runs. A cache that does not fit this Node.js (another V8 version or
// flags) is rejected by V8, which then compiles from the source as usual. With source maps
// enabled (`node --enable-source-maps`), chunks load the usual way, so that stack traces map
// to src/.
import Module, { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const bundle = dirname(fileURLToPath(import.meta.url));

/** Node's CommonJS wrapper, written out: the caches are made for exactly this text around each chunk. */
export function wrap(content) {
  return `(function (exports, require, module, __filename, __dirname) { ${content}\n});`;
}

/** Each chunk loaded so far, by file name, with its script (the build's training start makes the caches from them). */
export const loaded = new Map();

/*
 * Node.js 22.1 and later have a public compile cache (`module.enableCompileCache`): there it is
 * used, and the hook below, on the private `Module.prototype._compile` (the hook the
 * v8-compile-cache package uses), is installed only on the Node.js versions without it, whose
 * `_compile(content, filename)` does not change any more.
 */
if (typeof Module.enableCompileCache === 'function') Module.enableCompileCache();
else installCodeCacheHook();

function installCodeCacheHook() {
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    if (process.sourceMapsEnabled || dirname(filename) !== bundle) return compile.call(this, content, filename);
    let cachedData;
    try {
      cachedData = readFileSync(`${filename}.cache`);
    } catch {
      cachedData = undefined;
    }
    const script = new Script(wrap(content), { filename, ...(cachedData ? { cachedData } : {}) });
    loaded.set(filename, script);
    const wrapper = script.runInThisContext();
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
  };
}
