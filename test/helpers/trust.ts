import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '../../src/protocol/envelope.js';
import { writeNewKeyFile } from '../../src/trust/key-file.js';
import { PEERING_SECRET, nodeYaml, type NodeExtras } from './network.js';
import { ADMIN_TOKEN, http, type TestNode } from './node.js';

export interface NodeKey {
  nodeId: string;
  path: string;
  key_id: string;
  public_key: string;
}

/** A new temporary directory for key files (the caller removes it). */
export function keyDir(): string {
  return mkdtempSync(join(tmpdir(), 'spacecomms-keys-'));
}

/** A new Ed25519 key file for `nodeId`, written as `spacecomms keygen` writes it. */
export function makeKey(dir: string, nodeId: string, name = nodeId): NodeKey {
  const path = join(dir, `${name}.key`);
  const key = writeNewKeyFile(nodeId, path);
  return { nodeId, path, key_id: key.key_id, public_key: key.public_key };
}

/** `trust.keys` entries as YAML list lines. */
export function keyLines(keys: NodeKey[], indent = '    '): string {
  return keys.map((k) => `${indent}- { node_id: ${k.nodeId}, public_key: "${k.public_key}" }`).join('\n');
}

/** A node's YAML: nodeYaml with `node.signing_key_path` and a `trust:` section. */
export function signedNodeYaml(id: string, key: NodeKey, trust: string, extras: NodeExtras = {}): string {
  return `${nodeYaml(id, extras).replace(`node: { id: ${id} }`, `node: { id: ${id}, signing_key_path: "${key.path}" }`)}${trust}`;
}

export function trustYaml(mode: string, keys: NodeKey[]): string {
  return `trust:\n  mode: ${mode}\n  keys:\n${keyLines(keys)}\n`;
}

/**
 * A neighbour played by the test ("mallory"): peered with a node through its REST API,
 * it says HELLO and then posts whatever envelopes the test crafts.
 */
export class Mallory {
  constructor(readonly id = 'mallory') {}

  /** An envelope as mallory crafts it; the node under test validates it like any other. */
  envelope(type: string, payload: object, extra: object = {}): Envelope {
    return { protocol_version: '1.0', message_id: randomUUID(), timestamp: new Date().toISOString(), source_node_id: this.id, message_type: type, hop_count: 0, ttl: 10, path: [this.id], payload, ...extra } as Envelope;
  }

  /** Adds mallory as a peer of `node` (nothing listens at its address) and opens a session with a HELLO. */
  async join(node: TestNode, versions = ['1.0', '1.1']): Promise<void> {
    const added = await http(node.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: this.id, address: 'http://127.0.0.1:9', auth_token: PEERING_SECRET } });
    if (added.status !== 201) throw new Error(`POST /peers: ${added.status} ${added.text}`);
    const hello = this.envelope('HELLO', { node_name: 'Mallory', capabilities: ['CDM', 'OBJECT_STATE', 'MANEUVER'], supported_versions: versions, features: ['SIGNATURES'], auth_token: PEERING_SECRET }, { ttl: 1 });
    const res = await this.send(node, hello);
    if (res.status !== 200) throw new Error(`HELLO: ${res.status} ${res.text}`);
  }

  send(node: TestNode, body: unknown) {
    return http(node.url, 'POST', '/spacecomms/v1/messages', { token: PEERING_SECRET, headers: { 'x-spacecomms-node-id': this.id }, body });
  }
}
