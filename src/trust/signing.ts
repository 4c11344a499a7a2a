import { verify, type KeyObject } from 'node:crypto';
import { canonicalize } from '../model/canonical.js';
import type { Envelope, EnvelopeSignature } from '../protocol/envelope.js';
import type { SigningKey } from './keys.js';

/** The signature algorithm of PROTOCOL.md section 10. */
export const SIGNATURE_ALG = 'ed25519';

/** The envelope members that are signed; hop_count, ttl, path and signature change on the way and are not. */
type Signed = Pick<Envelope, 'message_id' | 'timestamp' | 'source_node_id' | 'message_type' | 'payload'>;

/**
 * The signed bytes of PROTOCOL.md section 10: the UTF-8 of the RFC 8785 (JCS) form of
 * `{message_id, timestamp, source_node_id, message_type, payload}` of the envelope.
 */
export function signedBytes(envelope: Signed): Buffer {
  const { message_id, timestamp, source_node_id, message_type, payload } = envelope;
  return Buffer.from(canonicalize({ message_id, timestamp, source_node_id, message_type, payload }), 'utf8');
}

/** The envelope with the originator's signature added (any earlier one replaced). */
export function signEnvelope<T extends Envelope>(envelope: T, key: SigningKey): T {
  const signature: EnvelopeSignature = { alg: SIGNATURE_ALG, key_id: key.key_id, value: key.sign(signedBytes(envelope)).toString('base64url') };
  return { ...envelope, signature };
}

/**
 * base64url of 64 bytes, no padding, in its one canonical form: 86 characters, the last
 * carrying 2 bits of the signature and 4 zero bits, so it is one of A, Q, g, w (RFC 4648
 * section 3.5, canonical encoding: encoders set the pad bits to zero, and a decoder may refuse
 * a text where they are not). Otherwise several texts would decode to the same signature.
 */
const SIGNATURE_TEXT = /^[A-Za-z0-9_-]{85}[AQgw]$/;

/** Whether `value` has the form of a signature: base64url of 64 bytes. */
export function isSignatureText(value: string): boolean {
  return SIGNATURE_TEXT.test(value);
}

/**
 * Results of Ed25519 checks made ahead of time (a batch checked on several cores), by
 * envelope. The envelopes are deeply frozen (`deepFreeze`) before their signed bytes are
 * taken, so the bytes an envelope had when checked are the bytes it has when its result is
 * used. A result is used once, and only for the same signature value and key.
 */
export class CheckedSignatures {
  private readonly results = new WeakMap<object, { value: string; key: KeyObject; ok: boolean }>();

  /** Keeps the result of checking the signature `value` of `envelope` (deeply frozen before its bytes were taken) with `key`. */
  add(envelope: object, value: string, key: KeyObject, ok: boolean): void {
    if (!Object.isFrozen(envelope)) throw new TypeError('CheckedSignatures.add: the envelope must be frozen before its bytes are taken');
    this.results.set(envelope, { value, key, ok });
  }

  /** The result for this very envelope, signature value and key, if one was obtained; it is forgotten. */
  take(envelope: object, value: string, key: KeyObject): boolean | undefined {
    const found = this.results.get(envelope);
    if (found === undefined || found.value !== value || found.key !== key) return undefined;
    this.results.delete(envelope);
    return found.ok;
  }

  forget(envelopes: Iterable<object>): void {
    for (const envelope of envelopes) this.results.delete(envelope);
  }
}

/**
 * Whether `signature.value` is an Ed25519 signature of the envelope's signed bytes by
 * `publicKey`; `checked` may hold the result of the same check made ahead of time.
 */
export function signatureMatches(envelope: Signed, value: string, publicKey: KeyObject, checked?: CheckedSignatures): boolean {
  if (!SIGNATURE_TEXT.test(value)) return false;
  return checked?.take(envelope, value, publicKey) ?? verify(null, signedBytes(envelope), publicKey, Buffer.from(value, 'base64url'));
}
