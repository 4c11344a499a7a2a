import { describe, expect, it } from 'vitest';
import { validateCdm } from '../../src/protocol/validate.js';
import { parseCdm, parseCdmKvn, parseCdmXml } from '../../src/ccsds/index.js';
import { fixture, parsed, refused } from './helpers.js';

const SAMPLE = fixture('CDMExample2.kvn');

function replaceLine(text: string, keyword: string, line: string): string {
  return text.replace(new RegExp(`^${keyword}\\s*=.*$`, 'm'), line);
}

describe('an untidy real-world KVN file', () => {
  const text = fixture('untidy-b1.kvn');
  const cdm = parsed(parseCdmKvn(text));

  it('is CRLF, starts with a BOM and a comment', () => {
    expect(text).toContain('\r\n');
    expect(text.startsWith('\uFEFFCOMMENT')).toBe(true);
    expect(validateCdm(cdm).ok).toBe(true);
  });

  it('converts day-of-year and Z-suffixed times, keeping every fraction digit', () => {
    expect(cdm.creation_date).toBe('2024-03-15T10:15:00.123456Z');
    expect(cdm.tca).toBe('2024-03-16T04:05:06.7890123Z');
    expect(cdm.object1.state_vector?.epoch).toBe(cdm.tca);
    expect(cdm.ccsds?.object2?.TIME_LASTOB_START).toBe('2024-03-14T23:59:59Z');
    expect(cdm.ccsds?.lexical?.object2?.TIME_LASTOB_START).toBe('2024-074T23:59:59');
  });

  it('reads Unicode minus signs in numbers and designators', () => {
    expect(cdm.relative_state?.relative_position_r_m).toBe(-12.5);
    expect(cdm.collision_probability).toBe(1.2e-4);
    expect(cdm.object1.state_vector).toMatchObject({ y_km: -0.5, vz_km_s: -0.0001 });
    expect(cdm.object2.object_id).toBe('UNK-00042');
    expect(cdm.ccsds?.object1?.INTERNATIONAL_DESIGNATOR).toBe('2019-029BD');
  });

  it('treats N/A as "no value" and keeps it for the writer', () => {
    expect(cdm.message_for).toBeUndefined();
    expect(cdm.relative_state).not.toHaveProperty('relative_position_t_m');
    expect(cdm.object1).not.toHaveProperty('owner_operator');
    expect(cdm.object1).not.toHaveProperty('maneuverable');
    expect(cdm.object2.maneuverable).toBe(false);
    expect(cdm.ccsds?.lexical?.relative?.RELATIVE_POSITION_T).toBe('N/A');
    expect(cdm.ccsds?.lexical?.object1?.CRDOT_R).toBe('N/A');
  });

  it('maps OBJECT_TYPE OTHER to UNKNOWN and keeps the original', () => {
    expect(cdm.object2.object_type).toBe('UNKNOWN');
    expect(cdm.ccsds?.lexical?.object2?.OBJECT_TYPE).toBe('OTHER');
  });

  it('tolerates missing optional keywords (no state vector, no covariance)', () => {
    expect(cdm.object2).not.toHaveProperty('state_vector');
    expect(cdm.object2).not.toHaveProperty('covariance_rtm');
    expect(cdm.ccsds?.object2?.REF_FRAME).toBe('ITRF');
  });

  it('keeps comments from anywhere, with their position, and trims trailing spaces', () => {
    expect(cdm.object1.object_name).toBe('STARLINK-1234');
    expect(cdm.ccsds?.relative?.COLLISION_PROBABILITY_METHOD).toBe('ALFANO-2005');
    expect(cdm.ccsds?.comments).toEqual({
      header: {
        before: { CREATION_DATE: ['Exported by an operator tool, then edited by hand', 'header comment, after the version line'] },
      },
      relative: { before: { START_SCREEN_PERIOD: ['a comment in the middle of the relative data'] } },
      object1: { before: { OBJECT: ['first object'], CR_R: ['covariance, RTN'] } },
      object2: {
        before: { TIME_LASTOB_START: ['no state vector nor covariance for this object'] },
        end: ['trailing comment'],
      },
    });
  });
});

describe('units', () => {
  it('accepts the keyword unit in any spelling of case, spaces and ^', () => {
    expect(parsed(parseCdmKvn(fixture('untidy-b1.kvn'))).ccsds?.relative?.RELATIVE_SPEED).toBe(10100);
    const text = replaceLine(SAMPLE, 'CR_R', 'CR_R = 4.142E+01 [ M^2 ]');
    expect(parsed(parseCdmKvn(text)).object1.covariance_rtm?.cr_r).toBe(41.42);
  });

  it('accepts numbers written without a unit', () => {
    const text = replaceLine(SAMPLE, 'MISS_DISTANCE', 'MISS_DISTANCE = 715');
    expect(parsed(parseCdmKvn(text)).miss_distance_m).toBe(715);
  });

  it('refuses a unit that is not the keyword unit, naming keyword and line (no conversion)', () => {
    const text = replaceLine(SAMPLE, 'MISS_DISTANCE', 'MISS_DISTANCE = 0.715 [km]');
    const error = refused(parseCdmKvn(text));
    expect(error).toMatchObject({ keyword: 'MISS_DISTANCE', line: 8 });
    expect(error.message).toMatch(/^line 8: MISS_DISTANCE: unit \[km\] is not the unit of MISS_DISTANCE, which is \[m\]/);
  });

  it('refuses a unit on a dimensionless keyword', () => {
    const text = replaceLine(SAMPLE, 'COLLISION_PROBABILITY', 'COLLISION_PROBABILITY = 4.835E-05 [%]');
    expect(refused(parseCdmKvn(text))).toMatchObject({ keyword: 'COLLISION_PROBABILITY', line: 25 });
  });

  it('checks XML units attributes too', () => {
    const xml = fixture('CDMExample2.xml').replace('<X units="km">2570.097065</X>', '<X units="m">2570097.065</X>');
    const error = refused(parseCdmXml(xml));
    expect(error).toMatchObject({ keyword: 'X', path: 'cdm/body/segment[1]/data/stateVector/X' });
    expect(error.message).toMatch(/^cdm\/body\/segment\[1\]\/data\/stateVector\/X: X: unit \[m\]/);
  });
});

describe('MANEUVERABLE', () => {
  it.each([
    ['YES', true],
    ['NO', false],
    ['yes', true],
  ])('%s → %s', (value, expected) => {
    const text = SAMPLE.replace('MANEUVERABLE                   = YES', `MANEUVERABLE = ${value}`);
    expect(parsed(parseCdmKvn(text)).object1.maneuverable).toBe(expected);
  });

  it('N/A → absent', () => {
    const text = SAMPLE.replace('MANEUVERABLE                   = YES', 'MANEUVERABLE = N/A');
    expect(parsed(parseCdmKvn(text)).object1).not.toHaveProperty('maneuverable');
  });

  it('anything else is refused', () => {
    const text = SAMPLE.replace('MANEUVERABLE                   = YES', 'MANEUVERABLE = MAYBE');
    expect(refused(parseCdmKvn(text))).toMatchObject({ keyword: 'MANEUVERABLE', line: 41 });
  });
});

describe('XML variants', () => {
  const sample = fixture('CDMExample2.xml');
  const reference = parsed(parseCdmXml(sample));

  it('reads a default namespace', () => {
    const xml = sample.replace('<cdm ', '<cdm xmlns="urn:ccsds:schema:ndmxml" ');
    expect(parsed(parseCdmXml(xml))).toEqual(reference);
  });

  it('reads prefixed element names', () => {
    const xml = sample
      .replace(/<(\/?)([A-Za-z_]+)([ >])/g, '<$1ccsds:$2$3')
      .replace('<ccsds:cdm ', '<ccsds:cdm xmlns:ccsds="urn:ccsds:schema:ndmxml" ');
    expect(xml).toContain('<ccsds:TCA>');
    expect(parsed(parseCdmXml(xml))).toEqual(reference);
  });

  it('reads XML comments, CRLF and extra whitespace', () => {
    const xml = sample.replace(/\n/g, '\r\n').replace('<TCA>', '<!-- closest approach -->\r\n<TCA>  ').replace('</TCA>', '  </TCA>');
    expect(parsed(parseCdmXml(xml))).toEqual(reference);
  });

  it('reads N/A and Unicode minus in XML', () => {
    const xml = sample
      .replace('<RELATIVE_POSITION_T units="m">-70.2</RELATIVE_POSITION_T>', '<RELATIVE_POSITION_T units="m">\u221270.2</RELATIVE_POSITION_T>')
      .replace('<MANEUVERABLE>YES</MANEUVERABLE>', '<MANEUVERABLE>N/A</MANEUVERABLE>');
    const cdm = parsed(parseCdm(xml));
    expect(cdm.relative_state?.relative_position_t_m).toBe(-70.2);
    expect(cdm.object1).not.toHaveProperty('maneuverable');
  });
});
