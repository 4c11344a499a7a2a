import { startBareServer, type BareServer } from '../lib/bare.js';
import { cdmTemplate } from '../lib/cdm.js';
import { request } from '../lib/http.js';
import { benchKey } from '../lib/keys.js';
import { addPeer, sampleIds, startNode, verifiedSignatures, waitConnected, WRITE_TOKEN, type BenchNode } from '../lib/node.js';
import { collectArrivals, originateAtRate } from '../lib/originate.js';
import { TimingProxy } from '../lib/proxy.js';
import { measureCpu } from '../lib/processes.js';
import { quantile, ratio, round } from '../lib/stats.js';
import type { BenchSettings } from './settings.js';

const HOPS = 5;
const WARM_UP_SECONDS = 1;
const WARM_UP_DRAIN_MS = 5_000;

/**
 * Scenario 3: a line of five nodes (file stores), CDMs announced at the first at a fixed rate;
 * latency from the client's send to the last node's acknowledgement (= committed there),
 * seen by a timing proxy between node 4 and node 5 (see `TimingProxy`).
 */
export async function propagation(settings: BenchSettings, rate: number, seconds: number) {
  const baseline = await relayBaseline(settings, rate, seconds);
  // Every node signs what it originates and trusts the others' keys, so every hop verifies the origin's signature.
  const keys = Array.from({ length: HOPS }, (_, i) => benchKey(`bench-chain-${i + 1}`));
  const nodes = await Promise.all(keys.map((key) => startNode({ id: key.nodeId, storage: 'file', signingKey: key, trusted: keys })));
  const { proxy, url: proxyUrl } = await TimingProxy.start((nodes[HOPS - 1] as BenchNode).url);
  try {
    for (let i = 0; i + 1 < HOPS; i++) {
      const a = nodes[i] as BenchNode;
      const b = nodes[i + 1] as BenchNode;
      await addPeer(a, b.spec.id, i + 1 === HOPS - 1 ? proxyUrl : b.url);
      await addPeer(b, a.spec.id, a.url);
    }
    for (let i = 0; i + 1 < HOPS; i++) {
      const a = nodes[i] as BenchNode;
      const b = nodes[i + 1] as BenchNode;
      await waitConnected(a, b.spec.id);
      await waitConnected(b, a.spec.id);
    }
    const first = nodes[0] as BenchNode;
    await warmUp(first.url, { authorization: `Bearer ${WRITE_TOKEN}` }, proxy.acknowledged, rate);
    const measured = await measureCpu(
      nodes.map((n) => n.child.pid),
      async () => {
        const sent = await originateAtRate(first.url, '/cdm', { authorization: `Bearer ${WRITE_TOKEN}` }, cdmTemplate(), `PROP${rate}`, rate, seconds);
        return { sent, arrived: await collectArrivals(sent, proxy.acknowledged, settings.drainMs) };
      },
    );
    const { sent, arrived } = measured.result;
    const cpuPerCdm = round(measured.cpuMs / HOPS / Math.max(1, sent.accepted.length), 3);
    const signaturesVerified = await verifiedSignatures(nodes[HOPS - 1] as BenchNode, sampleIds(sent.accepted));
    return {
      hops: HOPS,
      storage: 'file',
      rate_per_s: rate,
      achieved_rate_per_s: sent.achieved_rate_per_s,
      seconds,
      warm_up_s: WARM_UP_SECONDS,
      ...arrived,
      originated: sent.accepted.length,
      origin_failed: sent.failed,
      origin_p50_ms: sent.client_p50_ms,
      origin_p99_ms: sent.client_p99_ms,
      cpu_ms_per_cdm_per_node: cpuPerCdm,
      signatures_verified_at_last_node: signaturesVerified,
      cpu_cores_used: round(measured.cpuMs / measured.wallMs, 2),
      ...baseline,
      cpu_ratio: ratio(cpuPerCdm, baseline.baseline_cpu_ms_per_cdm_per_server),
      ratio_p50: ratio(arrived.p50_ms, baseline.baseline_p50_ms),
      ratio_p99: ratio(arrived.p99_ms, baseline.baseline_p99_ms),
      method: 'client send (performance.now) -> 2xx of node 5 seen by a timing proxy in front of node 5, same process clock',
    };
  } finally {
    await Promise.all(nodes.map((n) => n.child.stop()));
    await proxy.close();
  }
}

/** Five bare servers in a relay line (each answers, then forwards), the same proxy before the last. */
async function relayBaseline(settings: BenchSettings, rate: number, seconds: number) {
  const last = await startBareServer('relay-5');
  const { proxy, url: proxyUrl } = await TimingProxy.start(last.url);
  const servers: BareServer[] = [last];
  try {
    let next = proxyUrl;
    for (let i = HOPS - 1; i >= 1; i--) {
      const s = await startBareServer(`relay-${i}`, next);
      servers.push(s);
      next = s.url;
    }
    const overhead = await proxyOverhead(last.url, proxyUrl);
    await warmUp(next, {}, proxy.acknowledged, rate);
    const first = next;
    const measured = await measureCpu(
      servers.map((s) => s.child.pid),
      async () => {
        const sent = await originateAtRate(first, '/cdm', {}, cdmTemplate(), `RELAY${rate}`, rate, seconds);
        return { sent, arrived: await collectArrivals(sent, proxy.acknowledged, settings.drainMs) };
      },
    );
    const { sent, arrived } = measured.result;
    return {
      baseline_cpu_ms_per_cdm_per_server: round(measured.cpuMs / HOPS / Math.max(1, sent.accepted.length), 3),
      baseline_p50_ms: arrived.p50_ms,
      baseline_p99_ms: arrived.p99_ms,
      baseline_max_ms: arrived.max_ms,
      baseline_lost: arrived.lost,
      proxy_overhead_p50_ms: overhead,
    };
  } finally {
    await Promise.all(servers.map((s) => s.child.stop()));
    await proxy.close();
  }
}

/**
 * One second at the same rate, not measured: opens the kept-alive connections and lets the JIT
 * compile the hot paths (the first few hundred messages of a cold process are 10-100x slower).
 */
async function warmUp(url: string, headers: Record<string, string>, arrivals: Map<string, number>, rate: number): Promise<void> {
  const sent = await originateAtRate(url, '/cdm', headers, cdmTemplate(), `WARM${rate}-${Math.random().toString(36).slice(2, 8)}`, rate, WARM_UP_SECONDS);
  await collectArrivals(sent, arrivals, WARM_UP_DRAIN_MS);
}

/** Median extra time of one POST through the proxy over the same POST direct (200 sequential each). */
async function proxyOverhead(direct: string, proxied: string): Promise<number> {
  const body = cdmTemplate().with('OVERHEAD');
  const time = async (url: string) => {
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await request(url, 'POST', '/cdm', { body });
      samples.push(performance.now() - t0);
    }
    return quantile(samples, 0.5);
  };
  await time(proxied);
  return round((await time(proxied)) - (await time(direct)), 3);
}
