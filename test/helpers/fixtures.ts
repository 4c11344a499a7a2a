import { readFileSync } from 'node:fs';
import type { Cdm } from '../../src/protocol/cdm.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import { rebaseTimes } from './clock.js';

export const FIXTURES = new URL('../fixtures/', import.meta.url);

export function fixtureText(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}

/** A JSON fixture with its times moved so that its day is yesterday (see `rebaseTimes`). */
export function fixtureJson<T>(path: string): T {
  return rebaseTimes(JSON.parse(fixtureText(path)) as T);
}

export function sampleCdmEnvelope(): Envelope<'CDM_ANNOUNCE'> {
  return fixtureJson<Envelope<'CDM_ANNOUNCE'>>('json/cdm-announce.json');
}

/** The sample CDM, with the fields given replacing its own. */
export function sampleCdm(overrides: Partial<Cdm> = {}): Cdm {
  return { ...sampleCdmEnvelope().payload.cdm, ...overrides };
}

export function sampleObjectState(): Record<string, unknown> {
  return fixtureJson<Envelope<'OBJECT_STATE_ANNOUNCE'>>('json/object-state-announce.json').payload;
}

export function sampleManeuverIntent(): Record<string, unknown> {
  return fixtureJson<Envelope<'MANEUVER_INTENT'>>('json/maneuver-intent.json').payload;
}
