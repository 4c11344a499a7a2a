import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ROOT } from './processes.js';

/** A module of the built node (`dist/…`), for the in-process scenarios. */
export async function load<T>(relative: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, relative)).href)) as T;
}

/** Mean µs per call of `run` over `calls` calls after a warm-up, rounded to 0.01 µs. */
export function microsPerCall(run: () => void, calls: number): number {
  for (let i = 0; i < Math.min(500, calls); i++) run();
  const start = performance.now();
  for (let i = 0; i < calls; i++) run();
  return Math.round(((performance.now() - start) * 1000 * 100) / calls) / 100;
}
