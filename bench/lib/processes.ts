import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the bench is compiled to `node_modules/.cache/spacecomms-bench/`). */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli.js');
/** The directory of the compiled bench files (this file is in `lib/`). */
export const BENCH_BUILD = fileURLToPath(new URL('../', import.meta.url));

const OUTPUT_KEEP = 256 * 1024;

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** Last part of stdout and stderr, for error messages. */
  output(): string;
  /** Resolves with the first stdout line matching `pattern` (lines already seen count too). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Stops with SIGTERM (graceful, so that `--cpu-prof` writes its profile), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const children = new Set<Child>();
const tempDirs = new Set<string>();

/** Node flags for every spawned node under test (e.g. `--cpu-prof`). */
let nodeFlags: string[] = [];
export function setNodeFlags(flags: string[]): void {
  nodeFlags = flags;
}

/** The environment without the variables the node reads. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('SPACECOMMS_')) env[key] = value;
  return env;
}

/** Spawns `node <script> <args>` with piped output; it is killed at exit whatever happens. */
export function spawnNode(name: string, script: string, args: string[], underTest: boolean): Child {
  const flags = underTest ? nodeFlags : [];
  const proc = spawn(process.execPath, [...flags, script, ...args], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`cannot spawn ${name}`);
  let out = '';
  let pending = '';
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const keep = (text: string) => {
    out = (out + text).slice(-OUTPUT_KEEP);
  };
  proc.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString()));
  proc.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    keep(text);
    pending += text;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      if (lines.length < 1000) lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = once(proc, 'exit');
  const child: Child = {
    name,
    process: proc,
    pid: proc.pid,
    output: () => out,
    waitForLine(pattern, timeoutMs) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no line ${pattern} within ${timeoutMs} ms\n${out.slice(-2000)}`)), timeoutMs);
        const done = (line: string) => (clearTimeout(timer), resolve(line));
        waiters.push({ pattern, resolve: done });
        void exited.then(() => (clearTimeout(timer), reject(new Error(`${name} exited (${String(proc.exitCode)})\n${out.slice(-2000)}`))));
      });
    },
    async stop(graceMs = 10_000) {
      children.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  children.add(child);
  return child;
}

/** A temporary directory removed at the end of the run (also on failure). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `spacecomms-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** Stops every child still running and removes every temporary directory. */
export async function cleanUp(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop(5_000)));
  removeTempDirs();
}

function removeTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Last resort at process exit: SIGKILL whatever is left (synchronous, no waiting possible). */
export function installExitGuards(): void {
  process.on('exit', () => {
    for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    removeTempDirs();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`bench: ${signal}, stopping`);
      void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

/** Resident set size of a process in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let clockTicks: number | undefined;

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  clockTicks ??= Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which is in parentheses and may contain spaces): utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1000;
}

/** CPU ms used by `pids` while `run` runs. */
export async function measureCpu<T>(pids: number[], run: () => Promise<T>): Promise<{ result: T; cpuMs: number; wallMs: number }> {
  const before = pids.map(cpuMs);
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const used = pids.reduce((sum, pid, i) => sum + cpuMs(pid) - (before[i] ?? 0), 0);
  return { result, cpuMs: used, wallMs };
}
