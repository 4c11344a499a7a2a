import { ADMIN_TOKEN, AUTH_YAML, http, startTestNode, type TestNode } from './node.js';

/** Polls until `probe` returns a value (not undefined/false), or fails after `timeoutMs` naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const FAST_PROTOCOL = `
protocol:
  heartbeat_interval_seconds: 0.2
  session_timeout_seconds: 2
  reconnect_min_seconds: 0.05
  reconnect_max_seconds: 0.5
`;

export interface NodeExtras {
  /** More top-level YAML sections. */
  yaml?: string;
  /** More `protocol:` keys, as YAML lines indented by two spaces. */
  protocol?: string;
  port?: number;
}

export function nodeYaml(id: string, extras: NodeExtras = {}): string {
  const protocol = extras.protocol ? `${extras.protocol.replace(/\n?$/, '\n')}` : '';
  // A key given in `extras.protocol` replaces the fast default of the same name.
  const overridden = new Set([...protocol.matchAll(/^\s+(\w+):/gm)].map((m) => m[1]));
  const fast = FAST_PROTOCOL.split('\n').filter((line) => !overridden.has(/^\s+(\w+):/.exec(line)?.[1] ?? '')).join('\n');
  return `node: { id: ${id} }\nserver: { port: ${extras.port ?? 0} }\n${AUTH_YAML}${fast}${protocol}${extras.yaml ?? ''}`;
}

export async function startNetworkNodes(ids: string[], extras: (id: string) => NodeExtras = () => ({})): Promise<TestNode[]> {
  return Promise.all(ids.map((id) => startTestNode(nodeYaml(id, extras(id)))));
}

export const PEERING_SECRET = 'peering-secret-for-tests';

/** Adds `b` as a peer of `a` (one direction) through the REST API. */
export async function addPeer(a: TestNode, b: TestNode, policies?: object, secret = PEERING_SECRET): Promise<void> {
  const res = await http(a.url, 'POST', '/peers', {
    token: ADMIN_TOKEN,
    body: { peer_id: b.config.node.id, address: b.url, auth_token: secret, ...(policies ? { policies } : {}) },
  });
  if (res.status !== 201) throw new Error(`POST /peers on ${a.config.node.id}: ${res.status} ${res.text}`);
}

/** Peers two nodes both ways and waits until each sees the other connected. */
export async function link(a: TestNode, b: TestNode, policies: { ab?: object; ba?: object } = {}): Promise<void> {
  await addPeer(a, b, policies.ab);
  await addPeer(b, a, policies.ba);
  await waitFor(`${a.config.node.id} <-> ${b.config.node.id} connected`, () => isConnected(a, b.config.node.id) && isConnected(b, a.config.node.id));
}

export function isConnected(node: TestNode, peerId: string): boolean {
  return node.node.peers.views().some((p) => p.peer_id === peerId && p.status === 'connected');
}

export function holds(node: TestNode, cdmId: string) {
  return node.node.store.getCdm(cdmId);
}

export async function stopAll(nodes: TestNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.stop()));
}

/** Sum of a counter over its label sets (e.g. CDM_ANNOUNCE POSTs sent by a node). */
export async function sentCount(node: TestNode, type: string): Promise<number> {
  const metric = await node.node.metrics.messagesSent.get();
  return metric.values.filter((v) => v.labels.type === type).reduce((sum, v) => sum + v.value, 0);
}
