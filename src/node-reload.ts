import type { Config } from './config/schema.js';

/** Keys read only at start: a reload that changes them says so and keeps the running value. */
const RESTART_ONLY: readonly (readonly string[])[] = [
  ['node', 'id'],
  ['server', 'host'],
  ['server', 'port'],
  ['server', 'tls', 'enabled'],
  ['server', 'tls', 'require_client_cert'],
  ['server', 'timeouts'],
  ['api', 'body_limit_bytes'],
  ['api', 'max_json_depth'],
  ['storage', 'type'],
  ['storage', 'file_path'],
  ['storage', 'cleanup', 'interval_minutes'],
  ['logging', 'format'],
  ['logging', 'output'],
  ['protocol', 'seen_cache_size'],
  ['protocol', 'seen_cache_ttl_seconds'],
];

function read(config: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
}

function write(config: unknown, path: readonly string[], value: unknown): void {
  const parent = read(config, path.slice(0, -1)) as Record<string, unknown>;
  parent[path[path.length - 1] as string] = value;
}

/**
 * The configuration to run after a reload: the new one, but with restart-only keys kept
 * at their running values; `needsRestart` names those that differ.
 */
export function mergeReload(running: Config, next: Config): { config: Config; needsRestart: string[] } {
  const merged = structuredClone(next);
  const needsRestart: string[] = [];
  for (const path of RESTART_ONLY) {
    const before = read(running, path);
    if (JSON.stringify(before) !== JSON.stringify(read(next, path))) needsRestart.push(path.join('.'));
    write(merged, path, structuredClone(before));
  }
  return { config: merged, needsRestart };
}
