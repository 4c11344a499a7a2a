import type { Cdm } from '../protocol/cdm.js';

/**
 * Where the combined hard-body radius came from, in the order they are tried:
 * - `override`: given by the caller (`spacecomms pc --hbr`);
 * - `ccsds_hbr`: the CCSDS 508.0 B-2 `HBR` keyword of each object (m), summed;
 * - `screening_data`: the CDM's `screening_data.hard_body_radius_m`;
 * - `comment_hbr`: a `COMMENT HBR = 15.0` or `COMMENT HBR = 20 [m]` line (NASA CARA's files);
 * - `comment_exclusion_volume`: each object's `COMMENT Exclusion Volume Radius = 5.000000 [m]`
 *   (Space-Track) or `COMMENT EXCLUSION_VOLUME_RADIUS = 5 [m]`, summed over the objects;
 * - `default`: the configured `pc.default_hbr_m`.
 */
export type HbrSource = 'override' | 'ccsds_hbr' | 'screening_data' | 'comment_hbr' | 'comment_exclusion_volume' | 'default';

export interface HardBodyRadius {
  /** Combined radius of both objects, m. */
  metres: number;
  source: HbrSource;
}

const NUMBER = '([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)';
const HBR_COMMENT = new RegExp(`^\\s*HBR\\s*[=:]\\s*${NUMBER}\\s*(?:\\[\\s*m\\s*\\])?\\s*$`, 'i');
const EXCLUSION_COMMENT = new RegExp(`^\\s*EXCLUSION[ _]VOLUME[ _]RADIUS\\s*[=:]\\s*${NUMBER}\\s*(?:\\[\\s*m\\s*\\])?\\s*$`, 'i');

interface KeptCcsds {
  object1?: Record<string, unknown>;
  object2?: Record<string, unknown>;
  comments?: Record<string, { before?: Record<string, unknown>; end?: unknown }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function block(cdm: Cdm): KeptCcsds {
  const raw: unknown = (cdm as { ccsds?: unknown }).ccsds;
  return isRecord(raw) ? (raw as KeptCcsds) : {};
}

/** Every COMMENT text of one section of the kept CCSDS block, in no particular order. */
function sectionComments(kept: KeptCcsds, section: string): string[] {
  const placement = kept.comments?.[section];
  if (!isRecord(placement)) return [];
  const lists: unknown[] = [...(isRecord(placement.before) ? Object.values(placement.before) : []), placement.end];
  return lists.flatMap((list) => (Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string') : []));
}

function firstMatch(comments: string[], pattern: RegExp): number | undefined {
  for (const comment of comments) {
    const match = pattern.exec(comment);
    const value = match ? Number(match[1]) : Number.NaN;
    if (Number.isFinite(value) && value >= 0) return value;
  }
  return undefined;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function ccsdsHbr(kept: KeptCcsds): number | undefined {
  const values = [kept.object1?.HBR, kept.object2?.HBR].filter((v): v is number => typeof v === 'number' && v >= 0);
  return values.length > 0 ? positive(values.reduce((a, b) => a + b, 0)) : undefined;
}

function exclusionRadii(kept: KeptCcsds): number | undefined {
  const values = ['object1', 'object2'].map((s) => firstMatch(sectionComments(kept, s), EXCLUSION_COMMENT)).filter((v): v is number => v !== undefined);
  return values.length > 0 ? positive(values.reduce((a, b) => a + b, 0)) : undefined;
}

/** The combined hard-body radius for a CDM and its source (see `HbrSource` for the order). */
export function hardBodyRadius(cdm: Cdm, defaultMetres: number, override?: number): HardBodyRadius {
  if (positive(override) !== undefined) return { metres: override as number, source: 'override' };
  const kept = block(cdm);
  const candidates: Array<[HbrSource, () => number | undefined]> = [
    ['ccsds_hbr', () => ccsdsHbr(kept)],
    ['screening_data', () => positive(cdm.screening_data?.hard_body_radius_m)],
    ['comment_hbr', () => positive(firstMatch(['header', 'relative', 'object1', 'object2'].flatMap((s) => sectionComments(kept, s)), HBR_COMMENT))],
    ['comment_exclusion_volume', () => exclusionRadii(kept)],
  ];
  for (const [source, read] of candidates) {
    const metres = read();
    if (metres !== undefined) return { metres, source };
  }
  return { metres: defaultMetres, source: 'default' };
}
