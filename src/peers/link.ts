import type { Metrics } from '../observability/metrics.js';
import { ERROR_HTTP_STATUS } from '../protocol/builders.js';
import type { Envelope } from '../protocol/envelope.js';
import type { AuditTrail } from './audit-trail.js';
import { describeNetworkError, isCertificateError } from './failures.js';
import type { PeerTransport, PostResult } from './transport.js';

/** What became of one POST: the peer's answer, or why none came. */
export type Posted = { ok: true; result: PostResult } | { ok: false; reason: string; certificate: boolean };

export function isSuccess(result: PostResult): boolean {
  return result.status >= 200 && result.status < 300;
}

/** The per-envelope answers of a batch as if each had come alone, or undefined when the answer is not a batch answer. */
function splitResults(result: PostResult, count: number): PostResult[] | undefined {
  const results = (result.body as { results?: unknown } | undefined)?.results;
  if (result.status !== 200 || !Array.isArray(results) || results.length !== count) return undefined;
  return results.map((entry: unknown) => {
    const code = (entry as { payload?: { error_code?: unknown } } | null)?.payload?.error_code;
    const status = typeof code === 'string' ? (ERROR_HTTP_STATUS as Record<string, number>)[code] ?? 500 : 200;
    return { status, body: entry, rttMs: result.rttMs };
  });
}

/**
 * The HTTP side of one peering with its bookkeeping: every POST goes to the audit trail
 * (delivered, dropped on a final 4xx, or failed), every 2xx is counted as sent.
 */
export class PeerLink {
  /** Messages the peer answered with 2xx. */
  sent = 0;

  constructor(
    private readonly peerId: string,
    private transport: PeerTransport,
    private readonly audit: AuditTrail,
    private readonly metrics: Metrics,
  ) {}

  async post(envelope: Envelope, signal?: AbortSignal): Promise<Posted> {
    let result: PostResult;
    try {
      result = await this.transport.post(envelope, signal);
    } catch (err) {
      const reason = describeNetworkError(err);
      this.audit.sent(this.peerId, envelope, { decision: 'failed', reason });
      return { ok: false, reason, certificate: isCertificateError(err) };
    }
    this.record(envelope, result);
    return { ok: true, result };
  }

  /**
   * PROTOCOL.md section 11: the envelopes in one POST. A `200 {results}` answer is split
   * into one result per envelope (in order), each recorded as if it had come alone.
   */
  async postBatch(envelopes: Envelope[]): Promise<{ ok: true; result: PostResult; each?: PostResult[] } | { ok: false; reason: string; certificate: boolean }> {
    let result: PostResult;
    try {
      result = await this.transport.postBatch(envelopes);
    } catch (err) {
      const reason = describeNetworkError(err);
      for (const envelope of envelopes) this.audit.sent(this.peerId, envelope, { decision: 'failed', reason });
      return { ok: false, reason, certificate: isCertificateError(err) };
    }
    const each = splitResults(result, envelopes.length);
    envelopes.forEach((envelope, i) => this.record(envelope, each?.[i] ?? result));
    return { ok: true, result, ...(each ? { each } : {}) };
  }

  /** New connections from now on; requests in flight finish on the old ones (not awaited: a reload must not wait). */
  replace(transport: PeerTransport): void {
    const old = this.transport;
    this.transport = transport;
    old.retire().catch(() => undefined);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private record(message: Envelope, result: PostResult): void {
    if (isSuccess(result)) {
      this.audit.sent(this.peerId, message, { decision: 'delivered' });
      this.sent += 1;
      this.metrics.countMessage();
      this.metrics.messagesSent.inc({ type: message.message_type, peer: this.peerId });
      return;
    }
    const payload = (result.body as { payload?: { error_code?: string; error_message?: string } } | undefined)?.payload;
    this.audit.sent(this.peerId, message, {
      decision: result.status === 400 || result.status === 413 ? 'dropped' : 'failed',
      code: payload?.error_code ?? `HTTP_${result.status}`,
      ...(payload?.error_message ? { reason: payload.error_message } : {}),
    });
  }
}
