import { Counter, Gauge, type Registry } from 'prom-client';
import type { Agent } from 'undici';
import { loadUndici } from '../http-client.js';
import type { Config } from '../config/schema.js';
import type { ChangeFilter } from '../store/changes.js';
import type { Store } from '../store/store.js';
import { ChangeHub } from './hub.js';
import type { RecorderOptions } from './recorder.js';
import { ChangeStream } from './stream.js';
import { Subscriptions } from './subscriptions.js';

/** How often the change log is trimmed to its retention and size, ms. */
const TRIM_INTERVAL_MS = 60_000;

export interface NotifierLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

export interface NotifierDeps {
  /** The store whose change log is told (its writes are recorded by `recordingChanges`). */
  store: Store;
  config(): Config;
  logger: NotifierLog;
  version: string;
  now(): Date;
}

/**
 * Everything that tells operators of changes: the hub over the store's change log, the live
 * stream clients and the webhook subscriptions, their metrics and the log's trimming.
 */
export class Notifier {
  readonly hub: ChangeHub;
  readonly subscriptions: Subscriptions;
  private readonly streams = new Set<ChangeStream>();
  /** Made at the first webhook delivery, so that a node without subscriptions never loads the HTTP client. */
  private dispatcher: Promise<Agent> | undefined;
  private trimTimer: NodeJS.Timeout | undefined;
  private deliveries: Counter<'outcome'> | undefined;
  private streamsCut: Counter | undefined;

  constructor(private readonly deps: NotifierDeps) {
    this.hub = new ChangeHub({
      changes: deps.store.changes,
      durable: () => deps.store.durable(),
      onError: (err) => deps.logger.error({ err }, 'changes not told: their write failed'),
    });
    const settings = () => deps.config().subscriptions;
    this.subscriptions = new Subscriptions(deps.store.subscriptions, this.hub, () => ({ max: settings().max, allowedHosts: settings().allowed_hosts }), {
      dispatcher: () => (this.dispatcher ??= loadUndici().then(({ Agent }) => new Agent({ connect: { timeout: settings().request_timeout_seconds * 1000 }, connections: 4 }))),
      settings: () => ({
        retryMaxHours: settings().retry_max_hours,
        retryMinMs: settings().retry_min_seconds * 1000,
        retryCapMs: settings().retry_cap_seconds * 1000,
        timeoutMs: settings().request_timeout_seconds * 1000,
      }),
      log: deps.logger,
      counted: (outcome) => this.deliveries?.inc({ outcome }),
      userAgent: `spacecomms/${deps.version}`,
      now: deps.now,
    });
  }

  /** What `recordingChanges` needs: the alert levels, the clock, and the hub to tell. */
  recorderOptions(): RecorderOptions {
    return { levels: () => this.deps.config().alerts.levels, now: this.deps.now, appended: (seq) => this.hub.appended(seq) };
  }

  /** Registers the metrics: subscribers connected, deliveries by outcome, oldest undelivered age. */
  registerMetrics(registry: Registry): void {
    const registers = [registry];
    const read = (f: () => number) => ({ registers, collect(this: Gauge) { this.set(f()); } });
    new Gauge({ name: 'spacecomms_stream_clients_connected', help: 'Clients connected to GET /events/stream', ...read(() => this.streams.size) });
    new Gauge({ name: 'spacecomms_subscriptions_active', help: 'Webhook subscriptions still delivering', ...read(() => this.subscriptions.countByStatus().active) });
    new Gauge({ name: 'spacecomms_subscriptions_failed', help: 'Webhook subscriptions marked failed', ...read(() => this.subscriptions.countByStatus().failed) });
    new Gauge({
      name: 'spacecomms_webhook_oldest_undelivered_seconds',
      help: 'Age of the oldest change waiting for delivery to a webhook receiver',
      ...read(() => this.subscriptions.oldestUndeliveredSeconds(Date.now())),
    });
    this.deliveries = new Counter({ name: 'spacecomms_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome (delivered, retried, failed)', labelNames: ['outcome'], registers });
    this.streamsCut = new Counter({ name: 'spacecomms_stream_clients_cut_total', help: 'Stream clients disconnected for not reading', registers });
  }

  /** Starts webhook delivery and the log's trimming. */
  start(): void {
    this.trim();
    this.trimTimer = setInterval(() => this.trim(), TRIM_INTERVAL_MS);
    this.trimTimer.unref();
    this.subscriptions.start();
  }

  /** A new stream client: SSE text of the changes after `lastEventId` (or from now) that pass the filter. */
  openStream(filter: ChangeFilter, lastEventId: number | undefined, log: NotifierLog, client: string): ChangeStream {
    const s = this.deps.config().subscriptions;
    const stream: ChangeStream = new ChangeStream(this.hub, {
      filter,
      ...(lastEventId !== undefined ? { lastEventId } : {}),
      heartbeatMs: s.stream_heartbeat_seconds * 1000,
      bufferBytes: s.stream_buffer_bytes,
      stallMs: s.stream_stall_seconds * 1000,
      onEnd: (reason) => {
        this.streams.delete(stream);
        if (reason !== 'too_slow') return;
        this.streamsCut?.inc();
        log.warn({ client, buffer_bytes: s.stream_buffer_bytes, stalled_seconds: s.stream_stall_seconds }, 'stream client too slow: disconnected');
      },
    });
    this.streams.add(stream);
    return stream;
  }

  /** Deletes changes past their retention (keeping those a webhook still needs) and beyond the size bound. */
  trim(): void {
    const s = this.deps.config().subscriptions;
    const before = new Date(this.deps.now().getTime() - s.log_retention_hours * 3_600_000).toISOString();
    try {
      const removed = this.deps.store.changes.trim(before, s.log_max_entries, this.subscriptions.minActiveCursor());
      if (removed > 0) this.deps.logger.info({ removed }, 'change log trimmed');
    } catch (err) {
      this.deps.logger.error({ err }, 'change log trim failed');
    }
  }

  /** Ends every stream (so that the server can close) and stops webhook delivery. */
  async stop(): Promise<void> {
    if (this.trimTimer) clearInterval(this.trimTimer);
    for (const stream of [...this.streams]) stream.end('closed');
    this.subscriptions.stop();
    if (this.dispatcher) await (await this.dispatcher).close().catch(() => undefined);
  }
}
