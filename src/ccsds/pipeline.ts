import type { Cdm } from '../protocol/cdm.js';
import { decodeMessage } from './decode.js';
import { ccsdsError, type Outcome } from './errors.js';
import { buildModel } from './map-read.js';
import type { CcsdsError, CcsdsResult, RawMessage } from './types.js';

function toResult(outcome: Outcome<Cdm>): CcsdsResult {
  return outcome.ok ? { ok: true, cdm: outcome.value } : outcome;
}

/** A refusal for an exception out of a reader (a bug): callers get an error value, never an exception. */
export function unreadable(error: unknown): { ok: false; error: CcsdsError } {
  const reason = error instanceof Error ? error.message : String(error);
  return { ok: false, error: ccsdsError('', {}, `unreadable message (${reason})`) };
}

/** Decodes and maps one raw message (from KVN, XML or Space-Track JSON) onto the model. */
export function modelFromRaw(raw: Outcome<RawMessage>): CcsdsResult {
  if (!raw.ok) return raw;
  try {
    const decoded = decodeMessage(raw.value);
    if (!decoded.ok) return decoded;
    return toResult(buildModel(decoded.value));
  } catch (error) {
    return unreadable(error);
  }
}
