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

/** base64url of 64 bytes: 86 characters, no padding. */
const SIGNATURE_TEXT = /^[A-Za-z0-9_-]{86}$/;

/** Whether `value` has the form of a signature: base64url of 64 bytes. */
export function isSignatureText(value: string): boolean {
  return SIGNATURE_TEXT.test(value);
}

/**
 * Results of Ed25519 checks made ahead of time (a batch checked on several cores), by
 * signature value. A result is used once, and only for the very same signed bytes,
 * signature and key it was obtained for; anything else is checked again.
 */
export class CheckedSignatures {
  private readonly results = new Map<string, { bytes: Buffer; key: KeyObject; ok: boolean }>();

  add(value: string, bytes: Buffer, key: KeyObject, ok: boolean): void {
    this.results.set(value, { bytes, key, ok });
  }

  /** The result for exactly these bytes, signature and key, if one was obtained; it is forgotten. */
  take(value: string, bytes: Buffer, key: KeyObject): boolean | undefined {
    const found = this.results.get(value);
    if (found === undefined || found.key !== key || !found.bytes.equals(bytes)) return undefined;
    this.results.delete(value);
    return found.ok;
  }

  forget(values: Iterable<string>): void {
    for (const value of values) this.results.delete(value);
  }

  get size(): number {
    return this.results.size;
  }
}

/**
 * Whether `signature.value` is an Ed25519 signature of the envelope's signed bytes by
 * `publicKey`; `checked` may hold the result of the same check made ahead of time.
 */
export function signatureMatches(envelope: Signed, value: string, publicKey: KeyObject, checked?: CheckedSignatures): boolean {
  if (!SIGNATURE_TEXT.test(value)) return false;
  const bytes = signedBytes(envelope);
  return checked?.take(value, bytes, publicKey) ?? verify(null, bytes, publicKey, Buffer.from(value, 'base64url'));
}
