import { Pool, type Dispatcher } from 'undici';
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

/** The HTTP side of one peering: kept-alive connections to the peer and one POST per envelope. */
export class PeerTransport {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(private readonly options: TransportOptions) {
    const url = new URL(options.address);
    this.path = `${url.pathname.replace(/\/+$/, '')}${MESSAGES_PATH}`;
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
      ...(options.connect ? { connect: options.connect } : {}),
      ...(options.allowH2 ? { allowH2: true } : {}),
    });
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
    const started = performance.now();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-spacecomms-node-id': this.options.nodeId,
    };
    const token = this.options.authToken();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response: Dispatcher.ResponseData = await this.pool.request({
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
    await this.pool.destroy();
  }

  /** Lets requests in flight finish, then closes (used when the transport is replaced). */
  async retire(): Promise<void> {
    await this.pool.close();
  }
}
