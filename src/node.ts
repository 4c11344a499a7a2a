import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { TokenAuthenticator } from './api/auth.js';
import { buildServer } from './api/server.js';
import { loadTlsMaterial } from './config/files.js';
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { InboundHandler } from './peers/inbound.js';
import { PeerManager } from './peers/manager.js';
import { PeerRegistry } from './peers/registry.js';
import { PeerTransport } from './peers/transport.js';
import { Router } from './routing/router.js';
import { runLifecycle } from './routing/lifecycle.js';
import { MemoryStore } from './store/memory.js';
import { openSqliteStore } from './store/sqlite/index.js';
import type { Store } from './store/store.js';
import { VERSION } from './version.js';

/** A start-up failure with the one line an operator needs to see. */
export class StartupError extends Error {}

export interface NodeOptions {
  logger?: Logger;
  now?: () => Date;
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
  readonly metrics: Metrics;
  readonly router: Router;
  readonly peers: PeerManager;
  private readonly inbound: InboundHandler;
  private server: FastifyInstance | undefined;
  private readonly now: () => Date;
  private config: Config;
  private stopping: Promise<void> | undefined;
  private maintenanceTimer: NodeJS.Timeout | undefined;

  constructor(config: Config, options: NodeOptions = {}) {
    this.config = config;
    this.now = options.now ?? (() => new Date());
    this.logger =
      options.logger ??
      createLogger({ level: config.logging.level, format: config.logging.format, output: config.logging.output, nodeId: config.node.id });
    this.store = openStore(config);
    this.router = new Router({
      nodeId: config.node.id,
      maxHopCount: config.protocol.max_hop_count,
      store: this.store,
      now: this.now,
      log: this.logger,
      seen: { maxEntries: config.protocol.seen_cache_size, maxAgeMs: config.protocol.seen_cache_ttl_seconds * 1000 },
      tcaGraceMs: config.protocol.tca_grace_minutes * 60_000,
    });
    this.metrics = new Metrics({
      peersConnected: () => this.peers.connectedCount(),
      queueDepth: () => this.peers.queueDepth(),
      cdmsActive: () => this.store.countActiveCdms(),
      objectsTracked: () => this.store.countActiveObjects(),
    });
    this.peers = new PeerManager(new PeerRegistry(config.peers, this.store, this.now), {
      nodeId: config.node.id,
      nodeName: () => this.config.node.name ?? this.config.node.id,
      protocol: () => this.config.protocol,
      store: this.store,
      logger: this.logger,
      metrics: this.metrics,
      now: this.now,
      transport: (peer) =>
        new PeerTransport({
          address: peer.address,
          nodeId: config.node.id,
          authToken: () => peer.auth_token,
          connections: this.config.protocol.max_in_flight,
          timeoutMs: this.config.protocol.request_timeout_seconds * 1000,
        }),
    });
    this.router.setNeighbours(this.peers);
    this.inbound = new InboundHandler({
      nodeId: config.node.id,
      manager: this.peers,
      router: this.router,
      store: this.store,
      logger: this.logger,
      metrics: this.metrics,
      now: this.now,
    });
  }

  /** Listens on the configured address; resolves with the URL the node answers on. */
  async start(): Promise<string> {
    const tls = loadTlsMaterial(this.config);
    if (!tls.ok) throw new StartupError(tls.errors.join('; '));
    const startedAt = this.now();
    this.server = await buildServer(
      {
        config: () => this.config,
        store: this.store,
        router: this.router,
        peers: this.peers,
        protocol: this.inbound,
        auth: new TokenAuthenticator(this.config.api.auth.tokens),
        metrics: this.metrics,
        logger: this.logger,
        version: VERSION,
        startedAt,
        now: this.now,
      },
      tls.material
        ? { https: { cert: tls.material.cert, key: tls.material.key, ...(tls.material.ca ? { ca: tls.material.ca } : {}), requestCert: this.config.server.tls.require_client_cert } }
        : {},
    );
    const { host, port } = this.config.server;
    try {
      await this.server.listen({ host, port });
    } catch (err) {
      await this.server.close().catch(() => undefined);
      throw new StartupError(`cannot listen on ${host}:${port}: ${listenFailure(err)}`);
    }
    const url = this.url();
    this.logger.info({ url, version: VERSION, storage: this.store.kind, peers: this.peers.definitions().length }, 'node started');
    this.peers.start();
    await this.runMaintenance();
    this.maintenanceTimer = setInterval(() => void this.runMaintenance(), this.config.storage.cleanup.interval_minutes * 60_000);
    return url;
  }

  /** TCA expiry and retention; runs at start and every `storage.cleanup.interval_minutes`. */
  async runMaintenance(): Promise<void> {
    const cleanup = this.config.storage.cleanup;
    try {
      const report = runLifecycle(
        this.router,
        this.store,
        { enabled: cleanup.enabled, cdmRetentionHours: cleanup.cdm_retention_hours, objectRetentionHours: cleanup.object_retention_hours },
        this.now(),
      );
      await this.store.durable();
      if (report.tca_expired + report.cdms_purged + report.objects_purged > 0) this.logger.info(report, 'maintenance done');
    } catch (err) {
      this.logger.error({ err }, 'maintenance failed');
    }
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
      await this.server?.close();
      await this.peers.stop();
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
