import type { PeerEntry } from '../config/schema.js';
import { policyWidened } from '../routing/policy.js';
import type { Neighbour, Neighbours } from '../routing/router.js';
import type { TableMessage } from '../routing/table.js';
import type { PeerDirectory, SyncRequestOutcome } from './directory.js';
import type { PeerDefinition, PeerRegistry, PeerView } from './registry.js';
import type { RateLimitSettings } from './rate-limit.js';
import { PeerSession, type SessionDeps } from './session.js';

/** How long a GOODBYE may take before the peering is ended anyway. */
export const GOODBYE_TIMEOUT_MS = 1000;

/** All sessions of a node: the peers directory of the REST API and the neighbours of the router. */
export class PeerManager implements PeerDirectory, Neighbours {
  private readonly sessions = new Map<string, PeerSession>();
  private started = false;

  constructor(
    private readonly registry: PeerRegistry,
    private readonly deps: SessionDeps,
  ) {
    for (const peer of registry.list()) this.sessions.set(peer.peer_id, new PeerSession(peer, deps));
  }

  start(): void {
    this.started = true;
    for (const session of this.sessions.values()) session.start();
  }

  /** Waits until every connected peer's queue and sync is empty, or the time is up; true when drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const busy = () => [...this.sessions.values()].some((s) => s.connected && s.busy);
    while (busy()) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return true;
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.sessions.values()].map((s) => s.stop()));
  }

  session(peerId: string): PeerSession | undefined {
    return this.sessions.get(peerId);
  }

  definitions(): PeerDefinition[] {
    return this.registry.list();
  }

  connected(): Neighbour[] {
    const out: Neighbour[] = [];
    for (const s of this.sessions.values()) {
      if (s.connected) out.push({ peer_id: s.id, policies: s.peer.policies, ...(s.capabilities ? { capabilities: s.capabilities } : {}) });
    }
    return out;
  }

  enqueue(peerId: string, message: TableMessage): void {
    this.sessions.get(peerId)?.enqueue(message);
  }

  views(): PeerView[] {
    return [...this.sessions.values()].map((s) => s.view());
  }

  connectedCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.connected) n++;
    return n;
  }

  failingCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.established && s.delivery.state === 'failing') n++;
    return n;
  }

  async requestSync(id: string, reason: string): Promise<SyncRequestOutcome> {
    const session = this.sessions.get(id);
    if (!session) return { ok: false, reason: 'not_found' };
    if (!session.connected) return { ok: false, reason: 'not_connected' };
    return { ok: true, method: await session.requestSync(reason) };
  }

  /** GOODBYE to every peer that supports it, in parallel, each bounded by `timeoutMs` (graceful stop). */
  async sayGoodbye(reason: string, timeoutMs: number): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.sayGoodbye(reason, timeoutMs)));
  }

  queueDepth(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.queueDepth;
    return n;
  }

  add(peer: Omit<PeerDefinition, 'origin'>): boolean {
    if (!this.registry.add(peer)) return false;
    const definition = this.registry.get(peer.peer_id) as PeerDefinition;
    const session = new PeerSession(definition, this.deps);
    this.sessions.set(peer.peer_id, session);
    if (this.started) session.start();
    return true;
  }

  /** Applies a reloaded configuration's peers; unchanged peers keep their sessions. */
  async reconcile(configured: PeerEntry[]): Promise<{ added: string[]; changed: string[]; removed: string[] }> {
    const diff = this.registry.reconcile(configured);
    for (const id of diff.removed) await this.end(id, 'peering removed from the configuration');
    for (const peer of diff.changed) {
      const session = this.sessions.get(peer.peer_id);
      if (!session) continue;
      const before = session.peer.policies;
      session.redefine(peer);
      // Section 8: policy changes apply to the table already held.
      if (policyWidened('forward', before, peer.policies)) session.exportWidened();
      if (policyWidened('accept', before, peer.policies) && session.connected) void session.requestSync('import policy widened');
    }
    for (const peer of diff.added) {
      const session = new PeerSession(peer, this.deps);
      this.sessions.set(peer.peer_id, session);
      if (this.started) session.start();
    }
    return { added: diff.added.map((p) => p.peer_id), changed: diff.changed.map((p) => p.peer_id), removed: diff.removed };
  }

  /** New TLS material for every peer reached over https (reload). */
  refreshTransports(): void {
    for (const session of this.sessions.values()) if (session.peer.address.startsWith('https:')) session.refreshTransport();
  }

  /** New rate limits for every session (reload). */
  reconfigureRateLimits(settings: RateLimitSettings): void {
    for (const session of this.sessions.values()) session.rateLimit.reconfigure(settings);
  }

  /** Says GOODBYE, ends the session and stops its retries; forgets what was sent to the peer. */
  async remove(id: string): Promise<boolean> {
    const removed = this.registry.remove(id);
    await this.end(id, 'peering removed');
    return removed !== undefined;
  }

  private async end(id: string, reason: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    if (!session) return;
    await session.sayGoodbye(reason, GOODBYE_TIMEOUT_MS);
    await session.stop();
    this.deps.store.forgetSent(id);
  }
}
