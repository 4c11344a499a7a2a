import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/ccsds/', import.meta.url));

/** The CDM files of a fixture folder (`cases`, `corpus`), without their `.source.txt` / `.expected.txt` notes. */
export function fixtureFiles(folder: 'cases' | 'corpus'): string[] {
  return readdirSync(`${FIXTURES}${folder}`)
    .filter((name) => !name.endsWith('.source.txt') && !name.endsWith('.expected.txt') && name !== 'README.md')
    .sort();
}

export function fixtureIn(folder: 'cases' | 'corpus', name: string): string {
  return readFileSync(`${FIXTURES}${folder}/${name}`, 'utf8');
}

/** One keyword value or comment of a message, by part: 0 = header and relative data, 1 and 2 = the segments. */
export interface Item {
  part: number;
  keyword: string;
  value: string | number;
}

const ENTITIES: Record<string, string> = { '&quot;': '"', '&apos;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };

/** Numbers as numbers; U+2212 MINUS SIGN read as '-' (as the reader does, README "Decisions"). */
function normalized(value: string): string | number {
  const text = value.trim().replace(/\u2212/g, '-');
  return /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : text;
}

function kvnItems(text: string): Item[] {
  const items: Item[] = [];
  let part = 0;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    const comment = /^COMMENT(?:\s(.*))?$/.exec(line);
    if (comment) {
      items.push({ part, keyword: 'COMMENT', value: (comment[1] ?? '').trim() });
      continue;
    }
    const entry = /^([A-Za-z0-9_]+)\s*=\s*(.*?)\s*(?:\[[^\]]*\])?$/.exec(line);
    if (!entry) continue;
    const [, keyword = '', value = ''] = entry;
    if (keyword === 'OBJECT') {
      part = value.toUpperCase().includes('2') ? 2 : 1;
      // COMMENT lines just before `OBJECT =` open the segment (in XML they sit inside it).
      for (let i = items.length - 1; i >= 0 && items[i]?.keyword === 'COMMENT'; i--) (items[i] as Item).part = part;
    }
    if (value !== '') items.push({ part, keyword, value: normalized(value) });
  }
  return items;
}

function xmlItems(text: string): Item[] {
  const items: Item[] = [];
  let part = 0;
  const version = /<cdm\b[^>]*\sversion="([^"]*)"/.exec(text);
  if (version) items.push({ part, keyword: 'CCSDS_CDM_VERS', value: normalized(version[1] ?? '') });
  const element = /<segment\b|<(USER_DEFINED)\s+parameter="([^"]*)"[^>]*>([^<]*)<\/USER_DEFINED>|<([A-Z][A-Z0-9_]*)(?:\s[^>]*)?>([^<]*)<\/\4>/g;
  for (const match of text.matchAll(element)) {
    if (match[0].startsWith('<segment')) {
      part++;
      continue;
    }
    const keyword = match[1] ? `USER_DEFINED_${match[2] ?? ''}` : (match[4] ?? '');
    const value = ((match[1] ? match[3] : match[5]) ?? '').replace(/&(?:quot|apos|lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity);
    if (value.trim() !== '' || keyword === 'COMMENT') items.push({ part, keyword, value: normalized(value) });
  }
  return items;
}

/** Keywords with values and comments of a KVN or XML CDM, in document order. */
export function messageItems(text: string): Item[] {
  return text.trimStart().startsWith('<') ? xmlItems(text) : kvnItems(text);
}

function itemKey(item: Item): string {
  return `${item.part}|${item.keyword}|${typeof item.value === 'number' ? `n:${item.value}` : `s:${item.value}`}`;
}

/** Items of `source` that `exported` lacks (as a multiset; the writer may add fill values). */
export function missingItems(source: Item[], exported: Item[]): Item[] {
  const counts = new Map<string, number>();
  for (const item of exported) counts.set(itemKey(item), (counts.get(itemKey(item)) ?? 0) + 1);
  const missing: Item[] = [];
  for (const item of source) {
    const key = itemKey(item);
    const left = counts.get(key) ?? 0;
    if (left > 0) counts.set(key, left - 1);
    else missing.push(item);
  }
  return missing;
}
