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

/** The node's origin keys as the API shows and uses them (PROTOCOL.md section 10). */
export interface KeyDirectory {
  /** `GET /keys`: this node's keys and the origin keys it trusts; never a private key. */
  view(): object;
  /** Whether this node may change a record that `origin` announced: its own, as a configured delegate, or not. */
  authorityOver(origin: string): 'origin' | 'delegate' | 'not_origin';
}

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
  keys: KeyDirectory;
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
