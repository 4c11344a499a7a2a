/**
 * CCSDS 508.0 Conjunction Data Messages (KVN and XML) ↔ the node's CDM model.
 * Pure: no I/O, no clock. Readers return error values and never throw.
 */
import { ccsdsError, type Outcome } from './errors.js';
import { VERSION_KEYWORD } from './keywords.js';
import { readKvn } from './kvn-read.js';
import { modelFromRaw, unreadable } from './pipeline.js';
import { readXml, readXmlMessages } from './xml-read.js';
import type { CcsdsBatch, CcsdsResult, RawMessage } from './types.js';

export { writeCdmKvn } from './kvn-write.js';
export { writeCdmXml } from './xml-write.js';
export { isSpaceTrackCdmJson, parseSpaceTrackCdms } from './spacetrack.js';
export type { CcsdsBatch, CcsdsBlock, CcsdsError, CcsdsResult, CdmWithCcsds, CommentPlacement, KeywordValue, SectionName } from './types.js';

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

function parseWith(read: (text: string) => Outcome<RawMessage>, text: string): CcsdsResult {
  if (typeof text !== 'string') return { ok: false, error: ccsdsError('', {}, 'the message is not text') };
  try {
    return modelFromRaw(read(text));
  } catch (error) {
    return unreadable(error);
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

/** Line numbers (0-based) where a KVN message starts: each CCSDS_CDM_VERS line, with the COMMENT and blank lines just before it. */
function kvnMessageStarts(lines: string[]): number[] {
  const starts: number[] = [];
  const version = new RegExp(`^${VERSION_KEYWORD}\\s*=`);
  lines.forEach((line, index) => {
    if (!version.test(line.trim()) || index === 0) return;
    let start = index;
    while (start > 0 && /^(?:COMMENT(?:\s.*)?)?$/.test((lines[start - 1] ?? '').trim())) start--;
    starts.push(start);
  });
  return [0, ...starts.filter((start) => start > 0)];
}

/** Several KVN CDMs in one text, each starting with CCSDS_CDM_VERS; line numbers stay those of the whole text. */
function parseKvnMessages(text: string): CcsdsResult[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const starts = kvnMessageStarts(lines);
  return starts.map((start, index) => {
    const chunk = lines.slice(start, starts[index + 1] ?? lines.length).join('\n');
    try {
      return modelFromRaw(readKvn(chunk, start + 1));
    } catch (error) {
      return unreadable(error);
    }
  });
}

/**
 * Reads every CDM of a text: one KVN or XML CDM, several KVN CDMs one after the other (each
 * starting with CCSDS_CDM_VERS), or an XML NDM combined instantiation (CCSDS 505.0) holding
 * one or more `<cdm>`. Each message gets its own result, in order; `ok: false` only when the
 * text as a whole cannot be read (not CCSDS, XML not well-formed).
 */
export function parseCdmMessages(text: string): CcsdsBatch {
  const format = detectCcsdsFormat(text);
  if (format === 'kvn') return { ok: true, results: parseKvnMessages(text) };
  if (format === 'xml') {
    try {
      const messages = readXmlMessages(text);
      if (!messages.ok) return messages;
      return { ok: true, results: messages.value.map(modelFromRaw) };
    } catch (error) {
      return unreadable(error);
    }
  }
  return {
    ok: false,
    error: ccsdsError(VERSION_KEYWORD, {}, 'not a CCSDS CDM: expected KVN starting with CCSDS_CDM_VERS, or XML'),
  };
}
