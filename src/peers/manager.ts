import type { PeerDirectory } from '../api/context.js';
import type { PeerEntry } from '../config/schema.js';
import type { Neighbour, Neighbours } from '../routing/router.js';
import type { TableMessage } from '../routing/table.js';
import type { PeerDefinition, PeerRegistry, PeerView } from './registry.js';
import { PeerSession, type SessionDeps } from './session.js';

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
    for (const s of this.sessions.values()) if (s.connected) out.push({ peer_id: s.id, policies: s.peer.policies });
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
    for (const id of diff.removed) {
      const session = this.sessions.get(id);
      this.sessions.delete(id);
      await session?.stop();
    }
    for (const peer of diff.changed) this.sessions.get(peer.peer_id)?.redefine(peer);
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
  reconfigureRateLimits(perSecond: number, burst: number): void {
    for (const session of this.sessions.values()) session.bucket.reconfigure(perSecond, burst);
  }

  /** Ends the session at once and stops its retries. */
  remove(id: string): boolean {
    const removed = this.registry.remove(id);
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    void session?.stop();
    return removed !== undefined;
  }
}
