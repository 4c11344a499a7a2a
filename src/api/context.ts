import type { Config } from '../config/schema.js';
import type { EventIndex } from '../events/index.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Notifier } from '../notify/index.js';
import type { InboundHandler } from '../peers/inbound.js';
import type { PeerDirectory } from '../peers/directory.js';
import type { Router } from '../routing/router.js';
import type { Store } from '../store/store.js';
import type { TokenAuthenticator } from './auth.js';

export type { PeerDirectory } from '../peers/directory.js';

/** What the HTTP layer is given by the composition root; it owns none of it. */
export interface ApiContext {
  config(): Config;
  store: Store;
  /** Conjunction events of the store's CDMs. */
  events: EventIndex;
  router: Router;
  /** The change log's readers: live stream and webhook subscriptions. */
  notify: Notifier;
  peers: PeerDirectory;
  auth: TokenAuthenticator;
  /** The receiving side of the peer protocol; the HTTP layer only carries its answers. */
  protocol: InboundHandler;
  metrics: Metrics;
  logger: Logger;
  version: string;
  startedAt: Date;
  now(): Date;
  /** Re-reads the configuration file and applies what can change while running. */
  reload(): Promise<ReloadResult>;
}

export type ReloadResult = { ok: true; changes: string[] } | { ok: false; errors: string[] };
