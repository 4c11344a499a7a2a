import { describe, expect, it } from 'vitest';
import { isObligatory, keywordSpec, specForName } from '../../src/ccsds/keywords.js';
import { parseCdm, parseCdmMessages, writeCdmKvn, writeCdmXml, type CcsdsResult, type CdmWithCcsds } from '../../src/ccsds/index.js';
import { ccsdsCase, ccsdsCaseTime } from '../helpers/fixtures.js';
import { expectErrorShape, parsed, refused } from './helpers.js';

const read = (name: string): CcsdsResult => parseCdm(ccsdsCase(name));
const BASE_KVN = ccsdsCase('00-baseline-accepted.kvn');
const BASE_XML = ccsdsCase('00-baseline-accepted.xml');

/** The keyword's value wherever the model or the ccsds block keeps it (undefined = absent). */
function keptValue(cdm: CdmWithCcsds, section: 'object1' | 'relative', keyword: string): unknown {
  return cdm.ccsds?.[section]?.[keyword];
}

function roundTrips(cdm: CdmWithCcsds): void {
  expect(parsed(parseCdm(writeCdmKvn(cdm)))).toEqual(cdm);
  expect(parsed(parseCdm(writeCdmXml(cdm)))).toEqual(cdm);
}

describe('minimal cases: accepted', () => {
  it('00 baseline (KVN and XML) is accepted and round-trips', () => {
    for (const name of ['00-baseline-accepted.kvn', '00-baseline-accepted.xml']) roundTrips(parsed(read(name)));
  });

  it('01 without COLLISION_PROBABILITY: accepted, no Pc, exported without it', () => {
    const cdm = parsed(read('01-collision-probability-absent.kvn'));
    expect(cdm).not.toHaveProperty('collision_probability');
    expect(writeCdmKvn(cdm)).not.toMatch(/^COLLISION_PROBABILITY\s*=/m);
    expect(writeCdmXml(cdm)).not.toContain('<COLLISION_PROBABILITY');
    roundTrips(cdm);
  });

  it('02a/02b/03 empty and nil optional values read as absent', () => {
    const a = parsed(read('02a-xml-empty-optional-element.xml'));
    expect(keptValue(a, 'object1', 'TIME_LASTOB_START')).toBeUndefined();
    const b = parsed(read('02b-xml-nil-optional-element.xml'));
    expect(b.ccsds?.relative?.START_SCREEN_PERIOD).toBeUndefined();
    const c = parsed(read('03-kvn-empty-optional-value.kvn'));
    expect(keptValue(c, 'object1', 'TIME_LASTOB_START')).toBeUndefined();
    for (const cdm of [a, b, c]) roundTrips(cdm);
  });

  it('04a/04b an empty unit is no unit', () => {
    for (const name of ['04a-xml-empty-units-attribute.xml', '04b-kvn-empty-unit-brackets.kvn']) {
      const cdm = parsed(read(name));
      expect(keptValue(cdm, 'object1', 'RESIDUALS_ACCEPTED')).toBe(97.8);
      roundTrips(cdm);
    }
  });

  it('05 an RTN drag row and an XYZ block with its own CDRG_DRG are both kept', () => {
    const cdm = parsed(read('05-b2-rtn-and-xyz-drag-term-refused.kvn'));
    const object1 = cdm.ccsds?.object1 ?? {};
    expect(object1.CDRG_DRG).toBeTypeOf('number');
    expect(object1.XYZ_CDRG_DRG).toBeTypeOf('number');
    expect(object1.CDRG_DRG).not.toBe(object1.XYZ_CDRG_DRG);
    roundTrips(cdm);
  });

  it('06 the XYZ block keeps its CDRG_DRG after CDRG_ZDOT, in KVN and in XML', () => {
    const cdm = parsed(read('06-b2-xyz-drag-term-moved-to-rtn.kvn'));
    expect(cdm.ccsds?.object1?.XYZ_CDRG_DRG).toBe(0.004);
    expect(cdm.ccsds?.object1).not.toHaveProperty('CDRG_DRG');
    const kvn = writeCdmKvn(cdm);
    const segment1 = kvn.slice(kvn.indexOf('OBJECT1'), kvn.indexOf('OBJECT2'));
    expect(segment1).toMatch(/^CDRG_ZDOT\s+= 0\.003 \[m\*\*3\/\(kg\*s\)\]\nCDRG_DRG\s+= 0\.004 \[m\*\*4\/kg\*\*2\]$/m);
    expect(segment1.indexOf('CDRG_DRG')).toBeGreaterThan(segment1.indexOf('CX_X'));
    const xml = writeCdmXml(cdm);
    const xyz = xml.slice(xml.indexOf('<xyzCovarianceMatrix>'), xml.indexOf('</xyzCovarianceMatrix>'));
    expect(xyz).toContain('<CDRG_DRG units="m**4/kg**2">0.004</CDRG_DRG>');
    roundTrips(cdm);
  });

  it('07 the CDM inside an <ndm> wrapper', () => {
    const batch = parseCdmMessages(ccsdsCase('07-ndm-combined-one-cdm.xml'));
    expect(batch.ok && batch.results).toHaveLength(1);
    roundTrips(parsed(read('07-ndm-combined-one-cdm.xml')));
  });

  it('09 a TCA in the leap second 2016-12-31T23:59:60.500', () => {
    const cdm = parsed(read('09-tca-leap-second.kvn'));
    expect(cdm.tca).toBe('2016-12-31T23:59:60.500Z');
    roundTrips(cdm);
  });

  it('12 a time with ten fraction digits is kept exactly', () => {
    const cdm = parsed(read('12-time-10-fraction-digits.kvn'));
    const tca = ccsdsCaseTime('2030-01-02T00:00:00.0000000001');
    expect(cdm.tca).toBe(`${tca}Z`);
    expect(writeCdmKvn(cdm)).toMatch(new RegExp(`^TCA\\s+= ${tca.replace('.', '\\.')}$`, 'm'));
    roundTrips(cdm);
  });

  it('J7 two KVN CDMs: each read on its own, line numbers of the whole text', () => {
    const text = ccsdsCase('J7-two-kvn-messages.kvn');
    const batch = parseCdmMessages(text);
    if (!batch.ok) throw new Error(batch.error.message);
    expect(batch.results.map((r) => r.ok && r.cdm.cdm_id)).toEqual(['CASE-J7A', 'CASE-J7B']);
    const broken = parseCdmMessages(text.replace(/^(MESSAGE_ID = CASE-J7B)$/m, '$1\nMISS_DISTANCE = x [m]'));
    expect(broken.ok && broken.results[0]?.ok).toBe(true);
    expect(broken.ok && !broken.results[1]?.ok && broken.results[1]?.error.message).toMatch(/^line 86: MISS_DISTANCE: appears twice \(first on line 84\)/);
  });
});

describe('minimal cases: refused, naming keyword and line', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['10-empty-object-name-accepted.kvn', 'OBJECT_NAME', 11, /obligatory keyword has an empty value/],
    ['J1-velocity-unit-m.kvn', 'RELATIVE_VELOCITY_R', 7, /unit \[m\] is not the unit of RELATIVE_VELOCITY_R/],
    ['J2-nan-value.kvn', 'RECOMMENDED_OD_SPAN', 17, /"NaN" is not a number/],
    ['J3-unterminated-unit.kvn', 'RESIDUALS_ACCEPTED', 17, /the unit bracket is not closed/],
    ['J4-keyword-with-space.kvn', 'KVN', 17, /TRACKS USED = 119/],
    ['J5-time-colon-milliseconds.kvn', 'START_SCREEN_PERIOD', 7, /is not a CCSDS UTC time/],
  ];
  for (const [name, keyword, line, message] of cases) {
    it(name, () => {
      const error = refused(read(name));
      expectErrorShape(error, keyword);
      expect(error.line).toBe(line);
      expect(error.message).toMatch(message);
    });
  }

  it('J6 malformed XML names the line', () => {
    const error = refused(read('J6-malformed-xml.xml'));
    expect(error.keyword).toBe('XML');
    expect(error.line).toBeTypeOf('number');
  });
});

describe('every keyword of the baseline, emptied', () => {
  const keywordLines = BASE_KVN.split('\n')
    .map((text, index) => ({ text, line: index + 1, keyword: /^([A-Z0-9_]+)\s*=/.exec(text)?.[1] }))
    .filter((entry): entry is { text: string; line: number; keyword: string } => entry.keyword !== undefined && entry.keyword !== 'CCSDS_CDM_VERS' && entry.keyword !== 'OBJECT');

  it('KVN `KEY =`: optional ones read as absent, obligatory ones are refused with keyword and line', () => {
    expect(keywordLines.length).toBeGreaterThan(40);
    for (const { text, line, keyword } of keywordLines) {
      const lines = BASE_KVN.split('\n');
      lines[line - 1] = `${keyword} =`;
      const result = parseCdm(lines.join('\n'));
      const spec = specForName(keyword, false) ?? keywordSpec(keyword);
      if (spec && isObligatory(spec, '1.0')) {
        expect(refused(result), text).toMatchObject({ keyword, line });
      } else {
        const cdm = parsed(result);
        expect(JSON.stringify(cdm.ccsds)).not.toContain(`"${keyword}":`);
        roundTrips(cdm);
      }
    }
  });

  it('XML `<KEY/>`, `<KEY></KEY>`, `nil="true"`, `xsi:nil="true"` read alike', () => {
    const forms = (keyword: string) => [`<${keyword}/>`, `<${keyword}></${keyword}>`, `<${keyword} nil="true"/>`, `<${keyword} xsi:nil="true"/>`];
    for (const { keyword } of keywordLines) {
      const element = new RegExp(`<${keyword}(?:\\s[^>]*)?>[^<]*</${keyword}>`);
      if (!element.test(BASE_XML)) continue;
      const spec = keywordSpec(keyword);
      for (const form of forms(keyword)) {
        const result = parseCdm(BASE_XML.replace(element, form));
        if (spec && isObligatory(spec, '1.0')) {
          expect(refused(result).keyword, form).toBe(keyword);
        } else {
          expect(JSON.stringify(parsed(result).ccsds), form).not.toContain(`"${keyword}":`);
        }
      }
    }
  });
});
