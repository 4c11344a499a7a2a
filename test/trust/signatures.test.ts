import { createHash, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/protocol/envelope.js';
import { OriginTrust } from '../../src/trust/guard.js';
import { loadOrCreateKeyFile, readKeyFile } from '../../src/trust/key-file.js';
import { KeyRing, trustedKeysFrom } from '../../src/trust/keyring.js';
import { SigningKey, generateSigningKey, keyIdOf } from '../../src/trust/keys.js';
import { signEnvelope, signedBytes } from '../../src/trust/signing.js';
import { authorityOf, checkSignature, delegatesFrom } from '../../src/trust/verify.js';
import { isoFromNow } from '../helpers/clock.js';
import { sampleCdmEnvelope } from '../helpers/fixtures.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** RFC 8032 section 7.1, TEST 1: secret key, public key and the signature of the empty message. */
const RFC8032_TEST1 = {
  secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

function rfcKey(nodeId: string): SigningKey {
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
  return new SigningKey(nodeId, createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64(RFC8032_TEST1.secret), x: b64(RFC8032_TEST1.public) }, format: 'jwk' }));
}

function announce(source: string, overrides: Partial<Envelope<'CDM_ANNOUNCE'>> = {}): Envelope<'CDM_ANNOUNCE'> {
  return { ...sampleCdmEnvelope(), source_node_id: source, path: [source], ...overrides };
}

function ringWith(nodeId: string, ...keys: { node_id: string; public_key: string; not_after?: string }[]): KeyRing {
  return new KeyRing(nodeId, [], trustedKeysFrom(keys, 'config', 'trust.keys'));
}

describe('keys and key ids', () => {
  it('signs with Ed25519 exactly as RFC 8032 test 1 says, and writes the raw public key in base64url', () => {
    const key = rfcKey('node-a');
    expect(key.sign(Buffer.alloc(0)).toString('hex')).toBe(RFC8032_TEST1.signature);
    expect(Buffer.from(key.public_key, 'base64url').toString('hex')).toBe(RFC8032_TEST1.public);
    expect(key.public_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('names a key <node_id>:<first 16 hex digits of the SHA-256 of the raw public key>', () => {
    const key = rfcKey('node-a');
    const digest = createHash('sha256').update(Buffer.from(RFC8032_TEST1.public, 'hex')).digest('hex');
    expect(key.key_id).toBe(`node-a:${digest.slice(0, 16)}`);
    expect(keyIdOf('node-a', key.public_key)).toBe(key.key_id);
    expect(keyIdOf('node-b', key.public_key)).toBe(`node-b:${digest.slice(0, 16)}`);
  });

  it('never shows the private key in JSON or inspection', () => {
    const key = generateSigningKey('node-a');
    const pem = key.privatePem();
    const body = pem.split('\n')[1] ?? '';
    expect(JSON.stringify(key)).toBe(JSON.stringify({ key_id: key.key_id, public_key: key.public_key }));
    expect(inspect(key)).not.toContain(body);
    expect(JSON.stringify({ nested: key })).not.toContain('PRIVATE');
  });

  it('creates the key file with mode 0600 at first use and reads the same key after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spacecomms-key-'));
    dirs.push(dir);
    const path = join(dir, 'sub', 'node.key');
    const first = loadOrCreateKeyFile('node-a', path);
    expect(first.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = loadOrCreateKeyFile('node-a', path);
    expect(again.created).toBe(false);
    expect(again.key.key_id).toBe(first.key.key_id);
    expect(() => readKeyFile('node-a', join(dir, 'missing.key'))).toThrow(/node\.signing_key_path: cannot read .*no such file/);
  });
});

describe('signed bytes (PROTOCOL.md section 10)', () => {
  it('are the RFC 8785 form of message_id, timestamp, source_node_id, message_type and payload', () => {
    const envelope = announce('node-a');
    const text = signedBytes(envelope).toString('utf8');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['message_id', 'message_type', 'payload', 'source_node_id', 'timestamp']);
    expect(parsed).toEqual({ message_id: envelope.message_id, message_type: 'CDM_ANNOUNCE', payload: envelope.payload, source_node_id: 'node-a', timestamp: envelope.timestamp });
    expect(text).not.toMatch(/\s"|":\s/);
  });

  it('do not change with hop_count, ttl, path, signature or member order, and change with the payload', () => {
    const envelope = announce('node-a');
    const reordered = Object.fromEntries(Object.entries(envelope).reverse()) as unknown as Envelope;
    const relayed = { ...envelope, hop_count: 3, ttl: 2, path: ['node-a', 'x', 'y'] };
    expect(signedBytes(relayed).equals(signedBytes(envelope))).toBe(true);
    expect(signedBytes(reordered).equals(signedBytes(envelope))).toBe(true);
    const altered = { ...envelope, payload: { cdm: { ...envelope.payload.cdm, miss_distance_m: 5000 } } };
    expect(signedBytes(altered).equals(signedBytes(envelope))).toBe(false);
  });
});

describe('verification', () => {
  const keyA = generateSigningKey('node-a');
  const keyM = generateSigningKey('mallory');
  const ring = ringWith('node-c', { node_id: 'node-a', public_key: keyA.public_key }, { node_id: 'mallory', public_key: keyM.public_key });

  it('verifies a signed message, also after relays changed hop_count, ttl and path', () => {
    const signed = signEnvelope(announce('node-a'), keyA);
    expect(signed.signature).toMatchObject({ alg: 'ed25519', key_id: keyA.key_id });
    expect(signed.signature?.value).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(checkSignature({ ...signed, hop_count: 2, ttl: 8, path: ['node-a', 'node-b', 'node-c'] }, ring)).toEqual({ result: 'verified', key_id: keyA.key_id });
  });

  it('refuses a signature text that is not the canonical base64url of its bytes, though it decodes to the same signature', () => {
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const signed = signEnvelope(announce('node-a'), keyA);
    const value = signed.signature?.value ?? '';
    expect(value).toMatch(/[AQgw]$/);
    // The last character holds 2 bits of the signature and 4 pad bits: setting a pad bit keeps the bytes.
    const padded = `${value.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(value.at(-1) ?? 'A') + 1] ?? ''}`;
    expect(Buffer.from(padded, 'base64url').equals(Buffer.from(value, 'base64url'))).toBe(true);
    expect(checkSignature({ ...signed, signature: { ...signed.signature!, value: padded } }, ring)).toMatchObject({ result: 'invalid' });
    expect(checkSignature(signed, ring).result).toBe('verified');
  });

  it('calls a message without signature unsigned, and one by a key it does not know unknown_key', () => {
    expect(checkSignature(announce('node-a'), ring).result).toBe('unsigned');
    const stranger = generateSigningKey('node-a');
    expect(checkSignature(signEnvelope(announce('node-a'), stranger), ring)).toMatchObject({ result: 'unknown_key', key_id: stranger.key_id });
  });

  it('refuses an altered payload, a forged origin and a wrong algorithm as invalid', () => {
    const signed = signEnvelope(announce('node-a'), keyA);
    const altered = { ...signed, payload: { cdm: { ...signed.payload.cdm, collision_probability: 0 } } };
    expect(checkSignature(altered, ring)).toMatchObject({ result: 'invalid', reason: expect.stringMatching(/does not match/) as unknown });
    const forged = signEnvelope(announce('mallory'), keyM);
    const claimed = { ...forged, source_node_id: 'node-a' };
    expect(checkSignature(claimed, ring)).toMatchObject({ result: 'invalid', reason: expect.stringMatching(/not a key of the origin node-a/) as unknown });
    const otherAlg = { ...signed, signature: { ...signed.signature, alg: 'rsa' } } as Envelope;
    expect(checkSignature(otherAlg, ring).result).toBe('invalid');
    const garbage = { ...signed, signature: { alg: 'ed25519', key_id: keyA.key_id, value: 'AAAA' } };
    expect(checkSignature(garbage, ring).result).toBe('invalid');
  });

  it('keeps what a retired key signed before not_after valid, and refuses what it signed after', () => {
    const retiredAt = isoFromNow(-60_000);
    const retiring = ringWith('node-c', { node_id: 'node-a', public_key: keyA.public_key, not_after: retiredAt });
    const before = signEnvelope(announce('node-a', { timestamp: isoFromNow(-120_000) }), keyA);
    const after = signEnvelope(announce('node-a', { timestamp: isoFromNow(0) }), keyA);
    expect(checkSignature(before, retiring).result).toBe('verified');
    expect(checkSignature(after, retiring)).toMatchObject({ result: 'invalid', reason: expect.stringMatching(/retired/) as unknown });
  });

  it('reports a bad trusted key by its place in the list', () => {
    expect(() => trustedKeysFrom([{ node_id: 'node-a', public_key: 'short' }], 'config', 'trust.keys')).toThrow(/^trust\.keys\[0\]\.public_key: must be the base64url/);
    expect(() => trustedKeysFrom([{ node_id: 'node-a', public_key: keyA.public_key, not_after: 'tomorrow' }], 'config', 'trust.keys')).toThrow(/trust\.keys\[0\]\.not_after/);
  });

  it('takes HELLO keys only for the peer’s own node id', () => {
    const helloRing = new KeyRing('node-c', [], []);
    const result = helloRing.setHelloKeys('node-a', [
      { key_id: keyA.key_id, public_key: keyA.public_key },
      { key_id: keyId('mallory', keyM), public_key: keyM.public_key },
    ]);
    expect(result.accepted).toEqual([keyA.key_id]);
    expect(result.refused[0]?.reason).toMatch(/only for the peer's own node id/);
    expect(helloRing.find(keyA.key_id)?.source).toBe('hello');
    helloRing.keepHelloKeysOf(new Set());
    expect(helloRing.find(keyA.key_id)).toBeUndefined();
  });
});

function keyId(nodeId: string, key: SigningKey): string {
  return keyIdOf(nodeId, key.public_key);
}

describe('authority and modes', () => {
  const keyA = generateSigningKey('node-a');
  const keyB = generateSigningKey('node-b');
  const ring = ringWith('node-c', { node_id: 'node-a', public_key: keyA.public_key }, { node_id: 'node-b', public_key: keyB.public_key });
  const delegates = delegatesFrom([{ node_id: 'regulator', may_act_for: ['node-a'] }]);

  it('gives a record to its first announcer and lets only it or a delegate change it', () => {
    expect(authorityOf('node-b', undefined, delegates)).toBe('origin');
    expect(authorityOf('node-a', 'node-a', delegates)).toBe('origin');
    expect(authorityOf('regulator', 'node-a', delegates)).toBe('delegate');
    expect(authorityOf('node-b', 'node-a', delegates)).toBe('not_origin');
    expect(authorityOf('regulator', 'node-b', delegates)).toBe('not_origin');
  });

  it('refuses in enforce, marks in log and checks nothing when off', () => {
    const byB = signEnvelope(announce('node-b'), keyB);
    const reports: boolean[] = [];
    const trust = new OriginTrust(generateSigningKey('node-c'), { mode: 'enforce', ring, delegates }, (r) => reports.push(r.refused));
    const refused = trust.inspect(byB, 'node-a', false);
    expect(refused.refuse).toMatch(/node-b has no authority over a record of node-a/);
    expect(refused.check).toMatchObject({ verified: true, authority: 'not_origin' });
    expect(trust.inspect(byB, 'node-b', false)).toEqual({ check: { key_id: keyB.key_id, verified: true, result: 'verified', authority: 'origin' } });
    trust.reconfigure({ mode: 'log', ring, delegates });
    const marked = trust.inspect(byB, 'node-a', false);
    expect(marked.refuse).toBeUndefined();
    expect(marked.check.authority).toBe('not_origin');
    trust.reconfigure({ mode: 'off', ring, delegates });
    expect(trust.inspect(byB, 'node-a', false).check.result).toBe('not_checked');
    expect(reports).toEqual([true, false, false]);
  });

  it('takes an unsigned TCA_PASSED withdrawal of a CDM whose TCA has passed, and refuses one that is not', () => {
    const trust = new OriginTrust(generateSigningKey('node-c'), { mode: 'enforce', ring, delegates });
    const withdrawal = { ...announce('node-b'), message_type: 'CDM_WITHDRAW', payload: { cdm_id: 'X', reason: 'TCA_PASSED', effective_time: isoFromNow(0) } } as unknown as Envelope;
    expect(trust.inspect(withdrawal, 'node-a', true)).toEqual({ check: expect.objectContaining({ result: 'tca_expiry', verified: false }) as unknown });
    expect(trust.inspect(withdrawal, 'node-a', false).refuse).toMatch(/no signature/);
  });
});
