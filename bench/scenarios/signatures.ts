import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figures } from '../lib/report.js';
import { ROOT } from '../lib/processes.js';
import { load, microsPerCall } from '../lib/in-process.js';

interface TrustModules {
  keys: { generateSigningKey(nodeId: string): { key_id: string; public_key: string } };
  signing: { signEnvelope<T>(envelope: T, key: unknown): T; signedBytes(envelope: unknown): Buffer };
  keyring: {
    KeyRing: new (nodeId: string, own: unknown[], configured: unknown[]) => unknown;
    trustedKeysFrom(entries: unknown[], source: string, where: string): unknown[];
  };
  verify: { checkSignature(envelope: unknown, ring: unknown): { result: string } };
}

/**
 * Cost per message of origin signatures (PROTOCOL.md section 10) on the fixture CDM: the
 * RFC 8785 signed bytes, an Ed25519 signature, and a full check (bytes, key lookup,
 * verification). The node scenarios above run with signing and `trust.mode: log` on.
 */
export async function signatureCost(calls = 5000): Promise<Figures> {
  const m: TrustModules = {
    keys: await load('dist/trust/keys.js'),
    signing: await load('dist/trust/signing.js'),
    keyring: await load('dist/trust/keyring.js'),
    verify: await load('dist/trust/verify.js'),
  };
  const envelope = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/json/cdm-announce.json'), 'utf8')) as { source_node_id: string };
  const key = m.keys.generateSigningKey(envelope.source_node_id);
  const ring = new m.keyring.KeyRing('bench', [], m.keyring.trustedKeysFrom([{ node_id: envelope.source_node_id, public_key: key.public_key }], 'config', 'bench'));
  const signed = m.signing.signEnvelope(envelope, key);
  if (m.verify.checkSignature(signed, ring).result !== 'verified') throw new Error('signature bench: the signed fixture does not verify');
  return {
    canonical_bytes_us: microsPerCall(() => m.signing.signedBytes(envelope), calls),
    sign_us: microsPerCall(() => m.signing.signEnvelope(envelope, key), calls),
    verify_us: microsPerCall(() => m.verify.checkSignature(signed, ring), calls),
    method: 'in-process, fixture CDM_ANNOUNCE, mean of N calls after warm-up',
  };
}
