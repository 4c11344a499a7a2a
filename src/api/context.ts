import type { Config } from '../config/schema.js';
import type { EventIndex } from '../events/index.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
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

/** `not_applied`: restart-only keys that changed in the file and keep their running values until a restart. */
export type ReloadResult = { ok: true; changes: string[]; not_applied?: string[] } | { ok: false; errors: string[] };
