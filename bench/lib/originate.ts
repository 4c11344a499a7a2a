import { Pool } from 'undici';
import type { BodyTemplate } from './cdm.js';
import { sleep } from './processes.js';
import { quantile, round } from './stats.js';

export interface Origination {
  /** CDM id → `performance.now()` just before its POST was handed to the client. */
  sentAt: Map<string, number>;
  /** Ids whose POST was acknowledged with 2xx. */
  accepted: string[];
  failed: number;
  client_p50_ms: number;
  client_p99_ms: number;
  achieved_rate_per_s: number;
}

/**
 * Open-loop load: `rate` POSTs per second for `seconds`, each with a new CDM id, whatever the
 * server's answers (a slow server queues requests; their wait counts in the latency).
 */
export async function originateAtRate(url: string, path: string, headers: Record<string, string>, body: BodyTemplate, idPrefix: string, rate: number, seconds: number): Promise<Origination> {
  const pool = new Pool(new URL(url).origin, { connections: 16, pipelining: 1, keepAliveTimeout: 60_000 });
  const sentAt = new Map<string, number>();
  const accepted: string[] = [];
  const clientMs: number[] = [];
  const inFlight: Promise<void>[] = [];
  let failed = 0;
  const total = Math.round(rate * seconds);
  const fire = (id: string) => {
    const text = body.with(id);
    const t0 = performance.now();
    sentAt.set(id, t0);
    const done = pool
      .request({ method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: text })
      .then(async (res) => {
        await res.body.dump();
        clientMs.push(performance.now() - t0);
        if (res.statusCode >= 200 && res.statusCode < 300) accepted.push(id);
        else failed++;
      })
      .catch(() => void failed++);
    inFlight.push(done);
  };
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (sent < due) fire(`${idPrefix}-${sent++}`);
    await sleep(1);
  }
  const elapsed = (performance.now() - start) / 1000;
  await Promise.all(inFlight);
  await pool.destroy();
  return {
    sentAt,
    accepted,
    failed,
    client_p50_ms: round(quantile(clientMs, 0.5)),
    client_p99_ms: round(quantile(clientMs, 0.99)),
    achieved_rate_per_s: round(total / Math.max(elapsed, 1 / rate), 1),
  };
}

export interface Arrivals {
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  delivered: number;
  lost: number;
  /** Median latency of the last fifth of the CDMs sent over that of the first fifth: about 1 when no backlog builds up. */
  backlog_growth: number;
}

/** Waits (at most `timeoutMs`) until every accepted id has arrived, then the origination-to-arrival latencies. */
export async function collectArrivals(origination: Origination, arrivals: Map<string, number>, timeoutMs: number): Promise<Arrivals> {
  const deadline = Date.now() + timeoutMs;
  while (origination.accepted.some((id) => !arrivals.has(id)) && Date.now() < deadline) await sleep(50);
  const latencies: number[] = [];
  const inOrder: number[] = [];
  for (const id of origination.accepted) {
    const at = arrivals.get(id);
    const sent = origination.sentAt.get(id);
    if (at !== undefined && sent !== undefined) latencies.push(at - sent);
    inOrder.push(at !== undefined && sent !== undefined ? at - sent : Number.POSITIVE_INFINITY);
  }
  const fifth = Math.max(1, Math.floor(inOrder.length / 5));
  const growth = quantile(inOrder.slice(-fifth), 0.5) / Math.max(quantile(inOrder.slice(0, fifth), 0.5), 1e-9);
  return {
    p50_ms: round(quantile(latencies, 0.5)),
    p99_ms: round(quantile(latencies, 0.99)),
    max_ms: round(latencies.length ? Math.max(...latencies) : Number.NaN),
    delivered: latencies.length,
    lost: origination.accepted.length - latencies.length,
    backlog_growth: round(growth),
  };
}
