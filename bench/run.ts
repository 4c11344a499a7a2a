/**
 * `npm run bench [-- --quick] [-- --only ingest,peer_ingest,propagation,sync] [-- --profile [DIR]]`
 *
 * Starts real nodes (the built command line) on loopback, runs each scenario, prints a table
 * and the goals, and writes `bench/results.json` (not with --only or --profile, whose numbers
 * are partial or distorted by the profiler).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closePools } from './lib/http.js';
import { describeMachine } from './lib/machine.js';
import { CLI, cleanUp, installExitGuards, setNodeFlags } from './lib/processes.js';
import { evaluateGoals, printGoals, printTable, readPrevious, writeResults, type Figures, type Scenarios } from './lib/report.js';
import { ratio } from './lib/stats.js';
import { ingest, measureBaseline, peerIngest } from './scenarios/ingest.js';
import { propagation } from './scenarios/propagation.js';
import { settingsFor } from './scenarios/settings.js';
import { pcCost } from './scenarios/pc.js';
import { signatureCost } from './scenarios/signatures.js';
import { syncAndSize } from './scenarios/sync-size.js';

const SCENARIOS = ['ingest', 'peer_ingest', 'propagation', 'propagation_1000', 'sync', 'signatures', 'pc'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

interface Args {
  quick: boolean;
  only: ScenarioName[];
  profileDir: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: [...SCENARIOS], profileDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only') {
      const names = (argv[++i] ?? '').split(',');
      const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
      if (unknown.length) throw new Error(`--only: unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')}; sync includes size)`);
      args.only = names as ScenarioName[];
    } else if (arg === '--profile') {
      const dir = argv[i + 1]?.startsWith('--') === false ? argv[++i] : undefined;
      args.profileDir = resolve(dir ?? join(tmpdir(), `spacecomms-bench-profiles-${Date.now()}`));
    }
    else throw new Error(`unknown argument ${arg ?? ''} (use --quick, --only LIST, --profile DIR)`);
  }
  return args;
}

function log(text: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`);
}

async function step<T>(title: string, run: () => Promise<T>): Promise<T> {
  log(title);
  return run();
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  if (args.profileDir) {
    mkdirSync(args.profileDir, { recursive: true });
    setNodeFlags(['--cpu-prof', `--cpu-prof-dir=${args.profileDir}`]);
    log(`nodes under test write CPU profiles to ${args.profileDir}`);
  }
  installExitGuards();
  const settings = settingsFor(args.quick);
  const started = Date.now();
  const scenarios: Scenarios = {};
  const wants = (name: ScenarioName) => args.only.includes(name);

  const baseline = wants('ingest') || wants('peer_ingest') || wants('sync') ? await step('baseline: bare node:http server', () => measureBaseline(settings)) : undefined;
  if (baseline && wants('ingest')) scenarios.ingest = await step('ingest: POST /cdm', () => ingest(settings, baseline));
  if (baseline && wants('peer_ingest')) scenarios.peer_ingest = await step('peer_ingest: POST /spacecomms/v1/messages', () => peerIngest(settings, baseline));
  if (wants('propagation')) {
    scenarios.propagation = await step(`propagation: 5 nodes, ${settings.propagationRate} CDM/s`, () => propagation(settings, settings.propagationRate, settings.propagationSeconds));
  }
  if (wants('propagation_1000')) {
    scenarios.propagation_1000 = await step(`propagation: 5 nodes, ${settings.highRate} CDM/s for ${settings.highRateSeconds} s`, () =>
      propagation(settings, settings.highRate, settings.highRateSeconds),
    );
  }
  if (wants('sync')) {
    const { sync, size } = await step(`sync and size: ${settings.syncCdms} CDMs`, () => syncAndSize(settings));
    scenarios.sync = { ...sync, ...(baseline ? { baseline_rps: Math.round(baseline.rps), ratio: ratio(sync.per_second, baseline.rps) } : {}) } as Figures;
    scenarios.size = size;
  }
  if (wants('signatures')) scenarios.signatures = await step('signatures: signing and verification per message', () => signatureCost(args.quick ? 1000 : 5000));
  if (wants('pc')) scenarios.pc = await step("pc: the node's own collision probability per CDM", () => pcCost(args.quick ? 1000 : 5000, scenarios.ingest));

  const previous = readPrevious();
  const machine = describeMachine();
  const goals = evaluateGoals(scenarios);
  const results = {
    date: new Date().toISOString(),
    machine: machine.summary,
    machine_detail: machine,
    node: process.version,
    quick: args.quick,
    duration_s: Math.round((Date.now() - started) / 1000),
    scenarios,
    goals,
    ...(previous ? { previous } : {}),
  };
  console.log(`\nSpaceComms bench (${args.quick ? 'quick' : 'full'}), ${results.date}\n${machine.summary}, node ${process.version}\n`);
  if (previous) console.log(`previous run: ${previous.date}${previous.quick ? ' (quick)' : ''}\n`);
  printTable(scenarios, previous?.scenarios);
  printGoals(goals);
  if (args.profileDir || args.only.length !== SCENARIOS.length) log('partial or profiled run: bench/results.json not written');
  else log(`written ${writeResults(results)}`);
}

let finished = false;
process.on('exit', () => {
  if (finished) return;
  // The event loop emptied while a step still waited: a promise that can never settle.
  console.error('bench: exited before finishing (a step waited on something that never happened)');
  process.exitCode = 1;
});

main()
  .catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await closePools();
    await cleanUp();
    finished = true;
  });
