/**
 * CCSDS 508.0 Conjunction Data Messages (KVN and XML) ↔ the node's CDM model.
 * Pure: no I/O, no clock. Readers return error values and never throw.
 */
import type { Cdm } from '../protocol/cdm.js';
import { decodeMessage } from './decode.js';
import { ccsdsError, type Outcome } from './errors.js';
import { VERSION_KEYWORD } from './keywords.js';
import { readKvn } from './kvn-read.js';
import { buildModel } from './map-read.js';
import { readXml } from './xml-read.js';
import type { CcsdsResult, RawMessage } from './types.js';

export { writeCdmKvn } from './kvn-write.js';
export { writeCdmXml } from './xml-write.js';
export type { CcsdsBlock, CcsdsError, CcsdsResult, CdmWithCcsds, CommentPlacement, KeywordValue, SectionName } from './types.js';

export type CcsdsFormat = 'kvn' | 'xml';

/** 'xml' if the text starts with `<`, 'kvn' if its first keyword is CCSDS_CDM_VERS (after BOM, blanks, COMMENTs). */
export function detectCcsdsFormat(text: string): CcsdsFormat | undefined {
  if (typeof text !== 'string') return undefined;
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('<')) return 'xml';
  for (const line of body.split(/\r\n|\r|\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || /^COMMENT(?:\s|$)/.test(trimmed)) continue;
    return new RegExp(`^${VERSION_KEYWORD}\\s*=`).test(trimmed) ? 'kvn' : undefined;
  }
  return undefined;
}

function toResult(outcome: Outcome<Cdm>): CcsdsResult {
  return outcome.ok ? { ok: true, cdm: outcome.value } : outcome;
}

function parseWith(read: (text: string) => Outcome<RawMessage>, text: string): CcsdsResult {
  if (typeof text !== 'string') return { ok: false, error: ccsdsError('', {}, 'the message is not text') };
  try {
    const raw = read(text);
    if (!raw.ok) return raw;
    const decoded = decodeMessage(raw.value);
    if (!decoded.ok) return decoded;
    return toResult(buildModel(decoded.value));
  } catch (error) {
    // Defensive: a reader bug must surface as a refusal, never as an exception to the caller.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: ccsdsError('', {}, `unreadable message (${reason})`) };
  }
}

export function parseCdmKvn(text: string): CcsdsResult {
  return parseWith(readKvn, text);
}

export function parseCdmXml(text: string): CcsdsResult {
  return parseWith(readXml, text);
}

/** Reads KVN or XML, whichever the text is. */
export function parseCdm(text: string): CcsdsResult {
  const format = detectCcsdsFormat(text);
  if (format === 'kvn') return parseCdmKvn(text);
  if (format === 'xml') return parseCdmXml(text);
  return {
    ok: false,
    error: ccsdsError(VERSION_KEYWORD, {}, 'not a CCSDS CDM: expected KVN starting with CCSDS_CDM_VERS, or XML'),
  };
}
