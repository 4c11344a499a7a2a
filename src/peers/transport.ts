import type { Pool, Dispatcher } from 'undici';
import { loadUndici } from '../http-client.js';
import type { Envelope } from '../protocol/envelope.js';

export interface PostResult {
  status: number;
  body: unknown;
  /** From `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
  rttMs: number;
}

export interface TransportOptions {
  address: string;
  nodeId: string;
  authToken: () => string | undefined;
  connections: number;
  timeoutMs: number;
  /** TLS settings for `https://` peers (CA, client certificate, expected name). */
  connect?: Pool.Options['connect'];
  allowH2?: boolean;
}

export const MESSAGES_PATH = '/spacecomms/v1/messages';

/**
 * The HTTP side of one peering: kept-alive connections to the peer and one POST per envelope.
 * The connection pool is made at the first POST (the HTTP client is loaded then).
 */
export class PeerTransport {
  private pool: Promise<Pool> | undefined;
  private readonly origin: string;
  private readonly path: string;
  /** How the transport was ended before its pool existed: a pool made later is ended the same way at once. */
  private ended: 'destroyed' | 'closed' | undefined;

  constructor(private readonly options: TransportOptions) {
    const url = new URL(options.address);
    this.origin = url.origin;
    this.path = `${url.pathname.replace(/\/+$/, '')}${MESSAGES_PATH}`;
  }

  private connections(): Promise<Pool> {
    return (this.pool ??= loadUndici().then(({ Pool }) => {
      const options = this.options;
      const pool = new Pool(this.origin, {
        connections: options.connections,
        pipelining: 1,
        keepAliveTimeout: 60_000,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        connectTimeout: options.timeoutMs,
        ...(options.connect ? { connect: options.connect } : {}),
        ...(options.allowH2 ? { allowH2: true } : {}),
      });
      // A request on an ended pool fails as it did when the pool was made with the transport.
      if (this.ended === 'destroyed') pool.destroy().catch(() => undefined);
      else if (this.ended === 'closed') pool.close().catch(() => undefined);
      return pool;
    }));
  }

  /** One envelope per POST (PROTOCOL.md section 1). */
  post(envelope: Envelope, signal?: AbortSignal): Promise<PostResult> {
    return this.postBody(JSON.stringify(envelope), signal);
  }

  /** PROTOCOL.md section 11: `{"batch": [envelope, ...]}` in one POST; the answer is `{results: [...]}`. */
  postBatch(envelopes: readonly Envelope[], signal?: AbortSignal): Promise<PostResult> {
    return this.postBody(JSON.stringify({ batch: envelopes }), signal);
  }

  private async postBody(payload: string, signal?: AbortSignal): Promise<PostResult> {
    // The round trip is timed from the request on, not from loading the HTTP client.
    const pool = await this.connections();
    const started = performance.now();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-spacecomms-node-id': this.options.nodeId,
    };
    const token = this.options.authToken();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response: Dispatcher.ResponseData = await pool.request({
      method: 'POST',
      path: this.path,
      headers,
      body: payload,
      ...(signal ? { signal } : {}),
    });
    const text = await response.body.text();
    const rttMs = performance.now() - started;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const retryAfter = Number(response.headers['retry-after']);
    return { status: response.statusCode, body, rttMs, ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
  }

  /** Drops every connection at once (requests in flight fail and are retried by their owner). */
  async close(): Promise<void> {
    if (this.pool === undefined) this.ended = 'destroyed';
    else await (await this.pool).destroy();
  }

  /** Lets requests in flight finish, then closes (used when the transport is replaced). */
  async retire(): Promise<void> {
    if (this.pool === undefined) this.ended = 'closed';
    else await (await this.pool).close();
  }
}
