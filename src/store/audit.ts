import { compareTimestamps } from '../model/time.js';
import { PackedLog } from './packed-log.js';
import type { Paged } from './store.js';

/** One protocol message received or sent, as the audit trail keeps it: the envelope, not the payload. */
export interface AuditEntry {
  /** ISO 8601 UTC with microseconds. */
  time: string;
  direction: 'in' | 'out';
  /** The neighbour (for `in`, as authenticated; may be unknown when authentication failed). */
  peer: string;
  message_id: string;
  message_type: string;
  source_node_id?: string;
  protocol_version?: string;
  timestamp?: string;
  hop_count?: number;
  ttl?: number;
  path?: string[];
  /** SHA-256 of the payload's JSON, hex. */
  payload_sha256?: string;
  /** in: accepted, duplicate, filtered, refused; out: delivered, failed, dropped. */
  decision: string;
  code?: string;
  reason?: string;
  forwarded_to?: string[];
  /** in, table messages: the origin signature check (`verified`, `unsigned`, `unknown_key`, `invalid`, ...; `; not_origin` without authority). */
  signature?: string;
}

export interface AuditQuery {
  peer?: string;
  message_id?: string;
  since?: string;
  limit: number;
  offset: number;
}

/** A session event of one peer: established, lost or refused. */
export interface PeerEvent {
  time: string;
  peer: string;
  event: 'established' | 'lost' | 'refused';
  reason?: string;
  negotiated_version?: string;
  initiated_by?: 'us' | 'peer';
}

/** The audit trail and the peer connection history; kept with the table, with their own retention. */
export interface AuditStore {
  append(entry: AuditEntry): void;
  /** Newest first. */
  query(query: AuditQuery): Paged<AuditEntry>;
  appendPeerEvent(event: PeerEvent): void;
  /** Newest first. */
  peerHistory(peer: string, limit: number): PeerEvent[];
  /** Deletes entries and events older than the given time; returns how many. */
  purge(before: string): number;
}

/** The audit trail in process memory, lost at exit; entries held in packed blocks (`PackedLog`), one per protocol message. */
export class MemoryAuditStore implements AuditStore {
  private readonly entries = new PackedLog<AuditEntry>();
  private events: PeerEvent[] = [];

  append(entry: AuditEntry): void {
    this.entries.push(entry);
  }

  query(query: AuditQuery): Paged<AuditEntry> {
    const matching = [...this.entries.items()].filter(
      (e) =>
        (query.peer === undefined || e.peer === query.peer) &&
        (query.message_id === undefined || e.message_id === query.message_id) &&
        (query.since === undefined || compareTimestamps(e.time, query.since) >= 0),
    );
    matching.reverse();
    return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length };
  }

  appendPeerEvent(event: PeerEvent): void {
    this.events.push(event);
  }

  peerHistory(peer: string, limit: number): PeerEvent[] {
    return this.events.filter((e) => e.peer === peer).reverse().slice(0, limit);
  }

  purge(before: string): number {
    const recent = (item: { time: string }) => compareTimestamps(item.time, before) >= 0;
    const count = this.events.length;
    this.events = this.events.filter(recent);
    return this.entries.keep(recent) + count - this.events.length;
  }
}
