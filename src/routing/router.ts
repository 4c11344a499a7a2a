import { randomUUID } from 'node:crypto';
import { changed, type MergeOutcome, type SignatureCheck } from '../model/records.js';
import { PROTOCOL_VERSION, type Envelope } from '../protocol/envelope.js';
import type { PayloadByType } from '../protocol/messages.js';
import type { PeerPolicies } from '../protocol/policies.js';
import { formatUtcNanos, utcNanos } from '../protocol/time.js';
import type { Store } from '../store/store.js';
import { checkExport, checkPolicy, recordKey } from './policy.js';
import { SeenMessages } from './seen.js';
import { applyToTable, heldRecordFor, holdsMessage, originOf, type TableMessage, type TableMessageType } from './table.js';

/** A peer with an established session, as routing sees it. */
export interface Neighbour {
  peer_id: string;
  policies: PeerPolicies;
  /** The families the peer listed in its HELLO `capabilities`; absent: all. */
  capabilities?: readonly string[];
}

/** The peers layer, as routing uses it: who is connected, and a queue per peer. */
export interface Neighbours {
  connected(): Neighbour[];
  enqueue(peerId: string, message: TableMessage): void;
}

/** Structural logger (pino's satisfies it), so routing does not depend on the logging library. */
export interface DecisionLog {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
}

/**
 * Origin signatures (PROTOCOL.md section 10) as routing uses them; src/trust implements it.
 * `origin` is the held record's owner, undefined when the node holds no record yet.
 */
export interface OriginGuard {
  sign<T extends TableMessage>(message: T): T;
  ownCheck(message: TableMessage, origin: string | undefined, forced: boolean): SignatureCheck;
  inspect(message: TableMessage, origin: string | undefined, tcaExpiry: boolean): { check: SignatureCheck; refuse?: string };
}

/** Options of one local origination. */
export interface OriginateOptions {
  /** The operator forced a change of a record another node originated (`DELETE` with `force`). */
  forced?: boolean;
}

/** The check kept with the built-in TCA expiry withdrawal, which carries no signature (section 10). */
const TCA_EXPIRY_CHECK: SignatureCheck = { key_id: null, verified: false, result: 'tca_expiry', authority: 'origin', reason: 'TCA passed: every node withdraws by the same rule' };

export interface RouterOptions {
  nodeId: string;
  maxHopCount: number;
  store: Store;
  seen?: { maxEntries: number; maxAgeMs: number };
  /** A CDM whose TCA is this far in the past is withdrawn with reason TCA_PASSED (default one hour). */
  tcaGraceMs?: number;
  now?: () => Date;
  log?: DecisionLog;
  /** Signs originated messages and checks received ones; absent: messages are neither signed nor checked. */
  guard?: OriginGuard;
}

export interface Origination<T extends TableMessageType> {
  envelope: Envelope<T>;
  outcome: MergeOutcome;
  propagatedTo: string[];
}

export type ReceiveDecision =
  | { status: 'accepted'; outcome: MergeOutcome; forwardedTo: string[]; reason: string; signature?: SignatureCheck }
  | { status: 'duplicate' | 'filtered'; reason: string; signature?: SignatureCheck }
  | { status: 'refused'; reason: string; code?: 'INVALID_SIGNATURE'; signature?: SignatureCheck };

const silent: DecisionLog = { debug() {}, info() {} };

/** The envelope a node sends on: same id, origin and payload; one more hop, one less ttl, itself on the path. */
export function forwardedCopy<T extends TableMessage>(message: T, nodeId: string): T {
  return { ...message, hop_count: message.hop_count + 1, ttl: Math.max(message.ttl - 1, 0), path: [...(message.path ?? []), nodeId] };
}

/**
 * PROTOCOL.md section 6: every table message, local or from a peer, passes here. The
 * router decides whether it is new, whether it may enter, and who gets it next.
 */
export class Router {
  private readonly now: () => Date;
  private readonly log: DecisionLog;
  private readonly seen: SeenMessages;
  private neighbours: Neighbours = { connected: () => [], enqueue: () => undefined };

  constructor(private readonly options: RouterOptions) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? silent;
    const seen = options.seen ?? { maxEntries: 100_000, maxAgeMs: 3_600_000 };
    this.seen = new SeenMessages(seen.maxEntries, seen.maxAgeMs, () => this.now().getTime());
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  get store(): Store {
    return this.options.store;
  }

  setNeighbours(neighbours: Neighbours): void {
    this.neighbours = neighbours;
  }

  setMaxHopCount(value: number): void {
    this.options.maxHopCount = value;
  }

  envelope<T extends TableMessageType>(type: T, payload: PayloadByType[T]): Envelope<T> {
    return {
      protocol_version: PROTOCOL_VERSION,
      message_id: randomUUID(),
      timestamp: this.now().toISOString(),
      source_node_id: this.options.nodeId,
      message_type: type,
      hop_count: 0,
      ttl: this.options.maxHopCount,
      path: [this.options.nodeId],
      payload,
    } as Envelope<T>;
  }

  /** The node that owns the record this message would change (section 10), undefined when none is held. */
  originFor(message: TableMessage): string | undefined {
    return originOf(heldRecordFor(this.options.store, message));
  }

  /**
   * Local ingest: "received from self, hop 0", signed by this node (section 10). The
   * message is marked seen and queued to peers only once its write has committed
   * (`propagatedTo` names the peers it goes to then); a refused write leaves no trace.
   */
  originate<T extends TableMessageType>(type: T, payload: PayloadByType[T], options: OriginateOptions = {}): Origination<T> {
    const guard = this.options.guard;
    const unsigned = this.envelope(type, payload) as TableMessage;
    const envelope = (guard ? guard.sign(unsigned) : unsigned) as Envelope<T>;
    const message = envelope as TableMessage;
    const check = guard?.ownCheck(message, this.originFor(message), options.forced ?? false);
    const outcome = applyToTable(this.options.store, message, { received_from: this.nodeId, received_at: this.now().toISOString() }, check);
    const propagatedTo = changed(outcome) ? this.forward(message, undefined) : [];
    if (changed(outcome)) this.expireIfPassed(message);
    this.afterCommit(() => this.seen.add(envelope.message_id), message);
    const fields = { message_id: envelope.message_id, message_type: type, peer: this.nodeId, decision: changed(outcome) ? 'accepted' : outcome, reason: changed(outcome) ? 'originated here' : `table ${outcome}` };
    if (changed(outcome)) this.log.debug({ ...fields, forwarded_to: propagatedTo }, 'routing decision');
    else this.log.info(fields, 'routing decision');
    return { envelope, outcome, propagatedTo };
  }

  /**
   * Runs `effects` (marking seen, queueing to peers) once every write made so far has
   * committed; if that commit fails, they never run, so that a refused write is neither
   * remembered as seen nor forwarded. The store has undone the writes itself.
   */
  private afterCommit(effects: () => void, logged?: TableMessage): void {
    this.options.store.durable().then(effects, (err: unknown) => {
      if (!logged) return;
      this.log.info({ message_id: logged.message_id, message_type: logged.message_type, decision: 'not_committed', reason: (err as Error).message }, 'routing decision');
    });
  }

  /** A table message from neighbour `from`, already authenticated and validated (section 6, rules 3–7). */
  receive(message: TableMessage, from: Neighbour): ReceiveDecision {
    const decision = this.decide(message, from);
    const fields = { message_id: message.message_id, message_type: message.message_type, peer: from.peer_id, decision: decision.status, reason: decision.reason };
    if (decision.status === 'accepted' && decision.forwardedTo.length > 0) this.log.debug({ ...fields, forwarded_to: decision.forwardedTo }, 'routing decision');
    else if (decision.status === 'accepted') this.log.debug(fields, 'routing decision');
    else this.log.info(fields, 'routing decision');
    return decision;
  }

  private decide(message: TableMessage, from: Neighbour): ReceiveDecision {
    // Section 10: checked before the seen-set, so that a replay under a known message_id with
    // an altered payload is refused in `enforce` mode, not answered as a duplicate.
    const inspected = this.options.guard?.inspect(message, this.originFor(message), this.isTcaExpiry(message));
    if (inspected?.refuse !== undefined) return { status: 'refused', code: 'INVALID_SIGNATURE', reason: inspected.refuse, signature: inspected.check };
    const signature = inspected ? { signature: inspected.check } : {};
    const decision = this.route(message, from, inspected?.check);
    return { ...decision, ...signature } as ReceiveDecision;
  }

  private route(message: TableMessage, from: Neighbour, check: SignatureCheck | undefined): ReceiveDecision {
    // The seen-set only saves work: a message seen before whose record still holds it is a
    // duplicate; one the table no longer holds (filtered before, lost, restored from an old
    // backup) goes through the merge again, which is idempotent (route refresh relies on it).
    const seenBefore = this.seen.has(message.message_id);
    if (holdsMessage(this.options.store, message)) return { status: 'duplicate', reason: seenBefore ? 'message_id seen before' : 'the table holds this message' };
    if (message.hop_count > this.options.maxHopCount) {
      return { status: 'refused', reason: `hop_count ${message.hop_count} exceeds max_hop_count ${this.options.maxHopCount}` };
    }
    // Rule 3: a message that came round a loop is applied like any other (the merge rules are
    // joins, so an old copy cannot undo a newer state; a node rebuilt from an empty disk gets
    // its own withdrawals back this way), but it is never forwarded.
    const loop = message.source_node_id === this.nodeId || (message.path ?? []).includes(this.nodeId);
    const imported = checkPolicy('accept', from.policies, message, this.options.store);
    if (!imported.pass) return { status: 'filtered', reason: imported.reason };
    // The table keeps each record as this node sends it on: one hop more, one ttl less, itself on the path.
    const held = forwardedCopy(message, this.nodeId);
    const outcome = applyToTable(this.options.store, held, { received_from: from.peer_id, received_at: this.now().toISOString() }, check);
    this.afterCommit(() => this.seen.add(message.message_id), message);
    if (!changed(outcome)) return seenBefore ? { status: 'duplicate', reason: 'message_id seen before' } : { status: 'accepted', outcome, forwardedTo: [], reason: 'table unchanged' };
    this.expireIfPassed(held);
    if (loop) return { status: 'accepted', outcome, forwardedTo: [], reason: 'came back round a loop: applied, not forwarded' };
    return { status: 'accepted', outcome, forwardedTo: this.forward(held, from.peer_id), reason: 'table changed' };
  }

  /**
   * Section 7: every node withdraws a CDM whose TCA lies more than the grace behind the
   * present, by the same rule, so no message is sent. The withdrawal's effective time is
   * TCA + grace, the same on every node, so that their tables stay equal.
   */
  expirePassedTcas(batch = 1000): number {
    const cutoff = new Date(this.now().getTime() - this.tcaGraceMs).toISOString();
    let expired = 0;
    for (;;) {
      const due = this.options.store.activeCdmsWithTcaBefore(cutoff, batch);
      for (const record of due) if (record.announce && this.expireIfPassed(record.announce)) expired++;
      if (due.length < batch) return expired;
    }
  }

  private get tcaGraceMs(): number {
    return this.options.tcaGraceMs ?? 3_600_000;
  }

  /**
   * TCA + grace as elapsed nanoseconds (`utcNanos`: the instant validation read, leap
   * seconds counted as real seconds and long fractions kept, never Date.parse), so that a
   * TCA of 23:59:60.5 expires at 00:59:59.5 with the default hour.
   */
  private tcaExpiresAt(tca: string): bigint | undefined {
    const at = utcNanos(tca);
    return at === undefined ? undefined : at + BigInt(this.tcaGraceMs) * 1_000_000n;
  }

  private nowNanos(): bigint {
    return utcNanos(this.now().toISOString()) ?? 0n;
  }

  /**
   * A TCA_PASSED withdrawal of a held CDM whose TCA lies more than this node's grace in
   * the past: what this node would do itself, so it needs no signature (section 10).
   */
  private isTcaExpiry(message: TableMessage): boolean {
    if (message.message_type !== 'CDM_WITHDRAW' || message.payload.reason !== 'TCA_PASSED') return false;
    const tca = this.options.store.getCdm(message.payload.cdm_id)?.announce?.payload.cdm.tca;
    const expiresAt = tca === undefined ? undefined : this.tcaExpiresAt(tca);
    return expiresAt !== undefined && expiresAt < this.nowNanos();
  }

  private expireIfPassed(message: TableMessage): boolean {
    if (message.message_type !== 'CDM_ANNOUNCE') return false;
    const cdm = message.payload.cdm;
    const expiresAt = this.tcaExpiresAt(cdm.tca);
    if (expiresAt === undefined || !(expiresAt < this.nowNanos())) return false;
    const withdrawal = this.envelope('CDM_WITHDRAW', { cdm_id: cdm.cdm_id, reason: 'TCA_PASSED', effective_time: formatUtcNanos(expiresAt) });
    const outcome = applyToTable(this.options.store, withdrawal as TableMessage, { received_from: this.nodeId, received_at: this.now().toISOString() }, TCA_EXPIRY_CHECK);
    this.afterCommit(() => this.seen.add(withdrawal.message_id));
    if (changed(outcome)) this.log.info({ cdm_id: cdm.cdm_id, tca: cdm.tca }, 'cdm withdrawn: TCA passed');
    return changed(outcome);
  }

  /**
   * Rule 6: `message` is the copy as this node sends it (for a received message, ttl is
   * already one less, so it goes on only while ttl > 0), to every connected peer but the
   * sender, the originator and those on the path, each through its export policy and
   * Adj-RIB-Out (`checkExport`); every peer it goes to is marked as holding the record (in
   * the same transaction) and gets it in its queue once that transaction has committed.
   */
  private forward(message: TableMessage, receivedFrom: string | undefined): string[] {
    if (message.ttl <= 0) return [];
    const path = message.path ?? [];
    const targets: string[] = [];
    for (const peer of this.neighbours.connected()) {
      if (peer.peer_id === receivedFrom || peer.peer_id === message.source_node_id || path.includes(peer.peer_id)) continue;
      const exported = checkExport(peer, message, this.options.store);
      if (!exported.pass) {
        this.log.debug({ message_id: message.message_id, peer: peer.peer_id, decision: 'not_forwarded', reason: exported.reason }, 'routing decision');
        continue;
      }
      this.options.store.markSent(peer.peer_id, recordKey(message));
      targets.push(peer.peer_id);
    }
    if (targets.length > 0) {
      this.afterCommit(() => {
        for (const peerId of targets) this.neighbours.enqueue(peerId, message);
      });
    }
    return targets;
  }
}
