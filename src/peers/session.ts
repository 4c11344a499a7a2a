import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { heartbeatEnvelope, helloEnvelope, sessionEnvelope } from '../protocol/builders.js';
import { SUPPORTED_VERSIONS, type Envelope } from '../protocol/envelope.js';
import { validateEnvelope } from '../protocol/validate.js';
import { negotiateVersion, type Negotiation } from '../protocol/version.js';
import { FEATURES, type Feature, type PublicKeyEntry } from '../protocol/messages.js';
import { syncMessages, type SyncOptions } from '../routing/sync.js';
import type { TableMessage } from '../routing/table.js';
import type { Store } from '../store/store.js';
import type { AuditTrail } from './audit-trail.js';
import { describeRefusal } from './failures.js';
import { PeerLink, isSuccess } from './link.js';
import { backoffDelay } from './backoff.js';
import { DeliveryHealth } from './delivery.js';
import { OutboundQueue, type SendOutcome } from './queue.js';
import { PeerRateLimit } from './rate-limit.js';
import { LogLimiter } from '../observability/log-limiter.js';
import type { PeerDefinition, PeerView, SessionStatus } from './registry.js';
import type { PeerTransport, PostResult } from './transport.js';

export interface SessionDeps {
  nodeId: string;
  nodeName(): string;
  protocol(): Config['protocol'];
  store: Store;
  logger: Logger;
  metrics: Metrics;
  audit: AuditTrail;
  /** The HTTP side of a peering; `token` is read at every request, so a reloaded token applies at once. */
  transport(peer: PeerDefinition, token: () => string | undefined): PeerTransport;
  now(): Date;
  /** Told of every session change (for the change log): established, lost, delivery failing or restored. */
  onSessionChange?(peerId: string, status: 'established' | 'lost' | 'delivery_failing' | 'delivery_restored', reason?: string): void;
  /** HELLO `public_keys`: this node's signing keys (PROTOCOL.md section 10). */
  publicKeys?(): PublicKeyEntry[];
  /** The keys a peer listed in its HELLO, when the session may use SIGNATURES (undefined otherwise). */
  peerKeys?(peer: PeerDefinition, keys: readonly PublicKeyEntry[] | undefined): void;
}

/** A strictly increasing heartbeat sequence for the whole process, so that no restart of a session reuses a number. */
let heartbeatSequence = 0;

/**
 * The session with one peer (PROTOCOL.md section 5): HELLO with backoff, heartbeats,
 * liveness, the outbound queue and the full sync on every establishment.
 */
export class PeerSession {
  /** HELLO exchanged: the peer's messages are taken (section 5 rule 6). */
  established = false;
  /** The state shown while no session is established. */
  private linkStatus: 'connecting' | 'disconnected' = 'disconnected';
  /** Whether our own sends reach the peer (section 5 rule 7). */
  readonly delivery: DeliveryHealth;
  private peerCapabilities: readonly string[] | undefined;
  private peerFeatures: readonly string[] = [];
  private lastRefused: { message_id: string; reason: string; at: string } | null = null;
  private refusedCount = 0;
  private probeAttempts = 0;
  private batchRefused = false;
  private probeTimer: NodeJS.Timeout | undefined;
  /** The peer's inbound rate limit: live and table-transfer budgets. */
  readonly rateLimit: PeerRateLimit;
  private readonly link: PeerLink;
  private readonly queue: OutboundQueue;
  private negotiatedVersion: string | null = null;
  private error: string | null = null;
  private lastHeartbeat: string | null = null;
  private latencyMs: number | null = null;
  private received = 0;
  private lastSeen = 0;
  private lastInboundSequence = -1;
  private attempts = 0;
  private resyncNeeded = false;
  /** Overflow and drop lines: at most one of each per 10 s, with the counts held back. */
  private readonly logLimit = new LogLimiter(10_000);
  private overflowDropped = 0;
  private connecting = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;

  constructor(
    public peer: PeerDefinition,
    private readonly deps: SessionDeps,
  ) {
    const p = deps.protocol();
    this.rateLimit = new PeerRateLimit(p.rate_limit);
    this.link = new PeerLink(peer.peer_id, deps.transport(peer, () => this.peer.auth_token), deps.audit, deps.metrics);
    this.delivery = new DeliveryHealth(peer.peer_id, deps.logger);
    this.queue = new OutboundQueue({
      maxMessages: p.queue_max_messages,
      maxInFlight: p.max_in_flight,
      maxSyncInFlight: p.sync_in_flight,
      send: (message) => this.sendQueued(message),
      sendBatch: (messages) => this.sendBatch(messages),
      batchSize: () => (this.supports('BATCH') && !this.batchRefused ? this.deps.protocol().batch_max_messages : 1),
      lingerMs: () => this.deps.protocol().batch_linger_ms,
      canSend: () => this.connected,
      retryDelayMs: (attempt) => backoffDelay(attempt, 500, 30_000),
      onOverflow: (dropped) => {
        this.resyncNeeded = true;
        this.overflowDropped += dropped;
        if (!this.logLimit.take('overflow')) return;
        this.deps.logger.warn({ peer: this.peer.peer_id, dropped: this.overflowDropped, max: p.queue_max_messages }, 'peer queue overflow: oldest messages dropped, full sync follows');
        this.overflowDropped = 0;
      },
      onDropped: (message, reason) => this.refused(message, reason),
      onIdle: () => {
        if (this.resyncNeeded && this.connected) this.startSync();
      },
    });
  }

  get id(): string {
    return this.peer.peer_id;
  }

  get queueDepth(): number {
    return this.queue.depth;
  }

  /** Messages queued, in flight, or a sync still running. */
  get busy(): boolean {
    return this.queue.busy;
  }

  /** `connected` only while a session is established and our own sends reach the peer. */
  get status(): SessionStatus {
    if (!this.established) return this.linkStatus;
    return this.delivery.state === 'ok' ? 'connected' : 'connecting';
  }

  get connected(): boolean {
    return this.established && this.delivery.state === 'ok';
  }

  /** The families the peer listed in HELLO (undefined before its first HELLO). */
  get capabilities(): readonly string[] | undefined {
    return this.peerCapabilities;
  }

  /** A 1.1 feature is used only when the session speaks 1.1 and both sides listed it (section 9). */
  supports(feature: Feature): boolean {
    return this.negotiatedVersion === '1.1' && this.peerFeatures.includes(feature) && (FEATURES as readonly string[]).includes(feature);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    this.queue.stop();
    this.established = false;
    this.linkStatus = 'disconnected';
    this.deps.metrics.heartbeatLatency.remove({ peer: this.id });
    await this.link.close();
  }

  /** A changed definition (token, policies, TLS) keeps the session; a new address starts a new one. */
  redefine(peer: PeerDefinition): void {
    const addressChanged = peer.address !== this.peer.address;
    const tlsChanged = JSON.stringify(peer.tls ?? null) !== JSON.stringify(this.peer.tls ?? null);
    this.peer = peer;
    if (addressChanged || tlsChanged) this.refreshTransport();
    if (addressChanged) {
      this.lose('peer address changed');
      void this.connect();
    }
  }

  /** New connections with the current TLS material; requests in flight finish on the old ones. */
  refreshTransport(): void {
    this.link.replace(this.deps.transport(this.peer, () => this.peer.auth_token));
  }

  enqueue(message: TableMessage): void {
    this.queue.push(message);
  }

  view(): PeerView {
    return {
      peer_id: this.peer.peer_id,
      address: this.peer.address,
      status: this.status,
      last_heartbeat: this.lastHeartbeat,
      heartbeat_latency_ms: this.latencyMs === null ? null : Math.round(this.latencyMs * 100) / 100,
      messages_sent: this.link.sent,
      messages_received: this.received,
      queue_depth: this.queueDepth,
      negotiated_version: this.negotiatedVersion,
      error: this.established && this.delivery.state === 'failing' ? `delivery failing: ${this.delivery.reason ?? 'unknown'}` : this.error,
      delivery: this.established ? this.delivery.state : null,
      capabilities: this.peerCapabilities ?? null,
      features: this.established ? this.peerFeatures.filter((f) => this.supports(f as Feature)) : [],
      messages_refused: this.refusedCount,
      last_refused: this.lastRefused,
      policies: this.peer.policies,
    };
  }

  /** A HELLO from the peer: negotiates and (re-)establishes; a peer that says HELLO again has restarted and gets a new sync. */
  acceptHello(hello: Envelope<'HELLO'>, initiatedBy: 'us' | 'peer' = 'peer'): Negotiation {
    const negotiation = negotiateVersion(SUPPORTED_VERSIONS, hello.payload.supported_versions);
    if (!negotiation.ok) {
      this.refuse(negotiation);
      return negotiation;
    }
    this.lastInboundSequence = -1;
    this.peerCapabilities = [...hello.payload.capabilities];
    this.peerFeatures = [...(hello.payload.features ?? [])];
    this.negotiatedVersion = negotiation.version;
    this.deps.peerKeys?.(this.peer, this.supports('SIGNATURES') ? hello.payload.public_keys : undefined);
    this.establish(negotiation.version, initiatedBy);
    return negotiation;
  }

  ownHello(): Envelope<'HELLO'> {
    return helloEnvelope({ nodeId: this.deps.nodeId, messageId: randomUUID(), now: this.deps.now() }, this.deps.nodeName(), this.peer.auth_token, this.deps.publicKeys?.() ?? []);
  }

  /** Any message taken from the peer: counts and refreshes liveness. */
  noteReceived(): void {
    this.received += 1;
    this.lastSeen = Date.now();
  }

  /** Heartbeat sequences must rise strictly within a session. */
  acceptHeartbeat(sequence: number): boolean {
    if (sequence <= this.lastInboundSequence) return false;
    this.lastInboundSequence = sequence;
    this.lastHeartbeat = this.deps.now().toISOString();
    return true;
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.clearTimer('reconnectTimer');
    if (!this.established) this.linkStatus = 'connecting';
    const hello = this.ownHello();
    this.connecting = true;
    const posted = await this.link.post(hello).finally(() => (this.connecting = false));
    if (!posted.ok) {
      if (posted.certificate) this.deps.logger.warn({ peer: this.id, address: this.peer.address, reason: posted.reason }, 'authentication failed');
      return this.connectFailed(posted.reason);
    }
    if (this.stopped) return;
    const result = posted.result;
    const reply = validateEnvelope(result.body);
    if (result.status === 200 && reply.ok && reply.envelope.message_type === 'HELLO') {
      this.acceptHello(reply.envelope, 'us');
      return;
    }
    if (reply.ok && reply.envelope.message_type === 'ERROR') {
      return this.connectFailed(`${reply.envelope.payload.error_code}: ${reply.envelope.payload.error_message}`);
    }
    this.connectFailed(`HELLO answered with HTTP ${result.status}`);
  }

  private connectFailed(reason: string): void {
    if (this.stopped) return;
    // The peer's HELLO established the session (its direction works); ours fails.
    if (this.established) return this.deliveryFailed(reason);
    this.linkStatus = 'disconnected';
    this.error = reason;
    this.delivery.logFailure(reason);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const p = this.deps.protocol();
    const delay = backoffDelay(this.attempts, p.reconnect_min_seconds * 1000, p.reconnect_max_seconds * 1000);
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  private establish(version: string, initiatedBy: 'us' | 'peer'): void {
    if (this.stopped) return;
    this.clearTimer('reconnectTimer');
    this.clearTimer('probeTimer');
    this.established = true;
    this.negotiatedVersion = version;
    this.error = null;
    this.attempts = 0;
    this.probeAttempts = 0;
    this.batchRefused = false;
    this.lastSeen = Date.now();
    // Section 5 rule 3: the peer now sends its whole table; it gets the table-transfer budget.
    this.rateLimit.openTransfer(initiatedBy === 'us');
    // Our HELLO was answered: our sends reach the peer. Its HELLO to us proves only its own direction.
    this.delivery.reset(initiatedBy === 'us' ? 'ok' : 'unverified');
    this.deps.logger.info({ peer: this.id, negotiated_version: version, initiated_by: initiatedBy }, 'peer session established');
    this.deps.audit.peerEvent({ peer: this.id, event: 'established', negotiated_version: version, initiated_by: initiatedBy });
    this.deps.onSessionChange?.(this.id, 'established');
    this.startTimers();
    if (this.connected) this.caughtUp();
    else void this.heartbeat();
  }

  /** Our sends reach the peer (again): a full sync, and whatever is queued leaves at once (section 5 rules 3 and 7). */
  private caughtUp(): void {
    this.clearTimer('probeTimer');
    this.probeAttempts = 0;
    this.startSync();
    this.queue.resume();
  }

  /** A POST reached the peer. */
  private delivered(): void {
    const before = this.delivery.succeeded();
    if (before === 'failing') this.deps.onSessionChange?.(this.id, 'delivery_restored');
    if (before !== 'ok' && this.established) this.caughtUp();
  }

  /** A POST did not reach the peer: counts towards `failing`, and while failing a heartbeat probes with backoff. */
  private deliveryFailed(reason: string, immediately = false): void {
    this.deps.metrics.countError('delivery_failed');
    if (this.delivery.failed(reason, immediately)) this.deps.onSessionChange?.(this.id, 'delivery_failing', reason);
    if (this.delivery.state === 'failing') this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.stopped || !this.established || this.probeTimer) return;
    const p = this.deps.protocol();
    const delay = backoffDelay(this.probeAttempts, p.reconnect_min_seconds * 1000, p.reconnect_max_seconds * 1000);
    this.probeAttempts += 1;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.heartbeat();
    }, delay);
  }

  /** A message the peer refused with 400: dropped for good (section 1), and shown. */
  private refused(message: TableMessage, reason: string): void {
    this.refusedCount += 1;
    this.lastRefused = { message_id: message.message_id, reason, at: this.deps.now().toISOString() };
    this.deps.metrics.messagesRefused.inc({ peer: this.id });
    const line = this.logLimit.take('refused');
    if (line) this.deps.logger.warn({ peer: this.id, message_id: message.message_id, message_type: message.message_type, reason, suppressed: line.suppressed }, 'message refused by peer: dropped');
  }

  /** SYNC_REQUEST (1.1) or, with a peer without it, a new HELLO: either way the peer sends us its full table. */
  async requestSync(reason: string): Promise<'SYNC_REQUEST' | 'HELLO'> {
    if (!this.supports('SYNC_REQUEST')) {
      void this.connect();
      return 'HELLO';
    }
    const envelope = sessionEnvelope({ nodeId: this.deps.nodeId, messageId: randomUUID(), now: this.deps.now() }, 'SYNC_REQUEST', reason);
    this.rateLimit.openTransfer(true);
    const posted = await this.link.post(envelope);
    if (posted.ok && isSuccess(posted.result)) return 'SYNC_REQUEST';
    void this.connect();
    return 'HELLO';
  }

  /** The peer asked for our full table (SYNC_REQUEST): a full sync through its export policy. */
  syncRequested(): void {
    this.startSync();
  }

  /** After a reload widened the export policy: the records that now pass and were never sent. */
  exportWidened(): void {
    if (!this.connected) return;
    this.queue.startSync(syncMessages(this.deps.store, this.neighbour(), { onlyUnsent: true }));
  }

  /** GOODBYE (1.1) to a peer that supports it, before stopping or removing the peering; bounded by `timeoutMs`. */
  async sayGoodbye(reason: string, timeoutMs: number): Promise<void> {
    if (!this.established || !this.supports('GOODBYE')) return;
    const envelope = sessionEnvelope({ nodeId: this.deps.nodeId, messageId: randomUUID(), now: this.deps.now() }, 'GOODBYE', reason);
    await this.link.post(envelope, AbortSignal.timeout(timeoutMs));
  }

  private neighbour() {
    return { peer_id: this.id, policies: this.peer.policies, ...(this.peerCapabilities ? { capabilities: this.peerCapabilities } : {}) };
  }

  private refuse(negotiation: Extract<Negotiation, { ok: false }>): void {
    this.deps.logger.warn({ peer: this.id, our_versions: negotiation.ours, peer_versions: negotiation.theirs }, 'peer session refused: unsupported protocol version');
    this.deps.audit.peerEvent({ peer: this.id, event: 'refused', reason: `UNSUPPORTED_VERSION: ours ${negotiation.ours.join(', ')}, theirs ${negotiation.theirs.join(', ')}` });
    this.connectFailed(`UNSUPPORTED_VERSION: we speak ${negotiation.ours.join(', ')}, the peer ${negotiation.theirs.join(', ')}`);
  }

  /** The session ended: logs why, stops heartbeats and starts reconnecting. */
  lose(reason: string): void {
    if (!this.established || this.stopped) return;
    this.established = false;
    this.linkStatus = 'disconnected';
    this.error = reason;
    this.clearTimer('heartbeatTimer');
    this.clearTimer('livenessTimer');
    this.clearTimer('probeTimer');
    this.deps.logger.warn({ peer: this.id, reason }, 'peer session lost');
    this.deps.audit.peerEvent({ peer: this.id, event: 'lost', reason });
    this.deps.onSessionChange?.(this.id, 'lost', reason);
    // The full sync of the next establishment carries every record: what waited is released now,
    // so that a hung peer does not keep a full queue in memory.
    this.queue.clear();
    this.scheduleReconnect();
  }

  /** A full table sync (section 7); live messages already queued stay queued. */
  private startSync(options: SyncOptions = {}): void {
    // At most one full sync in progress: another asked for meanwhile (a HELLO storm) runs once, after it.
    if (this.queue.syncing) {
      this.resyncNeeded = true;
      return;
    }
    this.resyncNeeded = false;
    this.queue.startSync(syncMessages(this.deps.store, this.neighbour(), options));
  }

  private startTimers(): void {
    this.clearTimer('heartbeatTimer');
    this.clearTimer('livenessTimer');
    const p = this.deps.protocol();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), p.heartbeat_interval_seconds * 1000);
    this.livenessTimer = setInterval(() => {
      const silentMs = Date.now() - this.lastSeen;
      if (silentMs > this.deps.protocol().session_timeout_seconds * 1000) this.lose(`no message for ${Math.round(silentMs / 1000)} s`);
    }, Math.min(1000, p.heartbeat_interval_seconds * 500));
  }

  /** A heartbeat; while our sends are unverified or failing it is also the probe that finds them working again. */
  private async heartbeat(): Promise<void> {
    if (!this.established) return;
    heartbeatSequence += 1;
    const envelope = heartbeatEnvelope({ nodeId: this.deps.nodeId, messageId: randomUUID(), now: this.deps.now() }, heartbeatSequence, {
      objects_tracked: this.deps.store.countActiveObjects(),
      cdms_active: this.deps.store.countActiveCdms(),
    });
    const posted = await this.link.post(envelope);
    // The session itself ends after session_timeout_seconds without a message from the peer.
    if (!posted.ok) return this.deliveryFailed(posted.reason, posted.certificate);
    const result = posted.result;
    if (isSuccess(result)) {
      this.latencyMs = result.rttMs;
      this.lastHeartbeat = this.deps.now().toISOString();
      this.lastSeen = Date.now();
      this.deps.metrics.heartbeatLatency.set({ peer: this.id }, result.rttMs);
      this.delivered();
    } else if (result.status === 401) {
      this.forgotten();
    } else if (result.status !== 429) {
      this.deliveryFailed(`heartbeat answered with HTTP ${result.status}`);
    }
  }

  /** The peer answered "no session": it has restarted or dropped us; say HELLO again. */
  private forgotten(): void {
    this.lose('peer has no session for us');
    this.clearTimer('reconnectTimer');
    void this.connect();
  }

  private async sendQueued(message: TableMessage): Promise<SendOutcome> {
    const posted = await this.link.post(message);
    if (!posted.ok) {
      this.deliveryFailed(posted.reason, posted.certificate);
      return { kind: 'retry', reason: posted.reason };
    }
    return this.outcomeOf(posted.result);
  }

  /** PROTOCOL.md section 11: what is queued for the peer in one POST, one outcome each. */
  private async sendBatch(messages: TableMessage[]): Promise<SendOutcome[]> {
    const posted = await this.link.postBatch(messages);
    if (!posted.ok) {
      this.deliveryFailed(posted.reason, posted.certificate);
      return messages.map(() => ({ kind: 'retry', reason: posted.reason }));
    }
    if (posted.each) return posted.each.map((result) => this.outcomeOf(result));
    if (posted.result.status === 400) {
      // The peer did not take the batch as a batch: send one message per POST from now on.
      this.batchRefused = true;
      this.deps.logger.warn({ peer: this.id, reason: describeRefusal(posted.result) }, 'batch refused by peer: sending messages one by one');
      return messages.map(() => ({ kind: 'retry', delayMs: 0, reason: 'batch refused' }));
    }
    const outcome = this.outcomeOf(posted.result);
    return messages.map(() => outcome);
  }

  /** Section 1: 2xx delivered; 400/413 final (dropped); 401 says HELLO again; 429 waits; anything else is retried. */
  private outcomeOf(result: PostResult): SendOutcome {
    if (isSuccess(result)) {
      this.lastSeen = Date.now();
      this.delivered();
      return { kind: 'delivered' };
    }
    if (result.status === 429) return { kind: 'retry', delayMs: result.retryAfterMs ?? 1000, reason: 'rate limited' };
    if (result.status === 401) {
      this.forgotten();
      return { kind: 'retry', reason: 'no session' };
    }
    if (result.status === 400 || result.status === 413) {
      this.delivered();
      return { kind: 'dropped', reason: describeRefusal(result) };
    }
    this.deliveryFailed(`HTTP ${result.status}: ${describeRefusal(result)}`);
    return { kind: 'retry', reason: `HTTP ${result.status}` };
  }

  private clearTimers(): void {
    this.clearTimer('probeTimer');
    this.clearTimer('reconnectTimer');
    this.clearTimer('heartbeatTimer');
    this.clearTimer('livenessTimer');
  }

  private clearTimer(name: 'reconnectTimer' | 'heartbeatTimer' | 'livenessTimer' | 'probeTimer'): void {
    const timer = this[name];
    if (timer) {
      clearTimeout(timer);
      this[name] = undefined;
    }
  }
}
