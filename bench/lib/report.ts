import { renameSync, writeFileSync } from 'node:fs';
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

/** The goals to report against (not asserted). */
export const GOALS: Goal[] = [
  { scenario: 'ingest', figure: 'ratio', text: 'ingest >= 50 % of the bare baseline', met: (s) => num(s, 'ratio') >= 0.5 },
  { scenario: 'propagation', figure: 'p99_ms', text: '5-hop p99 <= 100 ms at 200 CDM/s', met: (s) => num(s, 'p99_ms') <= 100 && num(s, 'lost') === 0 },
  {
    scenario: 'sync',
    figure: 'seconds',
    text: '100 000-CDM sync <= 20 s',
    met: (s) => s.complete === true && (num(s, 'seconds') * 100_000) / num(s, 'cdms') <= 20,
  },
  { scenario: 'size', figure: 'rss_mb_file', text: 'RSS <= 200 MB with 100 000 CDMs (file store)', met: (s) => num(s, 'rss_mb_file') <= 200 },
  { scenario: 'size', figure: 'startup_s', text: 'start-up <= 2 s with 100 000 CDMs', met: (s) => num(s, 'startup_s') <= 2 },
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
    return { goal: g.text, value: s[g.figure], met: g.met(s), ...(scaled ? { note: `measured with ${s.cdms} CDMs${g.figure === 'seconds' ? ', time scaled linearly to 100 000' : ''}` } : {}) };
  });
}

function cell(value: number | string | boolean | undefined): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 3 : 1);
  return String(value ?? '');
}

/** One table row per figure, grouped by scenario. */
export function printTable(scenarios: Scenarios): void {
  const rows: [string, string, string][] = [];
  for (const [name, figures] of Object.entries(scenarios)) {
    for (const [key, value] of Object.entries(figures)) {
      if (key === 'method' || key === 'fill_method') continue;
      rows.push([name, key, cell(value)]);
    }
  }
  const w0 = Math.max(8, ...rows.map((r) => r[0].length));
  const w1 = Math.max(6, ...rows.map((r) => r[1].length));
  console.log(`${'scenario'.padEnd(w0)}  ${'figure'.padEnd(w1)}  value`);
  console.log(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ${'-'.repeat(12)}`);
  let last = '';
  for (const [s, k, v] of rows) {
    console.log(`${(s === last ? '' : s).padEnd(w0)}  ${k.padEnd(w1)}  ${v}`);
    last = s;
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
