import type { Store } from '../store/store.js';
import { checkExport, recordKey } from './policy.js';
import type { Neighbour } from './router.js';
import type { TableMessage } from './table.js';

export interface SyncOptions {
  /** Only records the peer has not been sent yet (after a reload widened its export policy). */
  onlyUnsent?: boolean;
}

/**
 * The messages of a full table sync to one peer (PROTOCOL.md section 7): every record's
 * announce and withdrawal, tombstones included, with their original ids, origins and
 * payloads (each held as this node sends it on), through the peer's export policy and
 * Adj-RIB-Out (section 8: a record already sent to the peer always goes, so its
 * tombstone reaches it whatever the filters now say). Each record sent is marked in the
 * Adj-RIB-Out. The table is read in its stored order, a page at a time when the queue
 * asks for more (`Store.iterateCdms`), so the table may change while a long sync runs:
 * a record changed after its page was read reaches the peer as a live message.
 */
export function* syncMessages(store: Store, peer: Neighbour, options: SyncOptions = {}): Generator<TableMessage> {
  const pick = (first: TableMessage | undefined, second: TableMessage | undefined) => chosen(store, peer, options, first, second);
  for (const record of store.iterateCdms()) yield* pick(record.announce, record.withdrawal);
  for (const record of store.iterateObjects()) yield* pick(record.announce, record.withdrawal);
  for (const record of store.iterateManeuvers()) yield* pick(record.intent, record.status_update);
}

/** The messages of one record that go to the peer; marks the record as sent when any does. */
function chosen(store: Store, peer: Neighbour, options: SyncOptions, ...messages: (TableMessage | undefined)[]): TableMessage[] {
  const present = messages.filter((m): m is TableMessage => m !== undefined);
  const first = present[0];
  if (!first) return [];
  const key = recordKey(first);
  const held = store.wasSent(peer.peer_id, key);
  if (options.onlyUnsent && held) return [];
  const out = present.filter((m) => goesTo(m, peer, store, held));
  if (out.length > 0 && !held) store.markSent(peer.peer_id, key);
  return out;
}

/**
 * A held copy with ttl 0 has used up its hops and is not sent on, as in live forwarding,
 * unless the peer holds the record (its later changes always reach it) or originated it
 * (so that a rebuilt node recovers its own records).
 */
function goesTo(message: TableMessage, peer: Neighbour, store: Store, held: boolean): boolean {
  if (message.ttl <= 0 && message.source_node_id !== peer.peer_id && !held) return false;
  return checkExport(peer, message, store).pass;
}
