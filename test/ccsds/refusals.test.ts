import { describe, expect, it } from 'vitest';
import { parseCdm, parseCdmKvn, parseCdmXml } from '../../src/ccsds/index.js';
import { expectErrorShape, fixture, refused } from './helpers.js';

const KVN = fixture('CDMExample2.kvn');
const XML = fixture('CDMExample2.xml');

describe('KVN refusals', () => {
  it('a missing keyword at the end of a section names the next section line or the message end', () => {
    const object2 = refused(parseCdmKvn(KVN.replace(/^OBJECT_DESIGNATOR\s*=\s*30337\n/m, '')));
    expect(object2).toMatchObject({ keyword: 'OBJECT_DESIGNATOR', line: 117 });
  });

  it('a keyword unknown to the standard', () => {
    const error = refused(parseCdmKvn(KVN.replace('MASS  ', 'WEIGHT')));
    expectErrorShape(error, 'WEIGHT');
    expect(error.message).toBe('line 66: WEIGHT: keyword unknown to CCSDS 508.0 (B-1 and B-2)');
  });

  it('a number that is not a number', () => {
    const error = refused(parseCdmKvn(KVN.replace('= 715 [m]', '= 7l5 [m]')));
    expect(error.message).toBe('line 8: MISS_DISTANCE: "7l5" is not a number');
    expect(refused(parseCdmKvn(KVN.replace('= 592', '= 592.5'))).message).toBe('line 55: OBS_AVAILABLE: "592.5" is not an integer');
    expect(refused(parseCdmKvn(KVN.replace('= 715 [m]', '= NaN [m]'))).keyword).toBe('MISS_DISTANCE');
    expect(refused(parseCdmKvn(KVN.replace('= 715 [m]', '= 1e999 [m]'))).keyword).toBe('MISS_DISTANCE');
  });

  it('a time that is not a time', () => {
    const error = refused(parseCdmKvn(KVN.replace('2010-03-13T22:37:52.618', '2010-02-30T22:37:52.618')));
    expectErrorShape(error, 'TCA');
    expect(error.line).toBe(7);
  });

  it('a second OBJECT1 segment', () => {
    const text = KVN.replace('OBJECT                         = OBJECT2', 'OBJECT = OBJECT1');
    const error = refused(parseCdmKvn(text));
    expect(error.message).toBe('line 116: OBJECT: a second OBJECT1 segment (the first starts on line 28)');
  });

  it('a missing segment, a segment keyword before OBJECT, a relative keyword inside a segment', () => {
    expect(refused(parseCdmKvn(KVN.slice(0, KVN.indexOf('COMMENT Object2 Metadata'))))).toMatchObject({ keyword: 'OBJECT' });
    expect(refused(parseCdmKvn(KVN.replace('COMMENT Relative Metadata/Data', 'X = 1 [km]')))).toMatchObject({ keyword: 'X', line: 6 });
    expect(refused(parseCdmKvn(`${KVN}TCA = 2010-03-13T22:37:52.618\n`))).toMatchObject({ keyword: 'TCA', line: 197 });
  });

  it('duplicates, out-of-range values, bad ids and malformed lines', () => {
    expect(refused(parseCdmKvn(KVN.replace('COMMENT Relative Metadata/Data', 'MISS_DISTANCE = 1')))).toMatchObject({ keyword: 'MISS_DISTANCE', line: 8 });
    expect(refused(parseCdmKvn(KVN.replace('= 715 [m]', '= -715 [m]'))).message).toBe('line 8: MISS_DISTANCE: -715 must not be negative');
    expect(refused(parseCdmKvn(KVN.replace('= 4.835E-05', '= 1.5'))).keyword).toBe('COLLISION_PROBABILITY');
    expect(refused(parseCdmKvn(KVN.replace('= 201113719185', '= 2011 1371'))).keyword).toBe('MESSAGE_ID');
    expect(refused(parseCdmKvn(KVN.replace('COMMENT Relative Metadata/Data', 'this is not KVN'))).line).toBe(6);
    expect(refused(parseCdmKvn(KVN.replace('X_DOT                          = 4.418769571 [km/s]\n', '')))).toMatchObject({ keyword: 'X_DOT' });
    expect(refused(parseCdmKvn(KVN.replace('= 1.0', '= 3.0'))).keyword).toBe('CCSDS_CDM_VERS');
    expect(refused(parseCdmKvn(KVN.replace('CCSDS_CDM_VERS                 = 1.0\n', ''))).keyword).toBe('CCSDS_CDM_VERS');
  });
});

describe('XML refusals name the element path', () => {
  it('a missing TCA', () => {
    const error = refused(parseCdmXml(XML.replace(/<TCA>.*<\/TCA>/, '')));
    expect(error).toMatchObject({ keyword: 'TCA', path: 'cdm/body/relativeMetadataData/TCA' });
    expect(error.message).toBe('cdm/body/relativeMetadataData/TCA: TCA: mandatory keyword is missing');
  });

  it('takes a missing COLLISION_PROBABILITY as no given Pc', () => {
    const result = parseCdmXml(XML.replace(/<COLLISION_PROBABILITY>.*<\/COLLISION_PROBABILITY>/, ''));
    expect(result.ok && result.cdm.collision_probability).toBeUndefined();
  });

  it('a number that is not a number', () => {
    const error = refused(parseCdmXml(XML.replace('<CN_T units="m**2">1.336E+01</CN_T>', '<CN_T units="m**2">one</CN_T>')));
    expect(error.message).toBe('cdm/body/segment[1]/data/covarianceMatrix/CN_T: CN_T: "one" is not a number');
  });

  it('an unknown element, a second OBJECT1 segment, a third segment, bad XML', () => {
    expect(refused(parseCdmXml(XML.replace('<MASS units="kg">251.6</MASS>', '<WEIGHT>1</WEIGHT>')))).toMatchObject({
      keyword: 'WEIGHT',
      path: 'cdm/body/segment[1]/data/additionalParameters/WEIGHT',
    });
    expect(refused(parseCdmXml(XML.replace('<OBJECT>OBJECT2</OBJECT>', '<OBJECT>OBJECT1</OBJECT>')))).toMatchObject({
      keyword: 'OBJECT',
      path: 'cdm/body/segment[2]/metadata/OBJECT',
    });
    const segment = XML.slice(XML.indexOf('<segment>'), XML.indexOf('</segment>') + '</segment>'.length);
    expect(refused(parseCdmXml(XML.replace('</body>', `${segment}</body>`)))).toMatchObject({ path: 'cdm/body/segment[3]' });
    expect(refused(parseCdmXml(XML.replace('</header>', '</headr>')))).toMatchObject({ keyword: 'XML', line: 8 });
    expect(refused(parseCdmXml('<!DOCTYPE cdm [<!ENTITY a "b">]><cdm/>')).keyword).toBe('XML');
    expect(refused(parseCdmXml('<ndm/>')).keyword).toBe('cdm');
    expect(refused(parseCdmXml('<opm/>')).keyword).toBe('cdm');
    expect(refused(parseCdmXml(XML.replace(' version="1.0">', '>'))).keyword).toBe('CCSDS_CDM_VERS');
  });
});

describe('never throws', () => {
  it.each([
    ['', undefined],
    ['\uFEFF', undefined],
    ['<', undefined],
    ['<cdm version="1.0"/>', undefined],
    ['CCSDS_CDM_VERS = 1.0', undefined],
    ['CCSDS_CDM_VERS = 1.0\nOBJECT = OBJECT1\nOBJECT = OBJECT2\n', undefined],
  ])('%j is refused with an error value', (text) => {
    const result = parseCdm(text);
    expect(result.ok).toBe(false);
  });

  it('non-string input is refused', () => {
    expect(parseCdm(42 as unknown as string).ok).toBe(false);
    expect(parseCdmKvn(null as unknown as string).ok).toBe(false);
  });
});
