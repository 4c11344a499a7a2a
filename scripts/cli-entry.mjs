#!/usr/bin/env node
// dist/cli.js, written by scripts/build-bundle.mjs: runs the bundled command line
// (dist/bundle/cli.cjs and the chunks it loads) with the V8 code cache that the build made for
// each chunk (dist/bundle/*.cjs.cache), so that V8 does not parse about 3 MB of JavaScript at
// each start. A cache that does not fit this Node.js (another V8 version or flags) is rejected by
// V8, which then compiles from the source as usual. With source maps enabled
// (`node --enable-source-maps`), chunks load the usual way, so that stack traces map to src/.
import Module, { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFunction } from 'node:vm';

const bundle = join(dirname(fileURLToPath(import.meta.url)), 'bundle');
/** The parameters of Node's CommonJS module wrapper, in its order (scripts/build-bundle.mjs makes the caches with the same). */
const WRAPPER_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];

const compile = Module.prototype._compile;
Module.prototype._compile = function compileWithCache(content, filename) {
  if (process.sourceMapsEnabled || dirname(filename) !== bundle) return compile.call(this, content, filename);
  let cachedData;
  try {
    cachedData = readFileSync(`${filename}.cache`);
  } catch {
    cachedData = undefined;
  }
  const wrapper = compileFunction(content, WRAPPER_PARAMETERS, { filename, ...(cachedData ? { cachedData } : {}) });
  return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
};

createRequire(import.meta.url)('./bundle/cli.cjs');
