import type { KeyObject } from 'node:crypto';
import type { PublicKeyEntry } from '../protocol/messages.js';
import { isUtcTimestamp, utcMillis } from '../protocol/time.js';
import { keyIdOf, publicKeyFromText, type SigningKey } from './keys.js';

/** Where the node learned a key: its own key, `trust.keys`, `trust.keys_file`, or a direct peer's HELLO. */
export type KeySource = 'self' | 'config' | 'file' | 'hello';

/** A trusted origin key as the configuration writes it (`trust.keys`, `trust.keys_file`). */
export interface KeyListEntry {
  node_id: string;
  public_key: string;
  not_after?: string | undefined;
}

export interface TrustedKey {
  node_id: string;
  key_id: string;
  public_key: string;
  /** The key signs nothing after this time (ISO 8601 UTC); what it signed before stays valid. */
  not_after?: string;
  source: KeySource;
  key: KeyObject;
}

/** A problem with a listed key, naming where it is (`trust.keys[2].public_key: ...`). */
export class KeyListError extends Error {}

/**
 * Reads a list of trusted keys; `where` names the list in errors (`trust.keys`,
 * `trust.keys_file /etc/spacecomms/keys.yaml`). Throws KeyListError at the first bad entry.
 */
export function trustedKeysFrom(entries: readonly KeyListEntry[], source: KeySource, where: string): TrustedKey[] {
  return entries.map((entry, i) => {
    const at = `${where}[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new KeyListError(`${at}: must be {node_id, public_key, not_after?}`);
    if (typeof entry.node_id !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(entry.node_id)) throw new KeyListError(`${at}.node_id: must be a node id`);
    if (typeof entry.public_key !== 'string') throw new KeyListError(`${at}.public_key: is required`);
    let key: KeyObject;
    try {
      key = publicKeyFromText(entry.public_key);
    } catch (err) {
      throw new KeyListError(`${at}.public_key: ${(err as Error).message}`);
    }
    if (entry.not_after !== undefined && (typeof entry.not_after !== 'string' || !isUtcTimestamp(entry.not_after))) {
      throw new KeyListError(`${at}.not_after: must be an ISO 8601 UTC timestamp (e.g. 2026-11-27T08:30:00Z)`);
    }
    return {
      node_id: entry.node_id,
      key_id: keyIdOf(entry.node_id, entry.public_key),
      public_key: entry.public_key,
      ...(entry.not_after !== undefined ? { not_after: entry.not_after } : {}),
      source,
      key,
    };
  });
}

/** Whether a key with this `not_after` may sign a message of this `timestamp`. */
export function keyValidAt(key: Pick<TrustedKey, 'not_after'>, timestamp: string): boolean {
  return key.not_after === undefined || utcMillis(timestamp) <= utcMillis(key.not_after);
}

/**
 * The origin keys a node trusts (PROTOCOL.md section 10): its own, the configured ones,
 * and those direct peers listed in HELLO. Configured keys take precedence over HELLO keys
 * of the same id (they may carry `not_after`). Replaced as a whole on reload, except the
 * HELLO keys, which stay for the peers still allowed to give them.
 */
export class KeyRing {
  private configured = new Map<string, TrustedKey>();
  private own = new Map<string, TrustedKey>();
  private readonly hello = new Map<string, Map<string, TrustedKey>>();

  constructor(
    private readonly nodeId: string,
    ownKeys: readonly SigningKey[],
    configured: readonly TrustedKey[],
  ) {
    this.replace(ownKeys, configured);
  }

  /** New own and configured keys (start, reload); HELLO keys are kept. */
  replace(ownKeys: readonly SigningKey[], configured: readonly TrustedKey[]): void {
    this.own = new Map(ownKeys.map((k) => [k.key_id, { node_id: this.nodeId, key_id: k.key_id, public_key: k.public_key, source: 'self' as const, key: k.publicKey }]));
    this.configured = new Map(configured.map((k) => [k.key_id, k]));
  }

  find(keyId: string): TrustedKey | undefined {
    return this.configured.get(keyId) ?? this.own.get(keyId) ?? this.findHello(keyId);
  }

  private findHello(keyId: string): TrustedKey | undefined {
    for (const keys of this.hello.values()) {
      const key = keys.get(keyId);
      if (key) return key;
    }
    return undefined;
  }

  /**
   * Takes the keys peer `peerId` listed in its HELLO, for its own node id only: an entry
   * whose key_id names another node, or does not match its public key, is refused.
   * Replaces what that peer listed before. Returns the key ids taken and the refusals.
   */
  setHelloKeys(peerId: string, entries: readonly PublicKeyEntry[]): { accepted: string[]; refused: { key_id: string; reason: string }[] } {
    const taken = new Map<string, TrustedKey>();
    const refused: { key_id: string; reason: string }[] = [];
    for (const entry of entries) {
      let key: KeyObject;
      try {
        key = publicKeyFromText(entry.public_key);
      } catch (err) {
        refused.push({ key_id: entry.key_id, reason: `public_key ${(err as Error).message}` });
        continue;
      }
      const expected = keyIdOf(peerId, entry.public_key);
      if (entry.key_id !== expected) {
        refused.push({ key_id: entry.key_id, reason: `key_id must be ${expected}: keys are taken only for the peer's own node id` });
        continue;
      }
      taken.set(expected, { node_id: peerId, key_id: expected, public_key: entry.public_key, ...(entry.not_after ? { not_after: entry.not_after } : {}), source: 'hello', key });
    }
    this.hello.set(peerId, taken);
    return { accepted: [...taken.keys()], refused };
  }

  /** Forgets the HELLO keys of peers not in `allowed` (removed, or `accept_hello_keys` turned off). */
  keepHelloKeysOf(allowed: ReadonlySet<string>): void {
    for (const peer of [...this.hello.keys()]) if (!allowed.has(peer)) this.hello.delete(peer);
  }

  /** Whether any key of `nodeId` is trusted (own, configured or from HELLO). */
  knowsNode(nodeId: string): boolean {
    return this.list().some((k) => k.node_id === nodeId);
  }

  /** Every trusted key, configured first, then own, then HELLO keys not also configured. */
  list(): TrustedKey[] {
    const out = [...this.configured.values()];
    for (const key of this.own.values()) if (!this.configured.has(key.key_id)) out.push(key);
    for (const keys of this.hello.values()) for (const key of keys.values()) if (!this.configured.has(key.key_id)) out.push(key);
    return out;
  }
}
