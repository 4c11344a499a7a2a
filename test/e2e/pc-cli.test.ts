import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, cleanEnv, runCli, type CliResult } from '../helpers/cli.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { PC_FIXTURES, pcFixture } from '../pc/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-pc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command line without blocking this process, whose in-process node must answer it. */
function runCliAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function printedPc(stdout: string): number {
  return Number(/collision probability: (\S+)/.exec(stdout)?.[1]);
}

describe('spacecomms pc FILE', () => {
  it('prints the value, method, radius and its source for the shipped example', () => {
    const result = runCli(['pc', join(ROOT, 'examples/alfano01.cdm')]);
    expect(result.code).toBe(0);
    expect(Math.abs(printedPc(result.stdout) - 1.46749549e-1) / 1.46749549e-1).toBeLessThan(1e-3);
    expect(result.stdout).toContain('method: FOSTER-1992 (2-D, circle)');
    expect(result.stdout).toContain('hard-body radius: 15 m (comment_hbr)');
    expect(result.stdout).toContain('given collision probability: none');
  });

  it('takes --hbr and --shape, and prints JSON on request', () => {
    const result = runCli(['pc', join(PC_FIXTURES, 'alfano02.cdm'), '--hbr', '8', '--shape', 'square', '--json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { value: number; hbr_m: number; hbr_source: string; shape: string; cdm_id: string };
    expect(body).toMatchObject({ hbr_m: 8, hbr_source: 'override', shape: 'square', method: 'FOSTER-1992' });
    const plain = runCli(['pc', join(PC_FIXTURES, 'alfano02.cdm'), '--json']);
    expect(body.value).toBeGreaterThan((JSON.parse(plain.stdout) as { value: number }).value);
  });

  it('computes every CDM of a file that holds several, one after the other', () => {
    const two = join(dir, 'two.cdm');
    writeFileSync(two, `${pcFixture('alfano01.cdm')}\n${pcFixture('alfano02.cdm')}`);
    const result = runCli(['pc', two, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const values = JSON.parse(result.stdout) as Array<{ cdm_id: string; hbr_m: number }>;
    expect(values.map((v) => v.hbr_m)).toEqual([15, 4]);
    const text = runCli(['pc', two]);
    expect(text.stdout.match(/^collision probability: /gm)).toHaveLength(2);
  });

  it('refuses a bad radius, an unreadable file and a CDM it cannot compute, with the reason and exit 1', () => {
    const badHbr = runCli(['pc', join(PC_FIXTURES, 'alfano02.cdm'), '--hbr', '-3']);
    expect(badHbr.code).toBe(1);
    expect(badHbr.stderr).toContain('--hbr: -3 is not a positive radius');
    const hexHbr = runCli(['pc', join(PC_FIXTURES, 'alfano02.cdm'), '--hbr', '0x10']);
    expect(hexHbr.code).toBe(1);
    expect(hexHbr.stderr).toContain('--hbr: "0x10" is not a number of metres');
    const missing = runCli(['pc', join(dir, 'nope.cdm')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.cdm');
    const noCovariance = join(dir, 'no-cov.cdm');
    writeFileSync(noCovariance, pcFixture('alfano03.cdm').replace(/^C[RTN]_[RTN]\s*=.*\n/gm, '').replace(/^C(RDOT|TDOT|NDOT|DRG|SRP)_\w+\s*=.*\n/gm, ''));
    const degenerate = runCli(['pc', noCovariance]);
    expect(degenerate.code).toBe(1);
    expect(degenerate.stderr).toContain('collision probability not computed: object1: no position covariance');
  });
});

describe('spacecomms events', () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode(`node: { id: node-cli-events }\nserver: { port: 0 }\n${AUTH_YAML}`);
    await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'CLI-EV-1' }) });
  });
  afterAll(async () => t.stop());

  it('lists the events of a running node with filters', async () => {
    const result = await runCliAsync(['events', '--node', t.url, '--token', READ_TOKEN, '--object-id', '58001', '--sort', '-pc']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { events: Array<{ latest_cdm_id: string; cdm_count: number }>; total: number };
    expect(body.total).toBe(1);
    expect(body.events[0]).toMatchObject({ latest_cdm_id: 'CLI-EV-1', cdm_count: 1 });
    const bad = await runCliAsync(['events', '--node', t.url, '--token', READ_TOKEN, '--level', 'red', '--sort', 'size']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('(field: sort)');
  });
});
