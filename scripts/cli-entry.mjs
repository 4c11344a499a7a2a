#!/usr/bin/env node
// dist/cli.js, written by scripts/build-bundle.mjs: the bundled command line
// (dist/bundle/cli.cjs and the chunks it loads), compiled with the code caches the build made
// (dist/bundle/loader.mjs).
import { createRequire } from 'node:module';
import './bundle/loader.mjs';

createRequire(import.meta.url)('./bundle/cli.cjs');
