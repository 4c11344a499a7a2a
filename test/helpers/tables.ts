import { canonicalJson } from '../../src/model/canonical.js';
import type { TableMessage } from '../../src/routing/table.js';
import type { TestNode } from './node.js';

/** A message as every node must hold it: its id, origin, type and payload (hops and path differ per node). */
function content(message: TableMessage | undefined) {
  return message && { message_id: message.message_id, source_node_id: message.source_node_id, message_type: message.message_type, payload: message.payload };
}

/** A node's whole table as replicated content (CDMs, objects, maneuvers; ids starting with `prefix`), canonical JSON. */
export function fullTable(node: TestNode, prefix = ''): string {
  const store = node.node.store;
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const cdms = [...store.iterateCdms()]
    .filter((r) => r.cdm_id.startsWith(prefix))
    .map((r) => ({ id: r.cdm_id, status: r.status, announce: content(r.announce), withdrawal: content(r.withdrawal) }))
    .sort(byId);
  const objects = [...store.iterateObjects()]
    .filter((r) => r.object_id.startsWith(prefix))
    .map((r) => ({ id: r.object_id, status: r.status, announce: content(r.announce), withdrawal: content(r.withdrawal) }))
    .sort(byId);
  const maneuvers = [...store.iterateManeuvers()]
    .filter((r) => r.object_id.startsWith(prefix))
    .map((r) => ({ id: r.maneuver_id, status: r.status, intent: content(r.intent), status_update: content(r.status_update) }))
    .sort(byId);
  return canonicalJson({ cdms, objects, maneuvers });
}

/** Ids of CDMs active at `node` that some node of `all` holds withdrawn. */
export function revivedAt(node: TestNode, all: TestNode[]): string[] {
  const withdrawn = new Set<string>();
  for (const n of all) for (const r of n.node.store.iterateCdms()) if (r.status === 'withdrawn') withdrawn.add(r.cdm_id);
  return [...node.node.store.iterateCdms()].filter((r) => r.status === 'active' && withdrawn.has(r.cdm_id)).map((r) => r.cdm_id);
}
