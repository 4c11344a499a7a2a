import { readFileSync } from 'node:fs';
import type { Cdm } from '../../src/protocol/cdm.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import { FIXTURE_DAY, FIXTURE_SHIFT_DAYS, rebaseText, rebaseTimes } from './clock.js';

export const FIXTURES = new URL('../fixtures/', import.meta.url);

export function fixtureText(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}

/**
 * A CCSDS case fixture (`ccsds/cases/NAME`). The cases are written with times ahead of
 * `FIXTURE_DAY` (2030); those move with the clock so that they stay as far ahead of today.
 * Earlier times are historical facts the cases are about (a leap second of 2016) and are kept.
 */
export function ccsdsCase(name: string): string {
  return rebaseText(fixtureText(`ccsds/cases/${name}`), FIXTURE_SHIFT_DAYS, FIXTURE_DAY);
}

/** A case fixture's time (`YYYY-MM-DDThh:mm:ss…` as written in it), as `ccsdsCase` gives it. */
export function ccsdsCaseTime(written: string): string {
  return rebaseText(written, FIXTURE_SHIFT_DAYS, FIXTURE_DAY);
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
