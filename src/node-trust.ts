import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Config } from './config/schema.js';
import { describeFsError } from './config/fs-errors.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { PeerDefinition } from './peers/registry.js';
import type { PublicKeyEntry } from './protocol/messages.js';
import { OriginTrust, type TrustReport, type TrustSettings } from './trust/guard.js';
import { KeyFileError, keyLocation, loadOrCreateKeyFile, type KeyLocation } from './trust/key-file.js';
import { KeyListError, KeyRing, trustedKeysFrom, type KeyListEntry, type TrustedKey } from './trust/keyring.js';
import { generateSigningKey, type SigningKey } from './trust/keys.js';
import { authorityOf, delegatesFrom } from './trust/verify.js';
import { SignatureVerifierPool } from './trust/verify-pool.js';

/** A trust setting that cannot be used: a key file or key list, named with its key (`trust.keys_file: ...`). */
export class TrustSetupError extends Error {}

/** The entries of `trust.keys_file`: a YAML list of `{node_id, public_key, not_after?}`. */
export function readKeysFile(path: string): KeyListEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TrustSetupError(`trust.keys_file: cannot read ${path}: ${describeFsError(err)}`);
  }
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 100 }) ?? [];
  } catch (err) {
    throw new TrustSetupError(`trust.keys_file: ${path}: invalid YAML: ${((err as Error).message.split('\n')[0] ?? '').trim()}`);
  }
  if (!Array.isArray(value)) throw new TrustSetupError(`trust.keys_file: ${path} must hold a YAML list of {node_id, public_key, not_after?}`);
  return value as KeyListEntry[];
}

/** The configured keys: `trust.keys`, then `trust.keys_file`. */
function configuredKeys(config: Config): TrustedKey[] {
  try {
    const inline = trustedKeysFrom(config.trust.keys, 'config', 'trust.keys');
    const path = config.trust.keys_file;
    return path === undefined ? inline : [...inline, ...trustedKeysFrom(readKeysFile(path), 'file', `trust.keys_file ${path}`)];
  } catch (err) {
    if (err instanceof KeyListError || err instanceof TrustSetupError) throw new TrustSetupError(err.message);
    throw err;
  }
}

/** What `validate-config` reports of the trust settings: an unreadable or wrong `trust.keys_file` or key entry. */
export function trustProblems(config: Config): string[] {
  try {
    configuredKeys(config);
    return [];
  } catch (err) {
    if (err instanceof TrustSetupError) return [err.message];
    throw err;
  }
}

/**
 * The node's origin signatures, as the composition root holds them: its signing key (and
 * the keys it signed with before a reload changed `node.signing_key_path`), the trusted
 * keys and mode, and the log lines and metrics of every check.
 */
export class NodeTrust {
  readonly origin: OriginTrust;
  /** Threads that check a batch's signatures in parallel (started at the first batch). */
  private readonly pool = new SignatureVerifierPool();
  private readonly ownKeys: SigningKey[];
  /** The key's log lines, held until the node has started. */
  private readonly keyLines: (() => void)[] = [];
  private location: KeyLocation;
  private readonly nodeId: string;

  constructor(
    config: Config,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    /** Whether a node id is a configured or added peer; with known keys, the origins that get their own metric label. */
    private readonly isPeer: (nodeId: string) => boolean = () => false,
  ) {
    this.nodeId = config.node.id;
    this.location = keyLocation(config);
    const key = this.loadKey(config, this.location);
    this.ownKeys = [key];
    const ring = new KeyRing(config.node.id, this.ownKeys, configuredKeys(config));
    this.origin = new OriginTrust(key, this.settings(config, ring), (report) => this.report(report), this.pool);
  }

  /** Ends the signature-checking threads. */
  stop(): Promise<void> {
    return this.pool.stop();
  }

  private settings(config: Config, ring: KeyRing): TrustSettings {
    return { mode: config.trust.mode, ring, delegates: delegatesFrom(config.trust.delegates) };
  }

  /** Reads or creates the key file, or makes an ephemeral key (memory storage without a key path); logs key id and public key. */
  private loadKey(config: Config, location: KeyLocation): SigningKey {
    const nodeId = config.node.id;
    if (location.kind === 'ephemeral') {
      const key = generateSigningKey(nodeId);
      this.keyLines.push(() =>
        this.logger.warn(
          { key_id: key.key_id, public_key: key.public_key },
          'signing key is ephemeral (memory storage and no node.signing_key_path): peers that trust this key must be given the new one after every restart',
        ),
      );
      return key;
    }
    let loaded;
    try {
      loaded = loadOrCreateKeyFile(nodeId, location.path);
    } catch (err) {
      if (err instanceof KeyFileError) throw new TrustSetupError(err.message);
      throw err;
    }
    const fields = { key_id: loaded.key.key_id, public_key: loaded.key.public_key, path: location.path };
    this.keyLines.push(() => this.logger.info(fields, loaded.created ? 'signing key created' : 'signing key loaded'));
    const looseMode = loaded.looseMode;
    if (looseMode) this.keyLines.push(() => this.logger.warn({ path: location.path, mode: looseMode }, 'signing key file can be read by others than its owner; make it mode 0600'));
    return loaded.key;
  }

  /** Logs the key's id and public key; called once the node has started, so that a failed start prints one line only. */
  logKey(): void {
    for (const line of this.keyLines.splice(0)) line();
  }

  get key(): SigningKey {
    return this.origin.key;
  }

  /** This node's keys: the one it signs with first, then those it signed with before (until a restart). */
  ownPublicKeys(): { key_id: string; public_key: string; current: boolean }[] {
    return this.ownKeys.map((k) => ({ key_id: k.key_id, public_key: k.public_key, current: k === this.origin.key }));
  }

  /** `GET /keys`: the node's own keys (public halves) and the keys it trusts, with where each came from. */
  view(): object {
    return {
      node_id: this.nodeId,
      mode: this.origin.mode,
      signing_key: this.location.kind === 'file' ? { key_id: this.key.key_id, storage: 'file' } : { key_id: this.key.key_id, storage: 'ephemeral' },
      own: this.ownPublicKeys(),
      trusted: this.origin.ring.list().map((k) => ({ node_id: k.node_id, key_id: k.key_id, public_key: k.public_key, not_after: k.not_after ?? null, source: k.source })),
    };
  }

  authorityOver(origin: string): 'origin' | 'delegate' | 'not_origin' {
    return authorityOf(this.nodeId, origin, this.origin.delegates);
  }

  /** HELLO `public_keys`. */
  helloKeys(): PublicKeyEntry[] {
    return this.origin.publicKeys();
  }

  /**
   * Applies a reloaded configuration: mode, keys (the key file re-read), delegates, and a
   * changed `node.signing_key_path` (the node then signs with the new key and keeps
   * trusting the old one). Throws TrustSetupError, leaving everything as it was.
   */
  reload(config: Config, helloKeysFrom: ReadonlySet<string>): string[] {
    const configured = configuredKeys(config);
    const location = keyLocation(config);
    const changes: string[] = [];
    let key = this.origin.key;
    if (JSON.stringify(location) !== JSON.stringify(this.location) && location.kind === 'file') {
      key = this.loadKey(config, location);
      this.location = location;
      if (!this.ownKeys.some((k) => k.key_id === key.key_id)) this.ownKeys.push(key);
      changes.push(`signing key ${key.key_id}`);
    }
    const ring = this.origin.ring;
    const before = JSON.stringify(ring.list().filter((k) => k.source !== 'hello').map((k) => [k.key_id, k.not_after ?? null]));
    const previousMode = this.origin.mode;
    ring.replace(this.ownKeys, configured);
    ring.keepHelloKeysOf(helloKeysFrom);
    this.origin.reconfigure(this.settings(config, ring), key);
    if (JSON.stringify(ring.list().filter((k) => k.source !== 'hello').map((k) => [k.key_id, k.not_after ?? null])) !== before) changes.push('trusted keys replaced');
    if (previousMode !== config.trust.mode) changes.push(`trust.mode ${config.trust.mode}`);
    return changes;
  }

  /** A peer's HELLO `public_keys` (section 10): taken only when its configuration says `accept_hello_keys`. */
  peerKeys(peer: PeerDefinition, keys: readonly PublicKeyEntry[] | undefined): void {
    if (!peer.accept_hello_keys || keys === undefined) return;
    const { accepted, refused } = this.origin.ring.setHelloKeys(peer.peer_id, keys);
    if (accepted.length > 0) this.logger.info({ peer: peer.peer_id, key_ids: accepted }, 'peer keys taken from HELLO');
    for (const r of refused) this.logger.warn({ peer: peer.peer_id, key_id: r.key_id, reason: r.reason }, 'peer key in HELLO refused');
  }

  private report({ message, check, mode, refused }: TrustReport): void {
    const outcome = refused ? 'refused' : check.verified && check.authority !== 'not_origin' ? 'verified' : check.result === 'unsigned' ? 'unsigned' : 'unverified';
    // A neighbour can write any source_node_id: only known nodes get a label of their own, so that forged ids cannot grow the metric.
    const known = message.source_node_id === this.nodeId || this.isPeer(message.source_node_id) || this.origin.ring.knowsNode(message.source_node_id);
    this.metrics.originSignatures.inc({ origin: known ? message.source_node_id : 'other', outcome });
    if (outcome === 'verified') return;
    const fields = { origin: message.source_node_id, key_id: check.key_id, reason: check.reason, message_id: message.message_id, message_type: message.message_type, mode };
    if (refused) this.logger.warn(fields, 'origin signature refused');
    // Unsigned and unknown keys are the normal state of a network still setting up keys: debug; a wrong signature or authority is evidence: warn.
    else if (check.result === 'invalid' || check.authority === 'not_origin') this.logger.warn(fields, 'origin signature not verified');
    else this.logger.debug(fields, 'origin signature not verified');
  }
}
