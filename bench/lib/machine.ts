import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes.js';

const PACKAGES = ['fastify', 'better-sqlite3', 'undici', 'pino', '@sinclair/typebox', 'ajv', 'autocannon', 'typescript'];

function packageVersion(name: string): string {
  const file = join(ROOT, 'node_modules', name, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'missing';
}

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(release)?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

export function describeMachine() {
  const cores = os.cpus().length;
  const memoryGb = Math.round((os.totalmem() / 1024 ** 3) * 10) / 10;
  const system = `${osName()} (Linux ${os.release()})`;
  return {
    summary: `${cpuModel()}, ${cores} cores, ${memoryGb} GB, ${system}`,
    cpu: cpuModel(),
    cores,
    memory_gb: memoryGb,
    os: system,
    packages: Object.fromEntries(PACKAGES.map((p) => [p, packageVersion(p)])),
  };
}
