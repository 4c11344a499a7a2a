import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Cdm } from '../../src/protocol/cdm.js';
import type { CcsdsError, CcsdsResult, CdmWithCcsds } from '../../src/ccsds/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/ccsds/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

export function parsed(result: CcsdsResult): CdmWithCcsds {
  if (!result.ok) throw new Error(`expected a CDM, got: ${result.error.message}`);
  return result.cdm as CdmWithCcsds;
}

export function refused(result: CcsdsResult): CcsdsError {
  if (result.ok) throw new Error('expected a refusal, got a CDM');
  return result.error;
}

/** The model without the CCSDS-only block. */
export function core(cdm: Cdm): Cdm {
  const { ccsds: _ccsds, ...rest } = cdm as CdmWithCcsds;
  return rest;
}

/** The model without COMMENT placements (the KVN and XML samples carry different comments). */
export function withoutComments(cdm: Cdm): Cdm {
  const copy = structuredClone(cdm) as CdmWithCcsds;
  if (copy.ccsds) delete copy.ccsds.comments;
  return copy;
}

export function expectErrorShape(error: CcsdsError, keyword: string): void {
  expect(error.keyword).toBe(keyword);
  expect(error.message).toContain(`${keyword}: `);
  const location = error.line !== undefined ? `line ${error.line}: ` : error.path !== undefined ? `${error.path}: ` : '';
  expect(error.message.startsWith(`${location}${keyword}: `)).toBe(true);
}
