import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, cleanEnv, startCli, type RunningNode } from '../helpers/cli.js';
import { TODAY_MS } from '../helpers/clock.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { waitFor } from '../helpers/network.js';
import { AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http } from '../helpers/node.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import type { Cdm } from '../../src/protocol/cdm.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-notify-'));
const running: RunningNode[] = [];
const children: ChildProcess[] = [];
const receivers: Receiver[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(running.map((n) => n.stop('SIGKILL')));
  await Promise.all(receivers.map((r) => r.close()));
  rmSync(dir, { recursive: true, force: true });
});

function configFor(name: string, port = 0): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `node: { id: ${name} }
server: { port: ${port} }
storage: { type: file, file_path: ${JSON.stringify(join(dir, name))} }
${AUTH_YAML}
subscriptions: { retry_min_seconds: 0.05, retry_cap_seconds: 0.2 }
`,
  );
  return path;
}

async function start(config: string): Promise<RunningNode> {
  const node = await startCli(['--config', config]);
  running.push(node);
  return node;
}

function cdm(id: string, object: string): Cdm {
  const base = sampleCdm();
  return { ...base, cdm_id: id, tca: new Date(TODAY_MS + 3 * 86_400_000).toISOString(), object1: { ...base.object1, object_id: object } };
}

async function post(url: string, body: Cdm): Promise<void> {
  expect((await http(url, 'POST', '/cdm', { token: WRITE_TOKEN, body })).status).toBe(201);
}

const SECRET = 'kill-nine-secret-0123456789';

describe('being told through a restart', () => {
  it('delivers every change to a webhook exactly once by sequence, across 500 answers and a kill -9 of the node', async () => {
    // 500 three times, then 200 three times, then no answer at all until the node is killed.
    const r = await startReceiver((n) => (n < 3 ? 500 : n < 6 ? 200 : 'hang'), SECRET);
    receivers.push(r);
    const config = configFor('hooked');
    let node = await start(config);
    const created = await http(node.url, 'POST', '/subscriptions', { token: WRITE_TOKEN, body: { url: r.url, secret: SECRET } });
    expect(created.status).toBe(201);
    const id = created.json.subscription_id as string;
    const from = created.json.delivered_through_seq as number;
    for (let i = 0; i < 5; i++) await post(node.url, cdm(`KILL-${i}`, 'KILL'));
    await waitFor('a delivery left unanswered', () => r.deliveries.length >= 7);
    const acknowledgedBeforeKill = r.accepted().at(-1);
    node.child.kill('SIGKILL');
    await node.exited();
    r.setBehaviour(() => 200);
    node = await start(config);
    // Five CDMs: a cdm and an event change each.
    const expected = Array.from({ length: 10 }, (_, k) => from + 1 + k);
    await waitFor('every change delivered after the restart', () => new Set(r.accepted()).size >= expected.length);
    // A receiver drops a seq it has taken (README, Webhooks): so taken, every change arrives once, in order.
    const taken = r.accepted().filter((seq, i, all) => all.slice(0, i).every((earlier) => earlier < seq));
    expect(taken).toEqual(expected);
    // The one repeat allowed: the change acknowledged just before the kill, when the node died before recording it.
    const repeats = r.accepted().filter((seq, i, all) => all.indexOf(seq) !== i);
    expect(repeats.every((seq) => seq === acknowledgedBeforeKill)).toBe(true);
    expect(repeats.length).toBeLessThanOrEqual(1);
    expect(r.deliveries.every((d) => d.signatureValid === true)).toBe(true);
    const state = await http(node.url, 'GET', `/subscriptions/${id}`, { token: READ_TOKEN });
    expect(state.json).toMatchObject({ status: 'active', delivered_through_seq: expected.at(-1) });
  });

  it('spacecomms watch prints one line per change and resumes after the node restarts', async () => {
    const first = await start(configFor('watched'));
    const port = Number(new URL(first.url).port);
    const config = configFor('watched', port);
    const watcher = spawn(process.execPath, [CLI, 'watch', '--node', first.url, '--token', READ_TOKEN, '--object', 'WATCH', '--types', 'cdm', '--json'], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(watcher);
    let out = '';
    watcher.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const lines = () => out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { seq: number; cdm: { cdm_id: string } });
    // The watcher is connected once a change posted now reaches it.
    await waitFor('the watcher prints a change', async () => {
      if (lines().length === 0) await post(first.url, cdm(`WATCH-PROBE-${Date.now()}`, 'WATCH'));
      return lines().length > 0;
    });
    await post(first.url, cdm('WATCH-A', 'WATCH'));
    await waitFor('WATCH-A printed', () => lines().some((l) => l.cdm.cdm_id === 'WATCH-A'));
    first.child.kill('SIGKILL');
    await first.exited();
    const second = await start(config);
    await post(second.url, cdm('WATCH-B', 'WATCH'));
    await post(second.url, cdm('WATCH-C', 'WATCH'));
    await waitFor('WATCH-C printed', () => lines().some((l) => l.cdm.cdm_id === 'WATCH-C'), 20_000);
    const ids = lines().map((l) => l.cdm.cdm_id);
    expect(ids.filter((i) => i.startsWith('WATCH-') && !i.startsWith('WATCH-PROBE')).slice(-3)).toEqual(['WATCH-A', 'WATCH-B', 'WATCH-C']);
    const seqs = lines().map((l) => l.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('spacecomms watch prints a readable line per change and stops with the reason when refused', async () => {
    const node = await start(configFor('human'));
    const refused = spawn(process.execPath, [CLI, 'watch', '--node', node.url, '--token', 'not-a-known-token-000'], { cwd: ROOT, env: cleanEnv() });
    children.push(refused);
    let err = '';
    refused.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const [code] = await new Promise<[number | null]>((resolve) => refused.on('exit', (c) => resolve([c])));
    expect(code).toBe(1);
    expect(err).toContain('HTTP 401');
    const watcher = spawn(process.execPath, [CLI, 'watch', '--node', node.url, '--token', READ_TOKEN, '--min-pc', '1e-4'], { cwd: ROOT, env: cleanEnv() });
    children.push(watcher);
    let out = '';
    watcher.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // Each probe is a new object pair, so its event is new and crosses into red.
    await waitFor('an event line with the level crossing', async () => {
      if (!out.includes('HUMAN')) await post(node.url, { ...cdm(`HUMAN-${Date.now()}`, `HUMAN-${Date.now()}`), collision_probability: 3e-4 });
      return /event EVT-\w+ HUMAN-\d+ x \S+ .* level red .*LEVEL new -> red/.test(out) ? out : undefined;
    });
    expect(out).toMatch(/ cdm created HUMAN-\d+ HUMAN-\d+ x \S+ tca \S+ pc 3\.00e-4 level red from human/);
  });
});
