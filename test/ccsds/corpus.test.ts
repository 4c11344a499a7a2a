import { describe, expect, it } from 'vitest';
import { parseCdmMessages, writeCdmKvn, writeCdmXml, type CdmWithCcsds } from '../../src/ccsds/index.js';
import { fixtureFiles, fixtureIn, messageItems, missingItems } from './corpus-helpers.js';

const CCSDS_FILES = fixtureFiles('corpus').filter((name) => !name.endsWith('.json'));

function only(text: string): CdmWithCcsds {
  const batch = parseCdmMessages(text);
  if (!batch.ok) throw new Error(batch.error.message);
  expect(batch.results).toHaveLength(1);
  const [result] = batch.results;
  if (!result?.ok) throw new Error(result?.error.message ?? 'no CDM');
  return result.cdm as CdmWithCcsds;
}

describe('published CDMs (corpus): ingest, KVN and XML export, re-ingest', () => {
  it('has the whole corpus', () => {
    expect(CCSDS_FILES.length).toBeGreaterThanOrEqual(38);
  });

  for (const name of CCSDS_FILES) {
    describe(name, () => {
      const source = fixtureIn('corpus', name);

      it('is accepted, and both exports read back to the same CDM', () => {
        const cdm = only(source);
        expect(only(writeCdmKvn(cdm))).toEqual(cdm);
        expect(only(writeCdmXml(cdm))).toEqual(cdm);
      });

      it('keeps every keyword value (numbers equal) and every comment, in its block', () => {
        const cdm = only(source);
        const items = messageItems(source);
        expect(items.length).toBeGreaterThan(20);
        expect(missingItems(items, messageItems(writeCdmKvn(cdm)))).toEqual([]);
        expect(missingItems(items, messageItems(writeCdmXml(cdm)))).toEqual([]);
      });
    });
  }
});
