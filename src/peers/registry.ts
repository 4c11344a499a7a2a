import { peerAddressProblem } from '../config/peer-address.js';
import type { PeerEntry } from '../config/schema.js';
import { canonicalJson } from '../model/canonical.js';
import type { PeerPolicies } from '../protocol/policies.js';
import type { Store } from '../store/store.js';

export type SessionStatus = 'connecting' | 'connected' | 'disconnected';

export interface PeerDefinition {
  peer_id: string;
  address: string;
  auth_token?: string;
  policies: PeerPolicies;
  /** TLS expectations of this peer (configuration only). */
  tls?: { ca_path?: string; server_name?: string };
  /** Where its messages may come from; empty: anywhere. */
  allowed_networks?: string[];
  /** Take the public keys the peer lists in its HELLO (PROTOCOL.md section 10). */
  accept_hello_keys?: boolean;
  /** `config`: from the configuration file; `api`: added with `POST /peers` and kept in the store. */
  origin: 'config' | 'api';
}

/** What `GET /peers` shows of a peer; never its token. */
export interface PeerView {
  peer_id: string;
  address: string;
  status: SessionStatus;
  last_heartbeat: string | null;
  heartbeat_latency_ms: number | null;
  messages_sent: number;
  messages_received: number;
  /** Messages waiting in this peer's send queue. */
  queue_depth: number;
  negotiated_version: string | null;
  /** Why the session is down, or `delivery failing: ...` while our own sends to the peer fail. */
  error: string | null;
  /** Whether our own sends reach the peer: `ok`, `unverified` (not yet tried), `failing`; null without a session. */
  delivery: 'ok' | 'unverified' | 'failing' | null;
  /** The families the peer listed in its HELLO. */
  capabilities: readonly string[] | null;
  /** The 1.1 features both sides listed. */
  features: string[];
  /** Messages the peer refused with 400 and that were dropped, and the last of them. */
  messages_refused: number;
  last_refused: { message_id: string; reason: string; at: string } | null;
  policies: PeerPolicies;
}

export function fromConfig(entry: PeerEntry): PeerDefinition {
  return {
    peer_id: entry.id,
    address: entry.address,
    ...(entry.auth_token !== undefined ? { auth_token: entry.auth_token } : {}),
    policies: entry.policies,
    ...(entry.tls !== undefined ? { tls: entry.tls } : {}),
    ...(entry.allowed_networks.length > 0 ? { allowed_networks: entry.allowed_networks } : {}),
    ...(entry.accept_hello_keys ? { accept_hello_keys: true } : {}),
    origin: 'config',
  };
}

/** The peers a node knows: those of the configuration and those added at run time. */
export class PeerRegistry {
  private readonly peers = new Map<string, PeerDefinition>();

  constructor(
    configured: PeerEntry[],
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
    /** Told of a stored peer that is skipped because its address cannot be used. */
    onUnusable: (peerId: string, problem: string) => void = () => {},
    /** Seals tokens of peers added through the API before they are stored, and opens them at start. */
    private readonly secrets?: { seal(plain: string): string; open(sealed: string): string; isSealed(text: string): boolean },
  ) {
    for (const entry of configured) this.peers.set(entry.id, fromConfig(entry));
    for (const stored of store.listPeers()) {
      if (this.peers.has(stored.peer_id)) continue;
      const problem = peerAddressProblem(stored.address);
      if (problem) {
        onUnusable(stored.peer_id, `address ${JSON.stringify(stored.address)} ${problem}`);
        continue;
      }
      const { added_at: _addedAt, ...definition } = stored;
      let token = stored.auth_token;
      if (token !== undefined && this.secrets?.isSealed(token)) {
        try {
          token = this.secrets.open(token);
        } catch (err) {
          onUnusable(stored.peer_id, `auth_token ${(err as Error).message}`);
          continue;
        }
      }
      this.peers.set(stored.peer_id, { ...definition, ...(token !== undefined ? { auth_token: token } : {}), origin: 'api' });
    }
  }

  list(): PeerDefinition[] {
    return [...this.peers.values()];
  }

  get(id: string): PeerDefinition | undefined {
    return this.peers.get(id);
  }

  /** Adds a peer at run time and keeps it in the store; false when the id is taken. */
  add(peer: Omit<PeerDefinition, 'origin'>): boolean {
    if (this.peers.has(peer.peer_id)) return false;
    const definition: PeerDefinition = { ...peer, origin: 'api' };
    this.peers.set(peer.peer_id, definition);
    const sealed = peer.auth_token !== undefined && this.secrets ? { auth_token: this.secrets.seal(peer.auth_token) } : {};
    this.store.putPeer({ ...peer, ...sealed, added_at: this.now().toISOString() });
    return true;
  }

  /**
   * Takes a new configuration's peers (reload): configured peers that are gone are
   * removed, new ones added, changed ones replaced. Peers added through the API stay
   * unless the configuration now defines the same id, which then wins.
   */
  reconcile(configured: PeerEntry[]): { added: PeerDefinition[]; changed: PeerDefinition[]; removed: string[] } {
    const next = new Map(configured.map((entry) => [entry.id, fromConfig(entry)]));
    const result = { added: [] as PeerDefinition[], changed: [] as PeerDefinition[], removed: [] as string[] };
    for (const [id, peer] of this.peers) {
      if (peer.origin === 'config' && !next.has(id)) {
        this.peers.delete(id);
        result.removed.push(id);
      }
    }
    for (const [id, definition] of next) {
      const existing = this.peers.get(id);
      if (!existing) result.added.push(definition);
      else if (canonicalJson(existing) !== canonicalJson(definition)) result.changed.push(definition);
      this.peers.set(id, definition);
    }
    return result;
  }

  remove(id: string): PeerDefinition | undefined {
    const peer = this.peers.get(id);
    if (!peer) return undefined;
    this.peers.delete(id);
    this.store.deletePeer(id);
    return peer;
  }
}
