import type { SignatureCheck } from '../model/records.js';
import type { Envelope } from '../protocol/envelope.js';
import type { PublicKeyEntry } from '../protocol/messages.js';
import type { KeyRing } from './keyring.js';
import { deepFreeze } from '../model/freeze.js';
import { nodeIdOfKey, type SigningKey } from './keys.js';
import { CheckedSignatures, isSignatureText, SIGNATURE_ALG, signedBytes, signEnvelope } from './signing.js';
import { authorityOf, checkSignature, type Delegates } from './verify.js';
import type { SignatureVerifierPool, VerifyJob } from './verify-pool.js';

/** `trust.mode`: `off` checks nothing; `log` checks, records and accepts; `enforce` refuses what fails. */
export type TrustMode = 'off' | 'log' | 'enforce';
export const TRUST_MODES: readonly TrustMode[] = ['off', 'log', 'enforce'];

/** One checked message, for the node's log and metrics. */
export interface TrustReport {
  message: Envelope;
  check: SignatureCheck;
  mode: TrustMode;
  refused: boolean;
}

export interface TrustSettings {
  mode: TrustMode;
  ring: KeyRing;
  delegates: Delegates;
}

/**
 * Origin signatures at one node (PROTOCOL.md section 10): signs what the node originates
 * and checks every table message it receives, per `trust.mode`. The settings (mode, keys,
 * delegates) are replaced on reload; the signing key when `node.signing_key_path` changes.
 */
export class OriginTrust {
  /** Results of a batch's checks made ahead of time, until `inspect` takes them. */
  private readonly checked = new CheckedSignatures();

  constructor(
    private signingKey: SigningKey,
    private settings: TrustSettings,
    private readonly report: (report: TrustReport) => void = () => undefined,
    private readonly pool?: SignatureVerifierPool,
  ) {}

  get mode(): TrustMode {
    return this.settings.mode;
  }

  get key(): SigningKey {
    return this.signingKey;
  }

  get delegates(): Delegates {
    return this.settings.delegates;
  }

  get ring(): KeyRing {
    return this.settings.ring;
  }

  reconfigure(settings: TrustSettings, signingKey: SigningKey = this.signingKey): void {
    this.settings = settings;
    this.signingKey = signingKey;
  }

  /** HELLO `public_keys`: the node's current signing key. */
  publicKeys(): PublicKeyEntry[] {
    return [{ key_id: this.signingKey.key_id, public_key: this.signingKey.public_key }];
  }

  /** Adds the section 10 signature to a message this node originates. */
  sign<T extends Envelope>(envelope: T): T {
    return signEnvelope(envelope, this.signingKey);
  }

  /** The check kept with a message this node originated; `forced` when its operator acted on another origin's record. */
  ownCheck(envelope: Envelope, origin: string | undefined, forced: boolean): SignatureCheck {
    const authority = authorityOf(envelope.source_node_id, origin, this.settings.delegates);
    return {
      key_id: envelope.signature?.key_id ?? null,
      verified: envelope.signature !== undefined,
      result: envelope.signature !== undefined ? 'verified' : 'unsigned',
      authority,
      ...(authority === 'not_origin' ? { reason: `the record belongs to ${origin ?? '?'}` } : {}),
      ...(forced ? { forced: true } : {}),
    };
  }

  /**
   * Checks a received table message against the record's `origin` (undefined: no record
   * yet). `tcaExpiry`: a TCA_PASSED withdrawal of a CDM whose TCA has passed by this
   * node's own rule, which needs neither signature nor authority. `refuse` is set only in
   * `enforce` mode, with the reason the node answers INVALID_SIGNATURE with.
   */
  inspect(envelope: Envelope, origin: string | undefined, tcaExpiry: boolean): { check: SignatureCheck; refuse?: string } {
    const mode = this.settings.mode;
    if (mode === 'off') {
      return { check: { key_id: envelope.signature?.key_id ?? null, verified: false, result: 'not_checked', authority: authorityOf(envelope.source_node_id, origin, this.settings.delegates) } };
    }
    const signature = checkSignature(envelope, this.settings.ring, this.checked);
    if (tcaExpiry && signature.result !== 'verified') {
      return { check: { key_id: signature.key_id, verified: false, result: 'tca_expiry', authority: 'origin', reason: 'TCA passed: every node withdraws by the same rule' } };
    }
    const authority = authorityOf(envelope.source_node_id, origin, this.settings.delegates);
    const reasons = [
      ...(signature.result !== 'verified' && signature.reason ? [signature.reason] : []),
      ...(authority === 'not_origin' ? [`${envelope.source_node_id} has no authority over a record of ${origin ?? '?'} (not its origin, not a delegate)`] : []),
    ];
    const check: SignatureCheck = {
      key_id: signature.key_id,
      verified: signature.result === 'verified',
      result: signature.result,
      authority,
      ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    };
    const failed = reasons.length > 0;
    const refused = failed && mode === 'enforce';
    this.report({ message: envelope, check, mode, refused });
    return refused ? { check, refuse: check.reason ?? 'signature not verified' } : { check };
  }

  /**
   * Checks the Ed25519 signatures of a batch's envelopes ahead of time, in parallel
   * (`SignatureVerifierPool`), so that `inspect` finds each result instead of checking on
   * the event loop. Envelopes that are not signed, name an unknown key or are not valid
   * JSON for the signed bytes are left to `inspect`, which decides everything else as
   * before (key validity, authority, mode). Returns a function that forgets the results
   * `inspect` did not take.
   */
  async checkAhead(items: readonly unknown[]): Promise<() => void> {
    if (!this.pool || this.settings.mode === 'off' || items.length < 2) return () => undefined;
    const ahead = items.map((item) => this.checkFor(item)).filter((check) => check !== undefined);
    if (ahead.length < 2) return () => undefined;
    const results = await this.pool.verify(ahead.map((check) => check.job));
    ahead.forEach(({ envelope, value, job }, i) => this.checked.add(envelope, value, job.key, results[i] === true));
    return () => this.checked.forget(ahead.map((check) => check.envelope));
  }

  /** The check of a signed envelope of a trusted key; the envelope is frozen first, so that its bytes stay those checked. */
  private checkFor(item: unknown): { envelope: object; value: string; job: VerifyJob } | undefined {
    if (typeof item !== 'object' || item === null) return undefined;
    const envelope = item as Partial<Envelope>;
    const signature = envelope.signature;
    if (typeof signature !== 'object' || signature === null || signature.alg !== SIGNATURE_ALG) return undefined;
    if (typeof signature.key_id !== 'string' || typeof signature.value !== 'string' || !isSignatureText(signature.value)) return undefined;
    if (nodeIdOfKey(signature.key_id) !== envelope.source_node_id) return undefined;
    const key = this.settings.ring.find(signature.key_id);
    if (!key) return undefined;
    deepFreeze(item);
    let bytes: Buffer;
    try {
      bytes = signedBytes(envelope as Envelope);
    } catch {
      return undefined;
    }
    return { envelope: item, value: signature.value, job: { bytes, signature: Buffer.from(signature.value, 'base64url'), key: key.key } };
  }
}
