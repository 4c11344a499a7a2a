import { join } from 'node:path';
import { BENCH_BUILD, spawnNode, type Child } from './processes.js';

export interface BareServer {
  child: Child;
  url: string;
  /** Milliseconds from spawn to listening. */
  startMs: number;
}

/** Starts the baseline server (see `bare-server.ts`) in its own process, optionally forwarding to `forwardTo`. */
export async function startBareServer(name: string, forwardTo?: string): Promise<BareServer> {
  const spawnedAt = performance.now();
  const child = spawnNode(name, join(BENCH_BUILD, 'bare-server.js'), forwardTo ? ['--forward', forwardTo] : [], false);
  const line = await child.waitForLine(/"msg":"listening"/, 20_000);
  const url = (JSON.parse(line) as { url: string }).url;
  return { child, url, startMs: performance.now() - spawnedAt };
}
