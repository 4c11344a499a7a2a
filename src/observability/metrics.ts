import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  peersConnected(): number;
  queueDepth(): number;
  cdmsActive(): number;
  objectsTracked(): number;
}

const ERROR_WINDOW_MS = 5 * 60 * 1000;

/** One spelling per code in the metrics: lower snake case, whether the code came from the REST API (`internal_error`) or the peer protocol (`INTERNAL_ERROR`). */
export function metricCode(code: string): string {
  return code.toLowerCase();
}

/** The node's Prometheus metrics (names fixed by the operations runbook). */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesReceived: Counter<'type' | 'peer'>;
  readonly messagesSent: Counter<'type' | 'peer'>;
  readonly errors: Counter<'code'>;
  readonly messagesRefused: Counter<'peer'>;
  /** Origin signature checks of received table messages (PROTOCOL.md section 10). */
  readonly originSignatures: Counter<'origin' | 'outcome'>;
  readonly cdmProcessingTime: Histogram;
  readonly heartbeatLatency: Gauge<'peer'>;
  private readonly window: { at: number; messages: number; errors: number }[] = [];

  constructor(
    sources: MetricsSources,
    private readonly now: () => number = Date.now,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
    gauge('spacecomms_peers_connected', 'Peers with an established session', () => sources.peersConnected());
    gauge('spacecomms_message_queue_depth', 'Messages waiting in all peer queues', () => sources.queueDepth());
    gauge('spacecomms_cdms_active', 'Active (not withdrawn) CDMs in the table', () => sources.cdmsActive());
    gauge('spacecomms_objects_tracked', 'Active objects in the table', () => sources.objectsTracked());
    gauge('spacecomms_error_rate', 'Failures of the node\'s own work (internal errors, full disk, peer protocol errors, failed deliveries) divided by messages over the last 5 minutes; clients\' 4xx are not counted', () => this.errorRate(this.now()));
    this.heartbeatLatency = new Gauge({ name: 'spacecomms_heartbeat_latency_ms', help: 'Round-trip time of the last heartbeat', labelNames: ['peer'], registers });
    this.messagesReceived = new Counter({ name: 'spacecomms_messages_received_total', help: 'Messages received', labelNames: ['type', 'peer'], registers });
    this.messagesSent = new Counter({ name: 'spacecomms_messages_sent_total', help: 'Messages sent', labelNames: ['type', 'peer'], registers });
    this.messagesRefused = new Counter({
      name: 'spacecomms_messages_refused_total',
      help: 'Messages a peer refused with 400 INVALID_MESSAGE; dropped, not retried',
      labelNames: ['peer'],
      registers,
    });
    this.originSignatures = new Counter({
      name: 'spacecomms_origin_signatures_total',
      help: 'Received table messages by origin and signature outcome: verified, unsigned, unverified (accepted in log mode), refused (enforce)',
      labelNames: ['origin', 'outcome'],
      registers,
    });
    this.errors = new Counter({ name: 'spacecomms_errors_total', help: 'Errors by code', labelNames: ['code'], registers });
    this.cdmProcessingTime = new Histogram({
      name: 'spacecomms_cdm_processing_time_ms',
      help: 'Time from receipt of a CDM to stored and queued',
      buckets: [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
      registers,
    });
  }

  countMessage(): void {
    this.bucket().messages++;
  }

  /**
   * A failure of the node's own work: an internal error, a full disk, a protocol error on
   * the peer endpoint, a delivery to a peer that failed. Counted in
   * `spacecomms_errors_total` and in `spacecomms_error_rate`.
   */
  countError(code: string): void {
    this.errors.inc({ code: metricCode(code) });
    this.bucket().errors++;
  }

  /**
   * A client's mistake answered with a 4xx (bad input, no token, rate limited): counted in
   * `spacecomms_errors_total` by code, but not in `spacecomms_error_rate`, which tells
   * the operator how the node itself is doing.
   */
  countClientError(code: string): void {
    this.errors.inc({ code: metricCode(code) });
  }

  private bucket(): { at: number; messages: number; errors: number } {
    const minute = Math.floor(this.now() / 60_000) * 60_000;
    let last = this.window[this.window.length - 1];
    if (!last || last.at !== minute) {
      last = { at: minute, messages: 0, errors: 0 };
      this.window.push(last);
      while (this.window.length > 6) this.window.shift();
    }
    return last;
  }

  private errorRate(now: number): number {
    let messages = 0;
    let errors = 0;
    for (const b of this.window) {
      if (now - b.at > ERROR_WINDOW_MS) continue;
      messages += b.messages;
      errors += b.errors;
    }
    return messages === 0 ? 0 : errors / messages;
  }
}
