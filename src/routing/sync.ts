import type { Store } from '../store/store.js';
import { checkPolicy } from './policy.js';
import type { Neighbour } from './router.js';
import type { TableMessage } from './table.js';

/**
 * The messages of a full table sync to one peer (PROTOCOL.md section 7): every record's
 * announce and withdrawal, tombstones included, with their original ids, origins and
 * payloads (each held as this node sends it on), through the peer's export policy. Keys are taken first and each record is
 * read when its turn comes, so the table may change while a long sync runs.
 */
export function* syncMessages(store: Store, peer: Neighbour): Generator<TableMessage> {
  const cdmIds = store.cdmIds();
  const objectIds = store.objectIds();
  const maneuverIds = store.maneuverIds();
  const send = (message: TableMessage | undefined) => (message && goesTo(message, peer, store) ? message : undefined);
  for (const id of cdmIds) {
    const record = store.getCdm(id);
    yield* present(send(record?.announce), send(record?.withdrawal));
  }
  for (const id of objectIds) {
    const record = store.getObject(id);
    yield* present(send(record?.announce), send(record?.withdrawal));
  }
  for (const id of maneuverIds) {
    const record = store.getManeuver(id);
    yield* present(send(record?.intent), send(record?.status_update));
  }
}

/**
 * A held copy with ttl 0 has used up its hops and is not sent on, as in live forwarding;
 * what the peer itself originated always goes back to it, so a rebuilt node recovers.
 */
function goesTo(message: TableMessage, peer: Neighbour, store: Store): boolean {
  if (message.ttl <= 0 && message.source_node_id !== peer.peer_id) return false;
  return checkPolicy('forward', peer.policies, message, store).pass;
}

function* present(...messages: (TableMessage | undefined)[]): Generator<TableMessage> {
  for (const m of messages) if (m) yield m;
}
