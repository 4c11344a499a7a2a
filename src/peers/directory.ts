import type { PeerDefinition, PeerView } from './registry.js';

/** What asking a peer for its full table came to. */
export type SyncRequestOutcome =
  | { ok: true; method: 'SYNC_REQUEST' | 'HELLO' }
  | { ok: false; reason: 'not_found' | 'not_connected' };

/** The peers as the REST API sees them: their state, and changes by an admin. */
export interface PeerDirectory {
  views(): PeerView[];
  connectedCount(): number;
  /** Peers with a session whose own sends fail (health is degraded while any does). */
  failingCount(): number;
  add(peer: Omit<PeerDefinition, 'origin'>): boolean;
  remove(id: string): Promise<boolean>;
  /** Route refresh: SYNC_REQUEST (1.1), or a new HELLO with a 1.0 peer. */
  requestSync(id: string, reason: string): Promise<SyncRequestOutcome>;
}
