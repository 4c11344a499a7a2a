import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isoDay } from '../helpers/clock.js';

export const PC_FIXTURES = fileURLToPath(new URL('../fixtures/pc/', import.meta.url));

/** A CDM file of the pc fixtures, as published. */
export function pcFixture(name: string): string {
  return readFileSync(`${PC_FIXTURES}${name}`, 'utf8');
}

/**
 * The same file with its MESSAGE_ID replaced and its CREATION_DATE and TCA moved near today
 * (the Pc depends on the states and covariances at TCA, not on the date).
 */
export function pcFixtureNow(name: string, messageId: string, tcaDay = 2): string {
  return pcFixture(name)
    .replace(/^MESSAGE_ID\s*=.*$/m, `MESSAGE_ID = ${messageId}`)
    .replace(/^CREATION_DATE\s*=.*$/m, `CREATION_DATE = ${isoDay(-1, '06:00:00.000').replace('Z', '')}`)
    .replace(/^TCA\s*=.*$/m, `TCA = ${isoDay(tcaDay, '12:00:00.000').replace('Z', '')}`);
}
