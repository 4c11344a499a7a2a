import { afterAll, describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/model/freeze.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import { OriginTrust } from '../../src/trust/guard.js';
import { KeyRing, trustedKeysFrom } from '../../src/trust/keyring.js';
import { generateSigningKey } from '../../src/trust/keys.js';
import { CheckedSignatures, signEnvelope, signedBytes } from '../../src/trust/signing.js';
import { SignatureVerifierPool, type VerifyJob } from '../../src/trust/verify-pool.js';
import { delegatesFrom } from '../../src/trust/verify.js';
import { sampleCdmEnvelope } from '../helpers/fixtures.js';

const origin = generateSigningKey('node-a');
const ring = new KeyRing('node-c', [], trustedKeysFrom([{ node_id: 'node-a', public_key: origin.public_key }], 'config', 'trust.keys'));
const delegates = delegatesFrom([]);
const pools: SignatureVerifierPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.stop()));
});

function signed(cdmId: string): Envelope {
  const base = sampleCdmEnvelope();
  const envelope = { ...base, message_id: `m-${cdmId}`, source_node_id: 'node-a', path: ['node-a'], payload: { cdm: { ...base.payload.cdm, cdm_id: cdmId } } } as Envelope;
  return signEnvelope(envelope, origin);
}

function jobOf(envelope: Envelope): VerifyJob {
  const key = ring.find(envelope.signature?.key_id ?? '');
  if (!key || !envelope.signature) throw new Error('test envelope without a trusted signature');
  return { bytes: signedBytes(envelope), signature: Buffer.from(envelope.signature.value, 'base64url'), key: key.key };
}

/** A pool that answers every check with `answer`, to see whether results made ahead are used. */
class AnsweringPool extends SignatureVerifierPool {
  calls = 0;
  constructor(private readonly answer: boolean) {
    super(1);
  }
  override verify(jobs: readonly VerifyJob[]): Promise<boolean[]> {
    this.calls++;
    return Promise.resolve(jobs.map(() => this.answer));
  }
}

describe('SignatureVerifierPool', () => {
  it.each([1, 2, 3])('answers each check in order with %i worker thread(s) sharing the work', async (workers) => {
    const pool = new SignatureVerifierPool(workers);
    pools.push(pool);
    const envelopes = Array.from({ length: 25 }, (_, i) => signed(`P-${workers}-${i}`));
    const jobs = envelopes.map(jobOf);
    // Every third check is of altered bytes, every fifth of a damaged signature.
    const expected = jobs.map((_, i) => i % 3 !== 1 && i % 5 !== 4);
    const asked = jobs.map((job, i) => ({
      ...job,
      bytes: i % 3 === 1 ? Buffer.concat([job.bytes, Buffer.from(' ')]) : job.bytes,
      signature: i % 5 === 4 ? Buffer.from(job.signature.map((b, j) => (j === 0 ? b ^ 1 : b))) : job.signature,
    }));
    expect(await pool.verify(asked)).toEqual(expected);
    expect(await pool.verify(asked.slice(0, 1))).toEqual(expected.slice(0, 1));
  });

  it('still checks every job on the calling thread once stopped, and a malformed key or signature is a failed check', async () => {
    const pool = new SignatureVerifierPool(1);
    await pool.verify([jobOf(signed('S-1')), jobOf(signed('S-2'))]);
    await pool.stop();
    const good = jobOf(signed('S-3'));
    expect(await pool.verify([good, { ...good, signature: Buffer.alloc(3) }, good])).toEqual([true, false, true]);
  });
});

describe('CheckedSignatures', () => {
  it('gives a result once, only for the same frozen envelope, signature value and key', () => {
    const envelope = deepFreeze(signed('C-1'));
    const job = jobOf(envelope);
    const value = envelope.signature?.value ?? '';
    const checked = new CheckedSignatures();
    checked.add(envelope, value, job.key, true);
    expect(checked.take({ ...envelope }, value, job.key)).toBeUndefined();
    expect(checked.take(envelope, value, generateSigningKey('node-a').publicKey)).toBeUndefined();
    expect(checked.take(envelope, 'other', job.key)).toBeUndefined();
    expect(checked.take(envelope, value, job.key)).toBe(true);
    expect(checked.take(envelope, value, job.key)).toBeUndefined();
    expect(() => checked.add(signed('C-2'), value, job.key, true)).toThrow(/frozen/);
  });
});

describe('deepFreeze', () => {
  it('freezes every object and array inside, also under one already frozen', () => {
    const inner = { list: [{ a: 1 }] };
    const value = Object.freeze({ inner, n: 2 });
    deepFreeze(value);
    expect(Object.isFrozen(inner)).toBe(true);
    expect(Object.isFrozen(inner.list)).toBe(true);
    expect(Object.isFrozen(inner.list[0])).toBe(true);
    expect(() => {
      (inner.list[0] as { a: number }).a = 3;
    }).toThrow(TypeError);
  });
});

describe('OriginTrust.checkAhead', () => {
  it('uses the results checked ahead for unchanged envelopes, and checks again an envelope changed since', async () => {
    // The pool answers "valid" for everything: a forged signature then passes only if its result made ahead is used.
    const pool = new AnsweringPool(true);
    const trust = new OriginTrust(generateSigningKey('node-c'), { mode: 'enforce', ring, delegates }, undefined, pool);
    const forged = { ...signed('F-1'), signature: { ...signed('F-1').signature!, value: signed('F-2').signature!.value } };
    const other = { ...signed('F-3'), signature: { ...signed('F-3').signature!, value: signed('F-4').signature!.value } };
    const forget = await trust.checkAhead([forged, other, { not: 'an envelope' }, null]);
    expect(pool.calls).toBe(1);
    expect(trust.inspect(forged, undefined, false).check.result).toBe('verified');
    // Changed after its check ahead: other bytes, so it is checked again, and refused.
    const again = trust.inspect({ ...other, timestamp: '2000-01-01T00:00:00Z' }, undefined, false);
    expect(again.check.result).toBe('invalid');
    expect(again.refuse).toMatch(/does not match/);
    // A result is used once: the same envelope inspected again is checked on the spot.
    expect(trust.inspect(forged, undefined, false).check.result).toBe('invalid');
    forget();
  });

  it('checks nothing ahead when off, for a single envelope, or for envelopes of unknown keys', async () => {
    const pool = new AnsweringPool(true);
    const off = new OriginTrust(generateSigningKey('node-c'), { mode: 'off', ring, delegates }, undefined, pool);
    await off.checkAhead([signed('O-1'), signed('O-2')]);
    const log = new OriginTrust(generateSigningKey('node-c'), { mode: 'log', ring, delegates }, undefined, pool);
    await log.checkAhead([signed('O-3')]);
    const stranger = generateSigningKey('node-b');
    const unknown = [signEnvelope({ ...signed('O-4'), source_node_id: 'node-b' }, stranger), signEnvelope({ ...signed('O-5'), source_node_id: 'node-b' }, stranger)];
    await log.checkAhead(unknown);
    expect(pool.calls).toBe(0);
    expect(log.inspect(unknown[0] as Envelope, undefined, false).check.result).toBe('unknown_key');
  });

  it('gives the same verdicts as checking one by one, with a real pool', async () => {
    const pool = new SignatureVerifierPool(1);
    pools.push(pool);
    const trust = new OriginTrust(generateSigningKey('node-c'), { mode: 'log', ring, delegates }, undefined, pool);
    const plain = new OriginTrust(generateSigningKey('node-c'), { mode: 'log', ring, delegates });
    const envelopes = Array.from({ length: 12 }, (_, i) => signed(`R-${i}`));
    const tampered = envelopes.map((e, i) => (i % 4 === 2 ? { ...e, timestamp: '2000-01-01T00:00:00Z' } : e));
    const forget = await trust.checkAhead(tampered);
    const ahead = tampered.map((e) => trust.inspect(e, undefined, false).check);
    forget();
    expect(ahead).toEqual(tampered.map((e) => plain.inspect(e, undefined, false).check));
    expect(ahead.filter((c) => c.result === 'invalid')).toHaveLength(3);
  });
});
