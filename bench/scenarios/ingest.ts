import { statSync } from 'node:fs';
import path from 'node:path';
import { startBareServer } from '../lib/bare.js';
import { BATCH_SIZE, announceTemplate, cdmTemplate, helloMessage } from '../lib/cdm.js';
import { benchKey, envelopeSigner, type BenchKey } from '../lib/keys.js';
import { request } from '../lib/http.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { PEERING_SECRET, WRITE_TOKEN, peerStatus, sampleIds, sessionEstablished, startNode, verifiedSignatures } from '../lib/node.js';
import { measureCpu, sleep } from '../lib/processes.js';
import { ratio, round } from '../lib/stats.js';
import type { BenchSettings } from './settings.js';

const CONNECTIONS = 10;
const MESSAGES_PATH = '/spacecomms/v1/messages';
const LOAD_PEER = 'bench-loader';

/** A load result with the CPU time the server process used per request (less sensitive to a noisy machine than rates). */
export interface MeasuredLoad extends LoadResult {
  cpu_ms_per_request: number;
}

async function loadWithCpu(pid: number, run: () => Promise<LoadResult>): Promise<MeasuredLoad> {
  const { result, cpuMs } = await measureCpu([pid], run);
  return { ...result, cpu_ms_per_request: round(cpuMs / Math.max(1, result.requests), 3) };
}

function figures(load: MeasuredLoad, baseline: MeasuredLoad) {
  return {
    rps: round(load.rps, 1),
    p50_ms: load.p50_ms,
    p99_ms: load.p99_ms,
    requests: load.requests,
    non2xx: load.non2xx,
    errors: load.errors,
    status_codes: load.status_codes,
    cpu_ms_per_request: load.cpu_ms_per_request,
    connections: CONNECTIONS,
    storage: 'file',
    baseline_rps: round(baseline.rps, 1),
    baseline_p50_ms: baseline.p50_ms,
    baseline_p99_ms: baseline.p99_ms,
    baseline_cpu_ms_per_request: baseline.cpu_ms_per_request,
    ratio: ratio(load.rps, baseline.rps),
    cpu_ratio: ratio(load.cpu_ms_per_request, baseline.cpu_ms_per_request),
  };
}

/** The bare `node:http` server: `JSON.parse` and 201. Both ingest figures are divided by its rate. */
export async function measureBaseline(settings: BenchSettings): Promise<MeasuredLoad> {
  const bare = await startBareServer('bare-ingest');
  try {
    return await loadWithCpu(bare.child.pid, () => runLoad({ url: bare.url, path: '/cdm', headers: {}, body: cdmTemplate(), idPrefix: 'BASE', connections: CONNECTIONS, durationS: settings.loadSeconds }));
  } finally {
    await bare.child.stop();
  }
}

/** Bytes of a file, 0 when it does not exist. */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Samples the write-ahead log's size every 100 ms while `run` runs: the log must stay
 * bounded (about its 64 MiB limit) under sustained ingest, whatever the database's size.
 */
async function withWalWatch<T>(dataDir: string, run: () => Promise<T>): Promise<{ result: T; wal_max_bytes: number; database_bytes: number }> {
  const database = path.join(dataDir, 'spacecomms.db');
  let largest = 0;
  const timer = setInterval(() => (largest = Math.max(largest, fileSize(`${database}-wal`))), 100);
  try {
    const result = await run();
    return { result, wal_max_bytes: Math.max(largest, fileSize(`${database}-wal`)), database_bytes: fileSize(database) };
  } finally {
    clearInterval(timer);
  }
}

/** Scenario 1: `POST /cdm`, auth on, file store; the log's largest size is reported too. */
export async function ingest(settings: BenchSettings, baseline: MeasuredLoad) {
  const node = await startNode({ id: 'bench-ingest', storage: 'file' });
  try {
    const watched = await withWalWatch(node.dataDir, () => loadWithCpu(node.child.pid, () => runLoad({
      url: node.url,
      path: '/cdm',
      headers: { authorization: `Bearer ${WRITE_TOKEN}` },
      body: cdmTemplate(),
      idPrefix: 'INGEST',
      connections: CONNECTIONS,
      durationS: settings.loadSeconds,
    })));
    return { ...figures(watched.result, baseline), wal_max_bytes: watched.wal_max_bytes, database_bytes: watched.database_bytes };
  } finally {
    await node.child.stop();
  }
}

/** Messages a second the pre-signed bodies of `peer_ingest` are made for; beyond, bodies repeat (and are reported). */
const SIGNED_MESSAGES_PER_SECOND = 6000;

/**
 * Batch bodies of `batches` × BATCH_SIZE CDM_ANNOUNCE envelopes signed by `key`, made before the
 * load (signing during it would take the bench process's CPU from the node under test). Each
 * `with()` takes the next body; past the last, bodies are used again (`reused` counts them) and
 * their messages are duplicates.
 */
async function signedBatches(key: BenchKey, batches: number): Promise<{ with(id: string): string; reused(): number }> {
  const signer = await envelopeSigner(key);
  const one = announceTemplate(key.nodeId);
  const bodies: string[] = [];
  for (let b = 0; b < batches; b++) {
    const envelopes = Array.from({ length: BATCH_SIZE }, (_, i) => JSON.stringify(signer.sign(JSON.parse(one.with(`SIGNED-${b}-${i}`)) as object)));
    bodies.push(`{"batch":[${envelopes.join(',')}]}`);
  }
  let next = 0;
  return { with: () => bodies[next++ % bodies.length] as string, reused: () => Math.max(0, next - bodies.length) };
}

/** Scenario 2: signed CDM_ANNOUNCE envelopes through the peer protocol from a configured peer with a session. */
export async function peerIngest(settings: BenchSettings, baseline: MeasuredLoad) {
  const loaderKey = benchKey(LOAD_PEER);
  const batches = Math.ceil((settings.loadSeconds * SIGNED_MESSAGES_PER_SECOND) / BATCH_SIZE);
  const body = await signedBatches(loaderKey, batches);
  const node = await startNode({
    id: 'bench-peer-ingest',
    storage: 'file',
    trusted: [loaderKey],
    // The peer's address is never answered: the loader, not a node, is this peer.
    peers: [{ id: LOAD_PEER, address: 'http://127.0.0.1:9', authToken: PEERING_SECRET }],
    protocol: ['  session_timeout_seconds: 3600', '  heartbeat_interval_seconds: 600', '  reconnect_min_seconds: 60', '  reconnect_max_seconds: 600', '  rate_limit: { messages_per_second: 1000000, burst: 1000000 }'],
  });
  const headers = { authorization: `Bearer ${PEERING_SECRET}`, 'x-spacecomms-node-id': LOAD_PEER };
  try {
    await openSession(node.url, headers);
    if (!(await sessionEstablished(node, LOAD_PEER))) throw new Error('peer_ingest: the loader has no session');
    const load = await loadWithCpu(node.child.pid, () =>
      runLoad({ url: node.url, path: MESSAGES_PATH, headers, body, idPrefix: 'PEER', connections: CONNECTIONS, durationS: settings.loadSeconds }),
    );
    const still = (await sessionEstablished(node, LOAD_PEER)) ? 'established' : await peerStatus(node, LOAD_PEER);
    const verified = await verifiedSignatures(node, sampleIds(Array.from({ length: Math.min(load.requests, batches) }, (_, b) => `CDM-SIGNED-${b}-0`)));
    // One request carries BATCH_SIZE messages: the figures are in messages, against the bare server's requests.
    const messages = { ...load, rps: load.rps * BATCH_SIZE, cpu_ms_per_request: round(load.cpu_ms_per_request / BATCH_SIZE, 4) };
    return {
      ...figures(messages, baseline),
      batch_size: BATCH_SIZE,
      posts_per_s: round(load.rps, 1),
      session_at_end: still ?? 'none',
      signatures_verified: verified,
      batches_reused: body.reused(),
    };
  } finally {
    await node.child.stop();
  }
}

/**
 * HELLO from the loader. The node's own HELLO to the dead address fails first (connection
 * refused); a HELLO that lands while that attempt is in flight would be lost again, so wait for it.
 */
async function openSession(url: string, headers: Record<string, string>): Promise<void> {
  await sleep(200);
  let last = '';
  for (let attempt = 1; attempt <= 5; attempt++) {
    const res = await request(url, 'POST', MESSAGES_PATH, { headers, body: helloMessage(LOAD_PEER, `hello-${attempt}-${Date.now()}`, PEERING_SECRET) });
    if (res.status === 200) return;
    last = `${res.status} ${res.text}`;
    await sleep(200);
  }
  throw new Error(`peer_ingest: HELLO refused: ${last}`);
}
