import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startBareServer } from '../lib/bare.js';
import { fillFileStore } from '../lib/fill.js';
import { request } from '../lib/http.js';
import { benchKey } from '../lib/keys.js';
import { ADMIN_TOKEN, addPeer, cdmsActive, sampleIds, startNode, verifiedSignatures, type BenchNode } from '../lib/node.js';
import { cpuMs, rssMb, sleep, tempDir } from '../lib/processes.js';
import { ratio, round } from '../lib/stats.js';
import type { BenchSettings } from './settings.js';

const POLL_MS = 50;

function fileMb(path: string): number {
  return existsSync(path) ? statSync(path).size / 1024 / 1024 : 0;
}

/** RSS after a `GET /cdms` (so that the read path has been exercised). */
async function rssAfterList(node: BenchNode): Promise<number> {
  const res = await request(node.url, 'GET', '/cdms?limit=100', { token: ADMIN_TOKEN });
  if (res.status !== 200) throw new Error(`GET /cdms on ${node.spec.id}: ${res.status}`);
  await sleep(200);
  return round(rssMb(node.child.pid), 1);
}

/**
 * Scenarios 4 and 5 on one filled store: start-up time, RSS and database size of a node holding
 * `syncCdms` CDMs (file store, filled directly through the built store code), then a fresh peer
 * (memory store) that syncs them all, and its RSS.
 */
export async function syncAndSize(settings: BenchSettings) {
  const count = settings.syncCdms;
  const dataDir = join(tempDir('sync-source'), 'store');
  // The source signs its CDMs and the peer trusts its key: the peer verifies every CDM it is sent.
  const sourceKey = benchKey('bench-sync-source');
  const fill = await fillFileStore(dataDir, sourceKey, count);

  const bare = await startBareServer('bare-size');
  await sleep(300);
  const bareRss = round(rssMb(bare.child.pid), 1);
  await bare.child.stop();

  const source = await startNode({ id: sourceKey.nodeId, storage: 'file', dataDir, signingKey: sourceKey });
  const peer = await startNode({ id: 'bench-sync-peer', storage: 'memory', trusted: [sourceKey] });
  try {
    const rssFile = await rssAfterList(source);
    const dbMb = round(fileMb(join(dataDir, 'spacecomms.db')) + fileMb(join(dataDir, 'spacecomms.db-wal')), 1);
    if ((await cdmsActive(source)) !== count) throw new Error(`sync: the source holds ${await cdmsActive(source)} CDMs, not ${count}`);

    const cpuBefore = [cpuMs(source.child.pid), cpuMs(peer.child.pid)] as const;
    const started = performance.now();
    await addPeer(source, peer.spec.id, peer.url);
    await addPeer(peer, source.spec.id, source.url);
    const deadline = Date.now() + settings.syncTimeoutMs;
    let held = 0;
    while ((held = await cdmsActive(peer)) < count && Date.now() < deadline) await sleep(POLL_MS);
    const seconds = (performance.now() - started) / 1000;
    const cpuSource = cpuMs(source.child.pid) - cpuBefore[0];
    const cpuPeer = cpuMs(peer.child.pid) - cpuBefore[1];
    const rssMemory = await rssAfterList(peer);
    const size = {
      cdms: count,
      rss_mb_file: rssFile,
      rss_mb_memory: rssMemory,
      rss_mb_file_after_sync: round(rssMb(source.child.pid), 1),
      startup_s: round(source.healthyMs / 1000, 3),
      startup_log_s: round(source.startedLogMs / 1000, 3),
      db_mb: dbMb,
      cdm_bytes: 2500,
      baseline_rss_mb: bareRss,
      baseline_startup_s: round(bare.startMs / 1000, 3),
      ratio_rss_file: ratio(rssFile, bareRss),
      ratio_startup: ratio(source.healthyMs, bare.startMs),
    };
    const sync = {
      cdms: count,
      seconds: round(seconds, 2),
      per_second: round(held / seconds, 0),
      complete: held >= count,
      held,
      signatures_verified_at_peer: await verifiedSignatures(peer, sampleIds(Array.from({ length: count }, (_, i) => `SYNC-${i}`))),
      cpu_ms_per_cdm_source: round(cpuSource / Math.max(1, held), 3),
      cpu_ms_per_cdm_peer: round(cpuPeer / Math.max(1, held), 3),
      source_cpu_busy: round(cpuSource / 1000 / seconds, 2),
      peer_cpu_busy: round(cpuPeer / 1000 / seconds, 2),
      fill_method: 'direct writes to the file store (dist/store/sqlite + applyToTable), before the node starts',
      fill_seconds: round(fill.seconds, 2),
      peer_storage: 'memory',
      rate_limit: 'defaults (live 2000 msg/s, burst 4000; table-transfer budget 20000 msg/s for 300 s after a session is established)',
    };
    return { sync, size };
  } finally {
    await Promise.all([source.child.stop(), peer.child.stop()]);
  }
}
