import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** e.g. `201:9342` or `201:14961 503:7614`. */
  status_codes: string;
}

export interface LoadOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  /** A fresh body for each id. */
  body: { with(id: string): string };
  /** Prefix of the ids, unique per run so that no two requests of a run share a CDM or message id. */
  idPrefix: string;
  connections: number;
  durationS: number;
}

/**
 * autocannon against one server, every request with a fresh id in its body (`setupRequest`).
 * Runs in the bench process; the server under test is a child process.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'application/json', ...options.headers },
        setupRequest: (request) => ({ ...request, body: options.body.with(`${options.idPrefix}-${next++}`) }),
      },
    ],
  });
  return {
    rps: result['2xx'] / result.duration,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    status_codes: Object.entries(result.statusCodeStats)
      .map(([code, stat]) => `${code}:${stat.count}`)
      .join(' '),
  };
}
