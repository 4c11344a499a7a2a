import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { ERROR_HTTP_STATUS, errorEnvelope } from '../protocol/builders.js';
import type { Envelope } from '../protocol/envelope.js';
import type { ErrorCode } from '../protocol/messages.js';
import type { SignatureCheck } from '../model/records.js';
import { validateEnvelope } from '../protocol/validate.js';
import { parseVersion } from '../protocol/version.js';
import { SUPPORTED_VERSIONS } from '../protocol/envelope.js';
import type { ReceiveDecision, Router } from '../routing/router.js';
import { LogLimiter } from '../observability/log-limiter.js';
import { AuthFailureLog } from '../observability/auth-failure-log.js';
import { TokenBucket } from './rate-limit.js';
import { STORAGE_FULL_MESSAGE, isStorageFull } from '../store/write-errors.js';
import { isTableMessage } from '../routing/table.js';
import { secretsEqual } from '../secrets.js';
import type { Store } from '../store/store.js';
import { allowListFor } from '../allow-list.js';
import type { AuditTrail } from './audit-trail.js';
import type { PeerManager } from './manager.js';
import type { PeerSession } from './session.js';

/** A peer's HELLOs: a burst of this many, then one a second (a restarting peer says HELLO once per attempt). */
const HELLO_BURST = 10;
const HELLO_PER_SECOND = 1;

export interface InboundReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Peers a table message went on to (for the audit trail; not sent). */
  forwarded?: string[];
  /** The origin signature check (PROTOCOL.md section 10), for the audit trail; not sent. */
  signature?: string;
}

export interface InboundDeps {
  nodeId: string;
  manager: PeerManager;
  router: Router;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  audit: AuditTrail;
  now(): Date;
  /** `protocol.batch_max_messages`: the most envelopes a batch may hold. */
  batchMaxMessages(): number;
  /**
   * Checks the signatures of a batch's envelopes ahead of time, in parallel (`OriginTrust.checkAhead`);
   * resolves to a function that forgets the results the batch did not use.
   */
  checkSignaturesAhead?(envelopes: readonly unknown[]): Promise<() => void>;
}

/** Section 11: never batched. */
const UNBATCHED = new Set(['HELLO', 'SYNC_REQUEST', 'GOODBYE']);

/** A body that is a batch (`{"batch": [...]}`) rather than one envelope. */
export function isBatch(body: unknown): body is { batch: unknown } {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, 'batch') && !Object.hasOwn(body, 'message_type');
}

export interface Credentials {
  nodeId?: string;
  bearer?: string;
  address: string;
  /** CN and DNS/IP SANs of the client certificate, when the request came over TLS with one. */
  certificateNames?: string[];
  /** True when the request came over TLS. */
  tls?: boolean;
}

/** The receiving side of the peer protocol (PROTOCOL.md sections 1, 2, 4, 5 and 6). */
export class InboundHandler {
  private readonly rateLogAt = new Map<string, number>();
  private readonly diskFullLog = new LogLimiter(10_000);
  private readonly helloBuckets = new Map<string, TokenBucket>();
  private readonly helloLog = new LogLimiter(10_000);
  /** Refused authentications, of the peer endpoint and the REST API, logged in aggregate. */
  readonly authFailures: AuthFailureLog;

  constructor(private readonly deps: InboundDeps) {
    this.authFailures = new AuthFailureLog(deps.logger);
  }

  /** Section 2: the neighbour by its node-id header (or, without one, by its token), and its token checked. */
  authenticate(credentials: Credentials): { ok: true; session: PeerSession } | { ok: false; reply: InboundReply } {
    const session = credentials.nodeId !== undefined ? this.deps.manager.session(credentials.nodeId) : this.byToken(credentials.bearer);
    if (!session) {
      const reason = credentials.nodeId !== undefined ? 'unknown peer' : 'no node id and no matching token';
      return { ok: false, reply: this.refuseAuthentication(credentials, 401, reason) };
    }
    const reason = this.tokenProblem(session, credentials) ?? this.certificateProblem(session, credentials);
    if (reason !== undefined) return { ok: false, reply: this.refuseAuthentication(credentials, 401, reason) };
    if (session.peer.allowed_networks && !allowListFor(session.peer.allowed_networks).allows(credentials.address)) {
      return { ok: false, reply: this.refuseAuthentication(credentials, 403, `address ${credentials.address} is not in peers[].allowed_networks`) };
    }
    return { ok: true, session };
  }

  private tokenProblem(session: PeerSession, credentials: Credentials): string | undefined {
    const expected = session.peer.auth_token;
    if (expected === undefined) return undefined;
    if (credentials.bearer === undefined) return 'no bearer token';
    return secretsEqual(credentials.bearer, expected) ? undefined : 'wrong token';
  }

  /** With TLS, a peer whose configuration names its certificate must present a certificate with that name. */
  private certificateProblem(session: PeerSession, credentials: Credentials): string | undefined {
    const expected = session.peer.tls?.server_name;
    if (expected === undefined || !credentials.tls) return undefined;
    if (!credentials.certificateNames || credentials.certificateNames.length === 0) return 'no client certificate';
    if (!credentials.certificateNames.includes(expected)) return `client certificate is for ${credentials.certificateNames.join(', ')}, not ${expected}`;
    return undefined;
  }

  /**
   * A refused authentication: logged in aggregate (`AuthFailureLog`), never written to the
   * store, and answered with the same body whatever the reason, so that the answer does
   * not tell which peer ids exist.
   */
  private refuseAuthentication(credentials: Credentials, status: number, reason: string): InboundReply {
    const known = credentials.nodeId !== undefined && this.deps.manager.session(credentials.nodeId) !== undefined;
    this.authFailures.failed({ peer: credentials.nodeId ?? null, knownPeer: known, address: credentials.address, reason });
    if (status === 403) return { ...this.error('UNAUTHORIZED', 'address not allowed for this peer'), status };
    return this.error('UNAUTHORIZED', 'authentication failed');
  }

  /** Section 6 rule 1: one token of the peer's rate limit (`PeerRateLimit`), or 429 with `Retry-After`. */
  admit(session: PeerSession, inBatch = false): InboundReply | undefined {
    if (session.rateLimit.take(inBatch)) return undefined;
    const now = Date.now();
    if ((this.rateLogAt.get(session.id) ?? 0) + 1000 <= now) {
      this.rateLogAt.set(session.id, now);
      this.deps.logger.warn({ peer: session.id }, 'rate limit exceeded');
    }
    // Counted (metrics) and logged once a second, never written to the audit trail: a flood must not become disk writes.
    const reply = this.error('RATE_LIMITED', 'rate limit exceeded; retry later');
    return { ...reply, headers: { 'retry-after': String(session.rateLimit.retryAfterSeconds()) } };
  }

  /** An unexpected failure while handling a message: 500 INTERNAL_ERROR, never a stack trace. */
  internalError(): InboundReply {
    return this.error('INTERNAL_ERROR', 'internal error');
  }

  /** A body that is not JSON, too large or of another type. */
  malformed(status: number, message: string): InboundReply {
    const reply = this.error('INVALID_MESSAGE', message);
    return { ...reply, status };
  }

  async handle(raw: unknown, session: PeerSession): Promise<InboundReply> {
    const reply = await this.dispatch(raw, session);
    this.deps.audit.received(session.id, raw as Record<string, unknown> | undefined, outcomeOf(reply));
    return reply;
  }

  /**
   * PROTOCOL.md section 11: each envelope handled as if it had come alone, in order, each
   * taking a token of the rate limit (the first took its token with the request; the others
   * may take the table-transfer budget, see `PeerRateLimit`); one
   * commit for the whole batch before the answer `200 {results}`.
   */
  async handleBatch(raw: { batch: unknown }, session: PeerSession): Promise<InboundReply> {
    const list = raw.batch;
    if (!session.supports('BATCH')) return this.error('INVALID_MESSAGE', 'a batch needs protocol 1.1 with feature BATCH listed by both sides');
    const max = this.deps.batchMaxMessages();
    if (!Array.isArray(list) || list.length === 0 || list.length > max) {
      return this.error('INVALID_MESSAGE', `batch must be an array of 1 to ${max} envelopes (protocol.batch_max_messages)`);
    }
    // Each envelope takes its token first (the first took its own with the request), so that
    // only admitted envelopes have their signatures checked.
    const limits = list.map((_, i) => (i > 0 ? this.admit(session, true) : undefined));
    const admitted = list.filter((_, i) => limits[i] === undefined);
    const forgetChecks = session.established ? await this.deps.checkSignaturesAhead?.(admitted) : undefined;
    const results: unknown[] = [];
    const audits: [Record<string, unknown> | undefined, InboundReply][] = [];
    try {
      for (const [i, item] of list.entries()) {
        const limited = limits[i];
        const type = (item as { message_type?: unknown } | null)?.message_type;
        const reply =
          limited ??
          (typeof type === 'string' && UNBATCHED.has(type)
            ? this.error('INVALID_MESSAGE', `${type} is never batched`, messageIdOf(item))
            : await this.dispatch(item, session, false));
        results.push(reply.body);
        if (!limited) audits.push([item as Record<string, unknown> | undefined, reply]);
      }
    } finally {
      forgetChecks?.();
    }
    await this.deps.store.durable();
    for (const [item, reply] of audits) this.deps.audit.received(session.id, item, outcomeOf(reply));
    return { status: 200, body: { results } };
  }

  private async dispatch(raw: unknown, session: PeerSession, awaitDurable = true): Promise<InboundReply> {
    const checked = validateEnvelope(raw);
    if (!checked.ok) {
      const type = (raw as { message_type?: unknown } | null)?.message_type;
      const messageId = (raw as { message_id?: unknown } | null)?.message_id;
      if (type === 'CDM_ANNOUNCE') {
        this.deps.logger.warn({ peer: session.id, message_id: messageId, field: checked.issue.field, error: checked.issue.message }, 'cdm validation failed');
      }
      return this.error('INVALID_MESSAGE', checked.issue.message, typeof messageId === 'string' ? messageId : undefined);
    }
    const envelope = checked.envelope;
    const major = parseVersion(envelope.protocol_version)?.major;
    if (major !== 1) {
      this.deps.logger.warn({ peer: session.id, our_versions: SUPPORTED_VERSIONS, peer_version: envelope.protocol_version }, 'unsupported protocol version');
      return this.error('UNSUPPORTED_VERSION', `protocol_version ${envelope.protocol_version} is not supported; this node speaks ${SUPPORTED_VERSIONS.join(', ')}`, envelope.message_id);
    }
    if (envelope.message_type === 'HELLO') return this.hello(envelope, session);
    if (!session.established) return this.error('UNAUTHORIZED', 'no session', envelope.message_id);
    return this.inSession(envelope, session, awaitDurable);
  }

  /**
   * HELLOs a peer may send: a burst of HELLO_BURST, then one a second. Each HELLO
   * (re-)establishes the session and asks for a full sync, so a storm of them is refused
   * with 429 instead of keeping the node busy re-sending its table.
   */
  private helloAdmitted(session: PeerSession): boolean {
    let bucket = this.helloBuckets.get(session.id);
    if (!bucket) {
      bucket = new TokenBucket(HELLO_PER_SECOND, HELLO_BURST);
      this.helloBuckets.set(session.id, bucket);
    }
    return bucket.take();
  }

  private hello(hello: Envelope<'HELLO'>, session: PeerSession): InboundReply {
    if (!this.helloAdmitted(session)) {
      const line = this.helloLog.take(session.id);
      if (line) this.deps.logger.warn({ peer: session.id, suppressed: line.suppressed }, 'HELLO rate limit exceeded');
      return { ...this.error('RATE_LIMITED', 'too many HELLOs; retry later', hello.message_id), headers: { 'retry-after': '1' } };
    }
    const token = hello.payload.auth_token;
    if (token !== undefined && session.peer.auth_token !== undefined && !secretsEqual(token, session.peer.auth_token)) {
      this.deps.logger.warn({ peer: session.id, reason: 'HELLO auth_token differs from the bearer token' }, 'authentication failed');
      return this.error('UNAUTHORIZED', 'authentication failed: HELLO auth_token is wrong', hello.message_id);
    }
    const negotiation = session.acceptHello(hello);
    if (!negotiation.ok) {
      return this.error('UNSUPPORTED_VERSION', `no common protocol version: we speak ${negotiation.ours.join(', ')}, you ${negotiation.theirs.join(', ')}`, hello.message_id);
    }
    this.received(session, 'HELLO');
    return { status: 200, body: session.ownHello() };
  }

  private async inSession(envelope: Envelope, session: PeerSession, awaitDurable: boolean): Promise<InboundReply> {
    const started = performance.now();
    if (envelope.message_type === 'HEARTBEAT') {
      if (!session.acceptHeartbeat(envelope.payload.sequence)) {
        return this.error('INVALID_MESSAGE', 'HEARTBEAT sequence must increase strictly', envelope.message_id);
      }
      return this.accepted(session, envelope, 'accepted');
    }
    if (envelope.message_type === 'ERROR') {
      this.deps.logger.warn({ peer: session.id, error_code: envelope.payload.error_code, error: envelope.payload.error_message }, 'peer reported an error');
      return this.accepted(session, envelope, 'accepted');
    }
    if (envelope.message_type === 'SYNC_REQUEST' || envelope.message_type === 'GOODBYE') return this.sessionMessage(envelope, session);
    if (!isTableMessage(envelope)) return this.error('INVALID_MESSAGE', `${envelope.message_type} is not accepted here`, envelope.message_id);
    let decision: ReceiveDecision;
    let signature: { signature?: string } = {};
    try {
      decision = this.deps.router.receive(envelope, { peer_id: session.id, policies: session.peer.policies });
      signature = decision.signature ? { signature: auditSignature(decision.signature) } : {};
      if (decision.status === 'refused') return { ...this.error(decision.code ?? 'INVALID_MESSAGE', decision.reason, envelope.message_id), ...signature };
      if (awaitDurable) await this.deps.store.durable();
    } catch (err) {
      if (!isStorageFull(err)) throw err;
      return this.storageFull(session, envelope, err as Error);
    }
    if (envelope.message_type === 'CDM_ANNOUNCE') this.deps.metrics.cdmProcessingTime.observe(performance.now() - started);
    return { ...this.accepted(session, envelope, decision.status), ...(decision.status === 'accepted' ? { forwarded: decision.forwardedTo } : {}), ...signature };
  }

  /**
   * The write was refused for want of disk space and left no trace: `500 INTERNAL_ERROR`,
   * so that the peer keeps the message and retries (PROTOCOL.md section 1), and a log line
   * (at most one per 10 s, with the count of those held back).
   */
  private storageFull(session: PeerSession, envelope: Envelope, err: Error): InboundReply {
    const line = this.diskFullLog.take('disk full');
    if (line) this.deps.logger.error({ peer: session.id, message_id: envelope.message_id, error: err.message, suppressed: line.suppressed }, 'store write failed: disk full; peer message refused with 500');
    return this.error('INTERNAL_ERROR', STORAGE_FULL_MESSAGE, envelope.message_id);
  }

  /** 1.1 SYNC_REQUEST and GOODBYE (PROTOCOL.md section 4), taken only when both sides listed the feature. */
  private sessionMessage(envelope: Envelope<'SYNC_REQUEST' | 'GOODBYE'>, session: PeerSession): InboundReply {
    const feature = envelope.message_type;
    if (!session.supports(feature)) {
      return this.error('INVALID_MESSAGE', `${feature} needs protocol 1.1 with feature ${feature} listed by both sides`, envelope.message_id);
    }
    const reason = envelope.payload.reason ?? '';
    const reply = this.accepted(session, envelope, 'accepted');
    if (feature === 'SYNC_REQUEST') {
      this.deps.logger.info({ peer: session.id, reason }, 'full table sync requested by peer');
      session.syncRequested();
    } else {
      session.lose(`peer said goodbye${reason ? `: ${reason}` : ''}`);
    }
    return reply;
  }

  private accepted(session: PeerSession, envelope: Envelope, status: 'accepted' | 'duplicate' | 'filtered'): InboundReply {
    this.received(session, envelope.message_type);
    return { status: 200, body: { status, message_id: envelope.message_id } };
  }

  private received(session: PeerSession, type: string): void {
    session.noteReceived();
    this.deps.metrics.messagesReceived.inc({ type, peer: session.id });
    this.deps.metrics.countMessage();
  }

  private error(code: ErrorCode, message: string, related?: string): InboundReply {
    this.deps.metrics.countError(code);
    this.deps.metrics.countMessage();
    return {
      status: ERROR_HTTP_STATUS[code],
      body: errorEnvelope({ nodeId: this.deps.nodeId, messageId: randomUUID(), now: this.deps.now() }, code, message, related),
    };
  }

  private byToken(bearer: string | undefined): PeerSession | undefined {
    if (bearer === undefined) return undefined;
    let found: PeerSession | undefined;
    for (const definition of this.deps.manager.definitions()) {
      if (definition.auth_token !== undefined && secretsEqual(bearer, definition.auth_token) && !found) found = this.deps.manager.session(definition.peer_id);
    }
    return found;
  }
}

function messageIdOf(item: unknown): string | undefined {
  const id = (item as { message_id?: unknown } | null)?.message_id;
  return typeof id === 'string' ? id : undefined;
}

/** The audit trail's word for a signature check: the result, and `not_origin` when the source had no authority. */
function auditSignature(check: SignatureCheck): string {
  return check.authority === 'not_origin' ? `${check.result}; not_origin` : check.result;
}

/** What the audit trail records of an answer: the status given, or the error code. */
function outcomeOf(reply: InboundReply): { decision: string; code?: string; reason?: string; forwarded_to?: string[]; signature?: string } {
  const signature = reply.signature !== undefined ? { signature: reply.signature } : {};
  if (reply.status >= 200 && reply.status < 300) {
    const status = (reply.body as { status?: unknown }).status;
    return { decision: typeof status === 'string' ? status : 'accepted', ...(reply.forwarded && reply.forwarded.length > 0 ? { forwarded_to: reply.forwarded } : {}), ...signature };
  }
  const payload = (reply.body as { payload?: { error_code?: string; error_message?: string } }).payload;
  return { decision: 'refused', ...(payload?.error_code ? { code: payload.error_code } : {}), ...(payload?.error_message ? { reason: payload.error_message } : {}), ...signature };
}
