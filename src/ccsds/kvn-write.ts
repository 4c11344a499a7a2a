import type { Cdm } from '../protocol/cdm.js';
import { VERSION_KEYWORD } from './keywords.js';
import { modelToOutput, orphanComments, type OutputSection } from './map-write.js';
import { SECTION_NAMES } from './types.js';

const KEYWORD_WIDTH = 30;

function keywordLine(keyword: string, text: string, unit?: string): string {
  const value = unit === undefined ? text : `${text} [${unit}]`;
  return `${keyword.padEnd(KEYWORD_WIDTH)} = ${value}`.trimEnd();
}

function commentLines(comments: readonly string[] | undefined): string[] {
  return (comments ?? []).map((comment) => `COMMENT ${comment}`.trimEnd());
}

function sectionLines(section: OutputSection): string[] {
  const lines: string[] = [];
  for (const line of section.lines) {
    lines.push(...commentLines(section.comments.before?.[line.keyword]));
    lines.push(keywordLine(line.name, line.text, line.unit));
  }
  lines.push(...commentLines(orphanComments(section)), ...commentLines(section.comments.end));
  return lines;
}

/** Writes a CDM of the node's model as a CCSDS 508.0 KVN message. */
export function writeCdmKvn(cdm: Cdm): string {
  const output = modelToOutput(cdm);
  const lines = [keywordLine(VERSION_KEYWORD, output.version)];
  for (const name of SECTION_NAMES) lines.push(...sectionLines(output.sections[name]));
  return `${lines.join('\n')}\n`;
}
