import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from './http.js';
import type { BenchKey } from './keys.js';
import { CLI, spawnNode, tempDir, type Child } from './processes.js';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789';
export const WRITE_TOKEN = 'bench-write-token-0123456789';
export const PEERING_SECRET = 'bench-peering-secret-0123456789';

export interface PeerEntry {
  id: string;
  address: string;
  authToken: string;
}

export interface NodeSpec {
  id: string;
  storage: 'file' | 'memory';
  /** An existing store directory (file storage); a new temporary one otherwise. */
  dataDir?: string;
  logLevel?: 'debug' | 'info' | 'warn';
  peers?: PeerEntry[];
  /** Lines under `protocol:`, indented by two spaces. */
  protocol?: string[];
  /** The node's own signing key (written to `node.signing_key_path`); a key the node makes itself otherwise. */
  signingKey?: BenchKey;
  /** Origin keys in `trust.keys` (`trust.mode: log`), so that the node really verifies what these origins signed. */
  trusted?: BenchKey[];
}

export interface BenchNode {
  spec: NodeSpec;
  child: Child;
  url: string;
  dataDir: string;
  /** Milliseconds from spawn to the `node started` log line. */
  startedLogMs: number;
  /** Milliseconds from spawn to the first `GET /health` answered 200. */
  healthyMs: number;
}

export function nodeYaml(spec: NodeSpec, dataDir: string, keyPath?: string): string {
  const lines = [
    keyPath === undefined ? `node: { id: ${spec.id} }` : `node: { id: ${spec.id}, signing_key_path: ${JSON.stringify(keyPath)} }`,
    'server: { host: 127.0.0.1, port: 0 }',
    'api:',
    // Measure capacity, not the per-token API limit (1000 requests/s by default).
    '  rate_limit: { enabled: false }',
    '  auth:',
    '    enabled: true',
    '    tokens:',
    `      - { id: admin, secret: ${ADMIN_TOKEN}, permissions: [admin] }`,
    `      - { id: writer, secret: ${WRITE_TOKEN}, permissions: [write] }`,
    spec.storage === 'file' ? `storage: { type: file, file_path: ${JSON.stringify(dataDir)} }` : 'storage: { type: memory }',
    `logging: { level: ${spec.logLevel ?? 'info'} }`,
  ];
  if (spec.protocol?.length) lines.push('protocol:', ...spec.protocol);
  if (spec.trusted?.length) {
    lines.push('trust:', '  mode: log', '  keys:');
    for (const k of spec.trusted) lines.push(`    - { node_id: ${k.nodeId}, public_key: ${k.publicKey} }`);
  }
  if (spec.peers?.length) {
    lines.push('peers:');
    for (const p of spec.peers) lines.push(`  - { id: ${p.id}, address: ${JSON.stringify(p.address)}, auth_token: ${p.authToken} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Starts `node dist/cli.js start --config <tmp yaml>` and waits for the log line and a healthy `GET /health`. */
export async function startNode(spec: NodeSpec): Promise<BenchNode> {
  const configDir = tempDir(`cfg-${spec.id}`);
  const dataDir = spec.dataDir ?? join(tempDir(`data-${spec.id}`), 'store');
  const config = join(configDir, 'node.yaml');
  const keyPath = spec.signingKey ? join(configDir, 'node.key') : undefined;
  if (keyPath !== undefined && spec.signingKey) writeFileSync(keyPath, spec.signingKey.pem, { mode: 0o600 });
  writeFileSync(config, nodeYaml(spec, dataDir, keyPath));
  const spawnedAt = performance.now();
  const child = spawnNode(spec.id, CLI, ['start', '--config', config], true);
  const line = await child.waitForLine(/"msg":"node started"/, 120_000);
  const startedLogMs = performance.now() - spawnedAt;
  const url = /"url":"([^"]+)"/.exec(line)?.[1];
  if (!url) throw new Error(`${spec.id}: no url in ${line}`);
  for (let attempt = 0; ; attempt++) {
    const res = await request(url, 'GET', '/health').catch(() => undefined);
    if (res?.status === 200) break;
    if (attempt > 2000) throw new Error(`${spec.id}: /health never answered 200`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { spec, child, url, dataDir, startedLogMs, healthyMs: performance.now() - spawnedAt };
}

interface PeerView {
  peer_id: string;
  status: string;
}

/** `POST /peers` on `node` for `peer` at `address` (the peer's own URL, or a proxy in front of it). */
export async function addPeer(node: BenchNode, peerId: string, address: string): Promise<void> {
  const res = await request(node.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: peerId, address, auth_token: PEERING_SECRET } });
  if (res.status !== 201) throw new Error(`POST /peers on ${node.spec.id}: ${res.status} ${res.text}`);
}

export async function peerStatus(node: BenchNode, peerId: string): Promise<string | undefined> {
  const res = await request(node.url, 'GET', '/peers', { token: ADMIN_TOKEN });
  const peers = (res.json as { peers?: PeerView[] }).peers ?? [];
  return peers.find((p) => p.peer_id === peerId)?.status;
}

/**
 * Whether the node takes `peerId`'s messages: a session is established (`delivery` is set),
 * even where the node's own sends to it fail (the loader of peer_ingest never answers).
 */
export async function sessionEstablished(node: BenchNode, peerId: string): Promise<boolean> {
  const res = await request(node.url, 'GET', '/peers', { token: ADMIN_TOKEN });
  const peers = (res.json as { peers?: (PeerView & { delivery?: string | null })[] }).peers ?? [];
  const peer = peers.find((p) => p.peer_id === peerId);
  return peer !== undefined && peer.delivery !== null && peer.delivery !== undefined;
}

/** Waits until `node` shows `peerId` connected. */
export async function waitConnected(node: BenchNode, peerId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await peerStatus(node, peerId)) !== 'connected') {
    if (Date.now() > deadline) throw new Error(`${node.spec.id}: peer ${peerId} not connected after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function cdmsActive(node: BenchNode): Promise<number> {
  const res = await request(node.url, 'GET', '/health');
  return (res.json as { cdms_active?: number }).cdms_active ?? -1;
}

/**
 * How many of `cdmIds` `node` holds with a verified origin signature (`GET /cdms/{id}`
 * `signature.verified`): the proof that a scenario's nodes checked signatures, not just
 * passed them on.
 */
export async function verifiedSignatures(node: BenchNode, cdmIds: readonly string[]): Promise<string> {
  let verified = 0;
  for (const id of cdmIds) {
    const res = await request(node.url, 'GET', `/cdms/${encodeURIComponent(id)}`, { token: ADMIN_TOKEN });
    if ((res.json as { signature?: { verified?: boolean } }).signature?.verified === true) verified++;
  }
  return `${verified}/${cdmIds.length}`;
}

/** Up to `count` ids spread over `ids` (first, last and evenly between). */
export function sampleIds(ids: readonly string[], count = 5): string[] {
  if (ids.length <= count) return [...ids];
  return Array.from({ length: count }, (_, i) => ids[Math.round((i * (ids.length - 1)) / (count - 1))] as string);
}
