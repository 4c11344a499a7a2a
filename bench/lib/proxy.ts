import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/**
 * A timing proxy in front of the last server of a chain, in the bench process. It passes every
 * request through unchanged and, when the server acknowledges a message that carries a CDM
 * (a node acknowledges only once the CDM is committed to its store), notes the time with
 * `performance.now()`: the same clock, with sub-millisecond resolution, that timed the
 * origination. The proxy adds one loopback pass to the last link (measured: see `overheadMs`).
 */
export class TimingProxy {
  /** CDM id → `performance.now()` of the first 2xx acknowledgement by the target. */
  readonly acknowledged = new Map<string, number>();
  private readonly server: http.Server;
  private readonly pool: Pool;

  private constructor(target: string) {
    this.pool = new Pool(target, { connections: 16, pipelining: 1, keepAliveTimeout: 60_000 });
    this.server = http.createServer((req, res) => void this.pass(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  static async start(target: string): Promise<{ proxy: TimingProxy; url: string }> {
    const proxy = new TimingProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.server.address() as AddressInfo;
    return { proxy, url: `http://127.0.0.1:${port}` };
  }

  private async pass(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && key !== 'host' && key !== 'connection' && key !== 'keep-alive') headers[key] = value;
    }
    try {
      const answer = await this.pool.request({ method: (req.method ?? 'GET') as 'POST', path: req.url ?? '/', headers, body: body.length > 0 ? body : null });
      const text = await answer.body.text();
      const at = performance.now();
      if (answer.statusCode >= 200 && answer.statusCode < 300) this.note(body, at);
      const out: Record<string, string> = {};
      for (const key of ['content-type', 'retry-after']) {
        const value = answer.headers[key];
        if (typeof value === 'string') out[key] = value;
      }
      res.writeHead(answer.statusCode, out).end(text);
    } catch (err) {
      res.writeHead(502).end((err as Error).message);
    }
  }

  private note(body: Buffer, at: number): void {
    for (const id of cdmIdsOf(body)) if (!this.acknowledged.has(id)) this.acknowledged.set(id, at);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.pool.destroy();
  }
}

type Body = { cdm_id?: unknown; message_type?: unknown; payload?: { cdm?: { cdm_id?: unknown } } };

/** The CDM id of a `POST /cdm` body or of a CDM_ANNOUNCE envelope; undefined for anything else. */
function cdmIdOf(json: Body): string | undefined {
  const id = json.message_type === 'CDM_ANNOUNCE' ? json.payload?.cdm?.cdm_id : json.message_type === undefined ? json.cdm_id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** The CDM ids a body carries: one envelope, a CDM, or a batch (PROTOCOL.md section 11; its acknowledgement covers all). */
function cdmIdsOf(body: Buffer): string[] {
  try {
    const json = JSON.parse(body.toString('utf8')) as Body & { batch?: Body[] };
    const items = Array.isArray(json.batch) ? json.batch : [json];
    return items.map(cdmIdOf).filter((id): id is string => id !== undefined);
  } catch {
    return [];
  }
}
