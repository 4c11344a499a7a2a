import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './processes.js';

/** An origin's Ed25519 key pair, as the node's configuration takes it (PROTOCOL.md section 10). */
export interface BenchKey {
  nodeId: string;
  /** PKCS#8 PEM private key, for `node.signing_key_path`. */
  pem: string;
  /** base64url of the raw 32-byte public key, for `trust.keys[].public_key`. */
  publicKey: string;
}

/** A new key pair for `nodeId`, made in the bench process (never by the node under test). */
export function benchKey(nodeId: string): BenchKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('bench: no raw public key in the JWK');
  return { nodeId, pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: jwk.x };
}

interface SignedEnvelopes {
  sign(envelope: object): object;
}

/**
 * Signs envelopes with `key` through the node's own code (`dist/trust`), so that the bench's
 * signed bytes are exactly those the nodes check.
 */
export async function envelopeSigner(key: BenchKey): Promise<SignedEnvelopes> {
  // Paths computed so that tsc does not try to resolve (and compile) the built JavaScript.
  const keys = (await import(pathToFileURL(join(ROOT, 'dist/trust/keys.js')).href)) as { signingKeyFromPem(nodeId: string, pem: string): unknown };
  const signing = (await import(pathToFileURL(join(ROOT, 'dist/trust/signing.js')).href)) as { signEnvelope(envelope: object, key: unknown): object };
  const signingKey = keys.signingKeyFromPem(key.nodeId, key.pem);
  return { sign: (envelope) => signing.signEnvelope(envelope, signingKey) };
}
