/**
 * Sums self time per function, per file and per package of V8 CPU profiles
 * (`node --cpu-prof`), e.g. those of `npm run bench -- --profile DIR`.
 *
 *   node node_modules/.cache/spacecomms-bench/profile.js FILE_OR_DIR... [--top N] [--skip SECONDS] [--until SECONDS]
 *
 * `--skip` leaves out the first seconds of each profile (start-up: module loading, schema
 * compilation); `--until` stops at that many seconds (to look at start-up alone).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)']);

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function packageOf(url: string): string {
  if (url === '') return '(native/V8)';
  if (url.startsWith('node:')) return 'node core';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? `spacecomms ${url.slice(dist + 1).split('/').slice(0, 2).join('/')}` : url;
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function files(args: string[]): string[] {
  return args.flatMap((a) => (statSync(a).isDirectory() ? readdirSync(a).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(a, f)) : [a]));
}

function report(title: string, map: Map<string, number>, busyUs: number, top: number): void {
  console.log(`\n  ${title} (self time, % of busy time)`);
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [key, us] of rows) console.log(`    ${((us / busyUs) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}

function analyse(file: string, top: number, skipUs: number, untilUs: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const byFile = new Map<string, number>();
  const packages = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsedUs += delta;
    const frame = byId.get(id)?.callFrame;
    if (!frame || elapsedUs < skipUs || elapsedUs > untilUs) return;
    totalUs += delta;
    if (IDLE.has(frame.functionName)) {
      idleUs += delta;
      return;
    }
    const where = `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    add(functions, `${frame.functionName || '(anonymous)'}  ${where}`, delta);
    add(byFile, shortUrl(frame.url), delta);
    add(packages, packageOf(frame.url), delta);
  });
  const busyUs = totalUs - idleUs;
  console.log(`\n${file}\n  wall ${(totalUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(1)} s (${((busyUs / totalUs) * 100).toFixed(0)} %), idle/program ${(idleUs / 1e6).toFixed(1)} s`);
  report('top functions', functions, busyUs, top);
  report('top files', byFile, busyUs, top);
  report('packages', packages, busyUs, top);
}

/** The value of `--name V` (removed from `args`), or `fallback`. */
function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  args.splice(index, 2);
  return value;
}

const args = process.argv.slice(2);
const top = option(args, '--top', 15);
const skipS = option(args, '--skip', 0);
const untilS = option(args, '--until', Number.POSITIVE_INFINITY);
if (args.length === 0) {
  console.error('usage: profile.js FILE_OR_DIR... [--top N] [--skip SECONDS] [--until SECONDS]');
  process.exitCode = 2;
} else {
  for (const file of files(args)) analyse(file, top, skipS * 1e6, untilS * 1e6);
}
