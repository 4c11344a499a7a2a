import type { AuthorityResult, SignatureResult } from '../model/records.js';
import type { Envelope } from '../protocol/envelope.js';
import { nodeIdOfKey } from './keys.js';
import { keyValidAt, type KeyRing } from './keyring.js';
import { SIGNATURE_ALG, signatureMatches, type CheckedSignatures } from './signing.js';

export interface SignatureOutcome {
  result: SignatureResult;
  key_id: string | null;
  reason?: string;
}

/**
 * Checks the origin signature of a message (PROTOCOL.md section 10): it must name a key of
 * the message's own `source_node_id`, that key must be trusted and not retired before the
 * message's timestamp, and the signature must match the signed bytes. `checked`: results of
 * Ed25519 checks made ahead of time for a batch (used only for the same frozen envelope,
 * signature value and key).
 */
export function checkSignature(envelope: Envelope, ring: KeyRing, checked?: CheckedSignatures): SignatureOutcome {
  const signature = envelope.signature;
  if (signature === undefined) return { result: 'unsigned', key_id: null, reason: 'the message carries no signature' };
  const keyId = signature.key_id;
  if (signature.alg !== SIGNATURE_ALG) return { result: 'invalid', key_id: keyId, reason: `signature alg ${signature.alg} is not ${SIGNATURE_ALG}` };
  if (nodeIdOfKey(keyId) !== envelope.source_node_id) {
    return { result: 'invalid', key_id: keyId, reason: `key ${keyId} is not a key of the origin ${envelope.source_node_id}` };
  }
  const key = ring.find(keyId);
  if (!key) return { result: 'unknown_key', key_id: keyId, reason: `key ${keyId} is not trusted here` };
  if (!keyValidAt(key, envelope.timestamp)) {
    return { result: 'invalid', key_id: keyId, reason: `key ${keyId} was retired at ${key.not_after ?? '?'}, before the message's timestamp ${envelope.timestamp}` };
  }
  if (!signatureMatches(envelope, signature.value, key.key, checked)) return { result: 'invalid', key_id: keyId, reason: 'the signature does not match the signed message (altered on the way, or forged)' };
  return { result: 'verified', key_id: keyId };
}

/** `trust.delegates`: node id → the origins it may act for. */
export type Delegates = ReadonlyMap<string, ReadonlySet<string>>;

export function delegatesFrom(entries: readonly { node_id: string; may_act_for: readonly string[] }[]): Delegates {
  const out = new Map<string, Set<string>>();
  for (const entry of entries) {
    const set = out.get(entry.node_id) ?? new Set<string>();
    for (const origin of entry.may_act_for) set.add(origin);
    out.set(entry.node_id, set);
  }
  return out;
}

/**
 * Section 10 "authority": a record belongs to the origin that first announced it (on a
 * node that holds no record yet, the message's source becomes it); a change by another
 * node is allowed only when the configuration names that node a delegate of the origin.
 */
export function authorityOf(source: string, origin: string | undefined, delegates: Delegates): AuthorityResult {
  if (origin === undefined || origin === source) return 'origin';
  return delegates.get(source)?.has(origin) ? 'delegate' : 'not_origin';
}
