import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, sign, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';

/** A public key as written in configuration and HELLO: base64url (no padding) of the raw 32 bytes. */
export const PUBLIC_KEY_TEXT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The raw 32-byte Ed25519 public key of `key` (a public or private key object): the JWK
 * `x` member, which RFC 8037 section 2 defines as the base64url of the raw public key.
 */
export function rawPublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const x = publicKey.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new TypeError('not an Ed25519 key');
  return Buffer.from(x, 'base64url');
}

/**
 * PROTOCOL.md section 10: `<node_id>:<first 16 hex digits of the SHA-256 of the raw
 * 32-byte public key>`. `raw` is the raw key (32 bytes) or its base64url text.
 */
export function keyIdOf(nodeId: string, raw: Buffer | string): string {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'base64url') : raw;
  return `${nodeId}:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
}

/** The node id a key id names (everything before the last `:`), or undefined when it has none. */
export function nodeIdOfKey(keyId: string): string | undefined {
  const at = keyId.lastIndexOf(':');
  return at > 0 ? keyId.slice(0, at) : undefined;
}

/**
 * A public key object from its base64url text; throws a RangeError naming the problem
 * (wrong length or alphabet) without echoing the text.
 */
export function publicKeyFromText(text: string): KeyObject {
  if (!PUBLIC_KEY_TEXT.test(text)) throw new RangeError('must be the base64url (no padding) of a raw 32-byte Ed25519 public key: 43 characters of A-Z a-z 0-9 - _');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: text }, format: 'jwk' });
}

/**
 * A node's Ed25519 signing key. The private key lives in an ES private field, so that
 * `JSON.stringify`, pino and `util.inspect` see only `key_id` and `public_key`.
 */
export class SigningKey {
  readonly key_id: string;
  /** base64url of the raw 32-byte public key. */
  readonly public_key: string;
  readonly publicKey: KeyObject;
  readonly #privateKey: KeyObject;

  constructor(nodeId: string, privateKey: KeyObject) {
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 private key');
    this.#privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
    const raw = rawPublicKey(this.publicKey);
    this.public_key = raw.toString('base64url');
    this.key_id = keyIdOf(nodeId, raw);
  }

  /** An Ed25519 signature (RFC 8032, 64 bytes) of `data`, by node's crypto (OpenSSL). */
  sign(data: Buffer): Buffer {
    return sign(null, data, this.#privateKey);
  }

  /**
   * A 32-byte symmetric key for `purpose`, derived from the private key with HKDF-SHA256
   * (RFC 5869; input: the PKCS#8 DER of the private key), so that secrets sealed with it
   * can be opened only by a holder of this node's key.
   */
  deriveKey(purpose: string): Buffer {
    const der = this.#privateKey.export({ format: 'der', type: 'pkcs8' });
    return Buffer.from(hkdfSync('sha256', der, 'spacecomms', purpose, 32));
  }

  /** The private key as PKCS#8 PEM, for writing the key file only. */
  privatePem(): string {
    return this.#privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  toJSON(): { key_id: string; public_key: string } {
    return { key_id: this.key_id, public_key: this.public_key };
  }

  [inspect.custom](): string {
    return `SigningKey { key_id: ${this.key_id}, public_key: ${this.public_key} }`;
  }
}

/** A new Ed25519 key pair for `nodeId`. */
export function generateSigningKey(nodeId: string): SigningKey {
  return new SigningKey(nodeId, generateKeyPairSync('ed25519').privateKey);
}

/** Reads a PKCS#8 PEM Ed25519 private key; throws a RangeError that never quotes the text. */
export function signingKeyFromPem(nodeId: string, pem: string): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new RangeError('is not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new RangeError(`is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  return new SigningKey(nodeId, key);
}
