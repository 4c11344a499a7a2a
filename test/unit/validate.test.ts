import { describe, expect, it } from 'vitest';
import { validateCdm, validateEnvelope } from '../../src/protocol/validate.js';
import { negotiateVersion } from '../../src/protocol/version.js';
import { fixtureJson, sampleCdm, sampleCdmEnvelope } from '../helpers/fixtures.js';
import { isoDay } from '../helpers/clock.js';

describe('CDM validation', () => {
  it('accepts the sample CDM', () => {
    expect(validateCdm(sampleCdm()).ok).toBe(true);
  });

  it('names a missing required field', () => {
    const { tca: _tca, ...withoutTca } = sampleCdm();
    expect(validateCdm(withoutTca)).toEqual({ ok: false, issue: { field: 'tca', message: 'Missing required field: tca' } });
  });

  it('names a nested field with its path', () => {
    const cdm = sampleCdm();
    const broken = { ...cdm, object1: { ...cdm.object1, object_type: 'SPACESHIP' } };
    const result = validateCdm(broken);
    expect(!result.ok && result.issue.field).toBe('object1.object_type');
    expect(!result.ok && result.issue.message).toBe('Invalid field object1.object_type: must be one of PAYLOAD, DEBRIS, ROCKET_BODY, UNKNOWN');
  });

  it('checks ranges and timestamps', () => {
    expect(validateCdm(sampleCdm({ collision_probability: 1.5 }))).toMatchObject({ ok: false, issue: { field: 'collision_probability' } });
    expect(validateCdm(sampleCdm({ miss_distance_m: -1 }))).toMatchObject({ ok: false, issue: { field: 'miss_distance_m' } });
    expect(validateCdm(sampleCdm({ tca: '2026-02-30T00:00:00Z' }))).toMatchObject({ ok: false, issue: { field: 'tca' } });
    expect(validateCdm(sampleCdm({ tca: isoDay(2, '14:22:31').replace('Z', '+02:00') }))).toMatchObject({ ok: false, issue: { field: 'tca' } });
    expect(validateCdm(sampleCdm({ cdm_id: 'has space' }))).toMatchObject({ ok: false, issue: { field: 'cdm_id' } });
  });

  it('keeps unknown fields', () => {
    const cdm = { ...sampleCdm(), vendor_extension: { a: 1 } };
    const result = validateCdm(cdm);
    expect(result.ok && (result.value as Record<string, unknown>).vendor_extension).toEqual({ a: 1 });
  });
});

describe('envelope validation', () => {
  it('accepts every sample envelope', () => {
    for (const name of ['cdm-announce', 'object-state-announce', 'maneuver-intent']) {
      expect(validateEnvelope(fixtureJson(`json/${name}.json`)).ok).toBe(true);
    }
  });

  it('tells an unknown message type apart from a malformed envelope', () => {
    const unknown = validateEnvelope({ ...sampleCdmEnvelope(), message_type: 'CDM_TELEPORT' });
    expect(unknown).toMatchObject({ ok: false, unknownType: 'CDM_TELEPORT', issue: { field: 'message_type' } });
    const malformed = validateEnvelope({ ...sampleCdmEnvelope(), hop_count: -1 });
    expect(malformed).toMatchObject({ ok: false, issue: { field: 'hop_count' } });
    expect('unknownType' in malformed).toBe(false);
  });

  it('prefixes payload fields with payload.', () => {
    const envelope = sampleCdmEnvelope();
    const { tca: _tca, ...cdm } = envelope.payload.cdm;
    expect(validateEnvelope({ ...envelope, payload: { cdm } })).toMatchObject({ ok: false, issue: { field: 'payload.cdm.tca' } });
  });
});

describe('version negotiation', () => {
  it('uses the highest MAJOR.MINOR both list', () => {
    expect(negotiateVersion(['1.0'], ['1.0.0'])).toEqual({ ok: true, version: '1.0' });
    expect(negotiateVersion(['1.0', '1.2'], ['1.1'])).toEqual({ ok: true, version: '1.1' });
  });

  it('refuses a different MAJOR', () => {
    expect(negotiateVersion(['1.0'], ['2.0'])).toEqual({ ok: false, ours: ['1.0'], theirs: ['2.0'] });
  });
});
