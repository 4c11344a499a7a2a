import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { TokenAuthenticator } from './api/auth.js';
import { assessingStore } from './assessed-store.js';
import type { ReloadResult } from './api/context.js';
import { buildServer, trackConnections, type ConnectionTracker } from './api/server.js';
import { watchTlsErrors } from './api/tls-errors.js';
import { configWarnings, loadTlsMaterial, peerTlsProblems, type TlsMaterial } from './config/files.js';
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { mergeReload } from './node-reload.js';
import { NodeTrust, TrustSetupError } from './node-trust.js';
import { SecretBox } from './trust/secret-box.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { AuditTrail } from './peers/audit-trail.js';
import { InboundHandler } from './peers/inbound.js';
import { GOODBYE_TIMEOUT_MS, PeerManager } from './peers/manager.js';
import { PeerRegistry, type PeerDefinition } from './peers/registry.js';
import { PeerTransport } from './peers/transport.js';
import { runLifecycle } from './routing/lifecycle.js';
import type { EventIndex } from './events/index.js';
import { Notifier, recordPeerChange, recordingChanges } from './notify/index.js';
import { Router } from './routing/router.js';
import { MemoryStore } from './store/memory.js';
import { openSqliteStore } from './store/sqlite/index.js';
import type { Store } from './store/store.js';
import { VERSION } from './version.js';

/** A start-up failure with the one line an operator needs to see. */
export class StartupError extends Error {}

export interface NodeOptions {
  logger?: Logger;
  now?: () => Date;
  /** The configuration file, re-read on reload (none: reload is refused). */
  configPath?: string;
}

function openStore(config: Config): Store {
  if (config.storage.type === 'memory') return new MemoryStore();
  try {
    return openSqliteStore(config.storage.file_path);
  } catch (err) {
    throw new StartupError(`storage.file_path: ${(err as Error).message}`);
  }
}

/** The composition root: builds every part of a node, wires them, and owns start and stop. */
export class SpaceCommsNode {
  readonly logger: Logger;
  readonly store: Store;
  /** Conjunction events of the table, kept up to date by the store's CDM writes. */
  readonly events: EventIndex;
  readonly metrics: Metrics;
  readonly router: Router;
  readonly peers: PeerManager;
  /** The change log's readers: live stream and webhooks. */
  readonly notify: Notifier;
  /** Origin signatures: the node's signing key, trusted keys, mode (PROTOCOL.md section 10). */
  readonly trust: NodeTrust;
  private readonly inbound: InboundHandler;
  private readonly audit: AuditTrail;
  private server: FastifyInstance | undefined;
  private connections: ConnectionTracker | undefined;
  private readonly now: () => Date;
  private config: Config;
  private stopping: Promise<void> | undefined;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  private tls: TlsMaterial | undefined;
  private readonly auth: TokenAuthenticator;
  private readonly configPath: string | undefined;

  constructor(config: Config, options: NodeOptions = {}) {
    this.config = config;
    this.configPath = options.configPath;
    this.auth = new TokenAuthenticator(config.api.auth.tokens);
    this.now = options.now ?? (() => new Date());
    this.logger =
      options.logger ??
      createLogger({ level: config.logging.level, format: config.logging.format, output: config.logging.output, nodeId: config.node.id });
    // TLS material first: the peer sessions built below present the node's certificate.
    const tls = loadTlsMaterial(config);
    if (!tls.ok) throw new StartupError(tls.errors.join('; '));
    const peerTls = peerTlsProblems(config);
    if (peerTls.length > 0) throw new StartupError(peerTls.join('; '));
    this.tls = tls.material;
    // Every CDM stored carries the node's own Pc and is filed in its conjunction event.
    const assessed = assessingStore(openStore(config), () => this.config.pc);
    this.events = assessed.events;
    // Every CDM and maneuver write appends its changes to the change log in the same transaction.
    this.notify = new Notifier({ store: assessed.store, config: () => this.config, logger: this.logger, version: VERSION, now: this.now });
    this.store = recordingChanges(assessed.store, this.events, this.notify.recorderOptions());
    this.metrics = new Metrics({
      peersConnected: () => this.peers.connectedCount(),
      queueDepth: () => this.peers.queueDepth(),
      cdmsActive: () => this.store.countActiveCdms(),
      objectsTracked: () => this.store.countActiveObjects(),
    });
    try {
      this.trust = new NodeTrust(config, this.logger, this.metrics, (id) => this.peers.definitions().some((p) => p.peer_id === id));
    } catch (err) {
      if (err instanceof TrustSetupError) throw new StartupError(err.message);
      throw err;
    }
    this.router = new Router({
      nodeId: config.node.id,
      maxHopCount: config.protocol.max_hop_count,
      store: this.store,
      now: this.now,
      log: this.logger,
      seen: { maxEntries: config.protocol.seen_cache_size, maxAgeMs: config.protocol.seen_cache_ttl_seconds * 1000 },
      tcaGraceMs: config.protocol.tca_grace_minutes * 60_000,
      guard: this.trust.origin,
    });
    this.notify.registerMetrics(this.metrics.registry);
    this.audit = new AuditTrail(this.store.audit, () => this.config.audit);
    const skipped = (peerId: string, problem: string) =>
      this.logger.error({ peer: peerId, error: problem }, 'stored peer skipped: add it again with POST /peers');
    // Tokens of peers added through the API are sealed with a key derived from the node's signing key.
    const sealing = new SecretBox(this.trust.key.deriveKey('peer tokens at rest v1'));
    const secrets = { seal: (t: string) => sealing.seal(t), open: (t: string) => sealing.open(t), isSealed: (t: string) => SecretBox.isSealed(t) };
    this.peers = new PeerManager(new PeerRegistry(config.peers, this.store, this.now, skipped, secrets), {
      nodeId: config.node.id,
      audit: this.audit,
      nodeName: () => this.config.node.name ?? this.config.node.id,
      protocol: () => this.config.protocol,
      store: this.store,
      logger: this.logger,
      metrics: this.metrics,
      now: this.now,
      transport: (peer, token) => this.transportFor(peer, token),
      onSessionChange: (peerId, status, reason) => recordPeerChange(this.store, this.notify.recorderOptions(), peerId, status, reason),
      publicKeys: () => this.trust.helloKeys(),
      peerKeys: (peer, keys) => this.trust.peerKeys(peer, keys),
    });
    this.router.setNeighbours(this.peers);
    this.inbound = new InboundHandler({
      nodeId: config.node.id,
      manager: this.peers,
      router: this.router,
      store: this.store,
      logger: this.logger,
      metrics: this.metrics,
      audit: this.audit,
      now: this.now,
      batchMaxMessages: () => this.config.protocol.batch_max_messages,
      checkSignaturesAhead: (envelopes) => this.trust.origin.checkAhead(envelopes),
    });
  }

  /** The HTTP side of one peering: for https, the node's certificate as client certificate and the peer's CA. */
  private transportFor(peer: PeerDefinition, token: () => string | undefined): PeerTransport {
    const https = peer.address.startsWith('https:');
    const ca = peer.tls?.ca_path ? readFileSync(peer.tls.ca_path) : this.tls?.ca;
    return new PeerTransport({
      address: peer.address,
      nodeId: this.config.node.id,
      authToken: token,
      connections: Math.max(this.config.protocol.max_in_flight, this.config.protocol.sync_in_flight),
      timeoutMs: this.config.protocol.request_timeout_seconds * 1000,
      ...(https
        ? {
            allowH2: true,
            connect: {
              minVersion: 'TLSv1.3' as const,
              rejectUnauthorized: true,
              ...(ca ? { ca } : {}),
              ...(this.tls ? { cert: this.tls.cert, key: this.tls.key } : {}),
              ...(peer.tls?.server_name ? { servername: peer.tls.server_name } : {}),
            },
          }
        : {}),
    });
  }

  /** Listens on the configured address; resolves with the URL the node answers on. */
  async start(): Promise<string> {
    const startedAt = this.now();
    this.server = await buildServer(
      {
        config: () => this.config,
        store: this.store,
        events: this.events,
        notify: this.notify,
        router: this.router,
        peers: this.peers,
        keys: this.trust,
        protocol: this.inbound,
        auth: this.auth,
        reload: () => this.reload(),
        metrics: this.metrics,
        logger: this.logger,
        version: VERSION,
        startedAt,
        now: this.now,
      },
      this.tls ? { https: { ...this.tls, requestCert: this.config.server.tls.require_client_cert } } : {},
    );
    this.connections = trackConnections(this.server.server);
    if (this.tls) watchTlsErrors(this.server.server, this.logger);
    const { host, port } = this.config.server;
    try {
      await this.server.listen({ host, port });
    } catch (err) {
      await this.server.close().catch(() => undefined);
      throw new StartupError(`cannot listen on ${host}:${port}: ${listenFailure(err)}`);
    }
    const url = this.url();
    this.logger.info({ url, version: VERSION, storage: this.store.kind, peers: this.peers.definitions().length }, 'node started');
    this.trust.logKey();
    this.peers.start();
    this.notify.start();
    await this.runMaintenance();
    this.maintenanceTimer = setInterval(() => void this.runMaintenance(), this.config.storage.cleanup.interval_minutes * 60_000);
    // Refused authentications are logged once per kind and minute; the repeats in one line a minute.
    this.summaryTimer = setInterval(() => this.inbound.authFailures.summarize(), 60_000);
    this.summaryTimer.unref();
    return url;
  }

  /** TCA expiry and retention; runs at start and every `storage.cleanup.interval_minutes`. */
  async runMaintenance(): Promise<void> {
    const cleanup = this.config.storage.cleanup;
    try {
      const report = runLifecycle(
        this.router,
        this.store,
        {
          enabled: cleanup.enabled,
          cdmRetentionHours: cleanup.cdm_retention_hours,
          objectRetentionHours: cleanup.object_retention_hours,
          auditRetentionHours: this.config.audit.retention_hours,
        },
        this.now(),
      );
      await this.store.durable();
      if (Object.values(report).some((n) => n > 0)) this.logger.info(report, 'maintenance done');
    } catch (err) {
      this.logger.error({ err }, 'maintenance failed');
    }
  }

  /**
   * Re-reads the configuration file (SIGHUP, `POST /admin/reload`) and applies what can
   * change while running: peers, policies, tokens, log level, TLS certificates, protocol
   * timings. An invalid file is refused and the running configuration stays.
   */
  async reload(): Promise<ReloadResult> {
    if (this.configPath === undefined) return this.refuseReload(['the node runs on built-in defaults: there is no configuration file to reload']);
    const loaded = loadConfig(this.configPath, process.env);
    if (!loaded.ok) return this.refuseReload(loaded.errors);
    const { config, needsRestart } = mergeReload(this.config, loaded.config);
    const tls = loadTlsMaterial(config);
    if (!tls.ok) return this.refuseReload(tls.errors);
    const peerTls = peerTlsProblems(config);
    if (peerTls.length > 0) return this.refuseReload(peerTls);

    let trustChanges: string[];
    try {
      trustChanges = this.trust.reload(config, new Set(config.peers.filter((p) => p.accept_hello_keys).map((p) => p.id)));
    } catch (err) {
      if (err instanceof TrustSetupError) return this.refuseReload([err.message]);
      throw err;
    }
    const previous = this.config;
    this.config = config;
    this.auth.replace(config.api.auth.tokens);
    this.logger.level = config.logging.level;
    this.router.setMaxHopCount(config.protocol.max_hop_count);
    this.peers.reconfigureRateLimits(config.protocol.rate_limit);
    const tlsChanged = tls.material !== undefined && !sameTls(tls.material, this.tls);
    if (tls.material && tlsChanged) {
      this.tls = tls.material;
      (this.server?.server as unknown as { setSecureContext?(options: object): void } | undefined)?.setSecureContext?.(tls.material);
      this.peers.refreshTransports();
    }
    const peers = await this.peers.reconcile(config.peers);
    const changes = [
      ...peers.added.map((id) => `peer ${id} added`),
      ...peers.changed.map((id) => `peer ${id} changed`),
      ...peers.removed.map((id) => `peer ${id} removed`),
      ...(tlsChanged ? ['TLS certificates replaced'] : []),
      ...trustChanges,
      ...(previous.logging.level !== config.logging.level ? [`log level ${config.logging.level}`] : []),
      ...(JSON.stringify(previous.api.auth) !== JSON.stringify(config.api.auth) ? ['API tokens replaced'] : []),
    ];
    for (const warning of [...loaded.warnings, ...configWarnings(config)]) this.logger.warn({ warning }, 'configuration warning');
    if (needsRestart.length > 0) this.logger.warn({ keys: needsRestart }, 'configuration change needs a restart; running values kept');
    this.logger.info({ changes, not_applied: needsRestart }, 'configuration reloaded');
    return { ok: true, changes, not_applied: needsRestart };
  }

  private refuseReload(errors: string[]): ReloadResult {
    this.logger.error({ errors }, 'configuration reload refused; the running configuration stays');
    return { ok: false, errors };
  }

  /**
   * Stops accepting, waits (up to `server.timeouts.request_seconds`) for the requests in
   * flight to be answered, then ends the connections that stay open: idle keep-alive and
   * HTTP/2 sessions of peers, and stalled clients.
   */
  private async closeServer(): Promise<void> {
    if (!this.server) return;
    const closing = this.server.close();
    const deadline = Date.now() + this.config.server.timeouts.request_seconds * 1000;
    while ((this.connections?.inFlight() ?? 0) > 0 && Date.now() < deadline) await delay(20);
    if ((this.connections?.inFlight() ?? 0) > 0) this.logger.warn({ in_flight: this.connections?.inFlight() }, 'requests still unanswered at stop: connections closed');
    this.connections?.destroyAll();
    await closing;
  }

  url(): string {
    const address = this.server?.server.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('node is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${this.config.server.tls.enabled ? 'https' : 'http'}://${host}:${address.port}`;
  }

  /** Stops accepting, lets in-flight requests finish, closes the store. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('node stopping');
      if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
      // Streams never end on their own: they are ended first, so that the server can close.
      await this.notify.stop();
      if (this.summaryTimer) clearInterval(this.summaryTimer);
      this.inbound.authFailures.summarize();
      await this.closeServer();
      const drainMs = this.config.protocol.shutdown_drain_seconds * 1000;
      if (!(await this.peers.drain(drainMs))) this.logger.warn({ queued: this.peers.queueDepth(), waited_ms: drainMs }, 'peer queues not drained before stop');
      // PROTOCOL.md section 4: peers mark the session disconnected at once instead of waiting for the timeout.
      await this.peers.sayGoodbye('node stopping', GOODBYE_TIMEOUT_MS);
      await this.peers.stop();
      await this.trust.stop();
      await this.store.close();
      this.logger.info('node stopped');
      this.logger.flush();
    })();
    return this.stopping;
  }
}

function listenFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return 'address already in use';
  if (code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (code === 'EADDRNOTAVAIL') return 'address not available on this machine';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name does not resolve';
  return (err as Error).message;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sameTls(a: TlsMaterial, b: TlsMaterial | undefined): boolean {
  const same = (x: Buffer | undefined, y: Buffer | undefined) => (x === undefined || y === undefined ? x === y : x.equals(y));
  return b !== undefined && same(a.cert, b.cert) && same(a.key, b.key) && same(a.ca, b.ca);
}

