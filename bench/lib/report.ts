import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export type Figures = Record<string, number | string | boolean>;
export type Scenarios = Record<string, Figures>;

interface Goal {
  scenario: string;
  figure: string;
  text: string;
  met(s: Figures): boolean | undefined;
}

const num = (s: Figures, key: string): number => (typeof s[key] === 'number' ? (s[key] as number) : Number.NaN);

/** The goals to report against (not asserted), each against a baseline of the same run where one exists. */
export const GOALS: Goal[] = [
  { scenario: 'ingest', figure: 'ratio', text: 'ingest >= 0.5 x bare req/s', met: (s) => num(s, 'ratio') >= 0.5 },
  { scenario: 'ingest', figure: 'cpu_ratio', text: 'ingest CPU per request <= 3 x bare', met: (s) => num(s, 'cpu_ratio') <= 3 },
  { scenario: 'peer_ingest', figure: 'ratio', text: 'peer ingest >= 1.0 x bare req/s in messages/s', met: (s) => num(s, 'ratio') >= 1 },
  {
    scenario: 'propagation',
    figure: 'ratio_p99',
    text: '5 nodes, 200 CDM/s: p99 <= 5 x bare relay p99, none lost',
    met: (s) => num(s, 'ratio_p99') <= 5 && num(s, 'lost') === 0,
  },
  {
    scenario: 'propagation_1000',
    figure: 'ratio_p99',
    text: '5 nodes, 1 000 CDM/s: p99 <= 20 x bare relay p99, no backlog growth, none lost',
    met: (s) => num(s, 'ratio_p99') <= 20 && num(s, 'backlog_growth') <= 2 && num(s, 'lost') === 0,
  },
  {
    scenario: 'sync',
    figure: 'seconds',
    text: '100 000-CDM full sync <= 5 s',
    met: (s) => s.complete === true && (num(s, 'seconds') * 100_000) / num(s, 'cdms') <= 5,
  },
  { scenario: 'size', figure: 'rss_mb_memory', text: 'RSS <= 250 MB with 100 000 CDMs (memory store)', met: (s) => num(s, 'rss_mb_memory') <= 250 },
  { scenario: 'size', figure: 'rss_mb_file_after_sync', text: 'RSS <= 120 MB with 100 000 CDMs (file store, after a sync)', met: (s) => num(s, 'rss_mb_file_after_sync') <= 120 },
  { scenario: 'pc', figure: 'ingest_cpu_share', text: 'Pc on ingest <= 5 % of ingest CPU per request', met: (s) => (s.ingest_cpu_share === undefined ? undefined : num(s, 'ingest_cpu_share') <= 0.05) },
  { scenario: 'size', figure: 'startup_s', text: 'start-up <= 0.5 s with 100 000 CDMs', met: (s) => num(s, 'startup_s') <= 0.5 },
];

export interface GoalResult {
  goal: string;
  value: number | string | boolean | undefined;
  met: boolean | undefined;
  note?: string;
}

export function evaluateGoals(scenarios: Scenarios): GoalResult[] {
  return GOALS.map((g) => {
    const s = scenarios[g.scenario];
    if (!s) return { goal: g.text, value: undefined, met: undefined, note: 'not run' };
    const scaled = typeof s.cdms === 'number' && s.cdms !== 100_000;
    if (s[g.figure] === undefined) return { goal: g.text, value: undefined, met: undefined, note: `${g.figure} not measured in this run` };
    return { goal: g.text, value: s[g.figure], met: g.met(s), ...(scaled ? { note: `measured with ${s.cdms} CDMs${g.figure === 'seconds' ? ', time scaled linearly to 100 000' : ''}` } : {}) };
  });
}

function cell(value: number | string | boolean | undefined): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 3 : 1);
  return String(value ?? '');
}

/** The change of a number against the previous run, as a signed percentage. */
function change(value: unknown, before: unknown): string {
  if (typeof value !== 'number' || typeof before !== 'number' || !Number.isFinite(value) || !Number.isFinite(before) || before === 0) return '';
  const pct = ((value - before) / Math.abs(before)) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;
}

/** One table row per figure, grouped by scenario, with the previous run's value and the change. */
export function printTable(scenarios: Scenarios, previous?: Scenarios): void {
  const rows: [string, string, string, string, string][] = [];
  for (const [name, figures] of Object.entries(scenarios)) {
    for (const [key, value] of Object.entries(figures)) {
      if (key === 'method' || key === 'fill_method') continue;
      const before = previous?.[name]?.[key];
      rows.push([name, key, cell(value), before === undefined ? '' : cell(before), change(value, before)]);
    }
  }
  const w0 = Math.max(8, ...rows.map((r) => r[0].length));
  const w1 = Math.max(6, ...rows.map((r) => r[1].length));
  const w2 = Math.max(12, ...rows.map((r) => r[2].length));
  const w3 = Math.max(12, ...rows.map((r) => r[3].length));
  console.log(`${'scenario'.padEnd(w0)}  ${'figure'.padEnd(w1)}  ${'value'.padEnd(w2)}  ${'previous'.padEnd(w3)}  change`);
  console.log(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ${'-'.repeat(w2)}  ${'-'.repeat(w3)}  ${'-'.repeat(9)}`);
  let last = '';
  for (const [s, k, v, p, c] of rows) {
    console.log(`${(s === last ? '' : s).padEnd(w0)}  ${k.padEnd(w1)}  ${v.padEnd(w2)}  ${p.padEnd(w3)}  ${c}`);
    last = s;
  }
}

/** The previous run kept in `bench/results.json` (its own `previous` dropped), if any. */
export function readPrevious(): { date: string; quick: boolean; scenarios: Scenarios } | undefined {
  const file = join(ROOT, 'bench', 'results.json');
  if (!existsSync(file)) return undefined;
  try {
    const old = JSON.parse(readFileSync(file, 'utf8')) as { date: string; quick: boolean; scenarios: Scenarios };
    return { date: old.date, quick: old.quick, scenarios: old.scenarios };
  } catch {
    return undefined;
  }
}

export function printGoals(goals: GoalResult[]): void {
  console.log('\ngoals (reported, not asserted):');
  for (const g of goals) {
    const verdict = g.met === undefined ? 'n/a   ' : g.met ? 'MET   ' : 'MISSED';
    console.log(`  ${verdict}  ${g.goal}: ${cell(g.value)}${g.note ? ` (${g.note})` : ''}`);
  }
}

/** Writes `bench/results.json` through a temporary file, so that an interrupted run leaves the old one. */
export function writeResults(results: object): string {
  const file = join(ROOT, 'bench', 'results.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}
