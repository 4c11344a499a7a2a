import { describe, expect, it } from 'vitest';
import { validateCdm } from '../../src/protocol/validate.js';
import { detectCcsdsFormat, parseCdm, parseCdmKvn, parseCdmXml } from '../../src/ccsds/index.js';
import { expectErrorShape, fixture, parsed, refused, withoutComments } from './helpers.js';

describe('CCSDS 508.0-B-1 example (CDMExample2)', () => {
  const kvn = parsed(parseCdmKvn(fixture('CDMExample2.kvn')));
  const xml = parsed(parseCdmXml(fixture('CDMExample2.xml')));

  it('maps the header, relative data and objects onto the model', () => {
    expect(kvn).toMatchObject({
      cdm_id: '201113719185',
      creation_date: '2010-03-12T22:31:12.000Z',
      originator: 'JSPOC',
      message_for: 'SATELLITE A',
      tca: '2010-03-13T22:37:52.618Z',
      miss_distance_m: 715,
      collision_probability: 4.835e-5,
      relative_state: { relative_position_r_m: 27.4, relative_velocity_t_m_s: -14692, relative_velocity_n_m_s: -1437.2 },
      screening_data: { screen_volume_shape: 'ELLIPSOID' },
    });
    expect(kvn.object1).toEqual({
      object_id: '12345',
      object_name: 'SATELLITE A',
      object_type: 'PAYLOAD',
      owner_operator: 'EUMETSAT',
      maneuverable: true,
      state_vector: {
        reference_frame: 'EME2000',
        epoch: '2010-03-13T22:37:52.618Z',
        x_km: 2570.097065,
        y_km: 2244.654904,
        z_km: 6281.497978,
        vx_km_s: 4.418769571,
        vy_km_s: 4.833547743,
        vz_km_s: -3.526774282,
      },
      covariance_rtm: { cr_r: 41.42, ct_r: -8.579, ct_t: 2533, cn_r: -23.13, cn_t: 13.36, cn_n: 70.98 },
    });
    expect(kvn.object2).toMatchObject({ object_id: '30337', object_type: 'DEBRIS', maneuverable: false });
  });

  it('keeps what the model has no field for in the ccsds block', () => {
    expect(kvn.ccsds?.version).toBe('1.0');
    expect(kvn.ccsds?.relative).toMatchObject({
      RELATIVE_SPEED: 14762,
      START_SCREEN_PERIOD: '2010-03-12T18:29:32.212Z',
      SCREEN_VOLUME_FRAME: 'RTN',
      SCREEN_VOLUME_X: 200,
      SCREEN_ENTRY_TIME: '2010-03-13T22:37:52.222Z',
      COLLISION_PROBABILITY_METHOD: 'FOSTER-1992',
    });
    expect(kvn.ccsds?.object1).toMatchObject({
      CATALOG_NAME: 'SATCAT',
      INTERNATIONAL_DESIGNATOR: '1997-030E',
      EPHEMERIS_NAME: 'EPHEMERIS SATELLITE A',
      COVARIANCE_METHOD: 'CALCULATED',
      GRAVITY_MODEL: 'EGM-96: 36D 36O',
      OBS_AVAILABLE: 592,
      RESIDUALS_ACCEPTED: 97.8,
      MASS: 251.6,
      SEDR: 4.5457e-5,
      CRDOT_R: 2.52e-3,
      CNDOT_NDOT: 5.529e-5,
      CDRG_DRG: 3.483e-6,
      CSRP_SRP: 1.593e-2,
    });
    // EPHEMERIS_NAME = NONE is the writer's fill for "no external ephemeris": kept as absence.
    expect(kvn.ccsds?.object2?.EPHEMERIS_NAME).toBeUndefined();
    expect(kvn.ccsds?.comments?.object1?.before?.AREA_PC).toEqual([
      'Object1 Additional Parameters',
      'Apogee Altitude=779 km',
      'Perigee Altitude=765 km',
      'Inclination=86.4 deg',
    ]);
  });

  it('produces models that pass validateCdm', () => {
    expect(validateCdm(kvn).ok).toBe(true);
    expect(validateCdm(xml).ok).toBe(true);
  });

  it('reads the KVN and the XML of the same message to the same model (the samples differ only in comments)', () => {
    expect(withoutComments(xml)).toEqual(withoutComments(kvn));
  });

  it('detects the format', () => {
    expect(detectCcsdsFormat(fixture('CDMExample2.kvn'))).toBe('kvn');
    expect(detectCcsdsFormat(fixture('CDMExample2.xml'))).toBe('xml');
    expect(detectCcsdsFormat('\uFEFF\n  COMMENT first\n\nCCSDS_CDM_VERS = 1.0\n')).toBe('kvn');
    expect(detectCcsdsFormat('  \n<?xml version="1.0"?><cdm/>')).toBe('xml');
    expect(detectCcsdsFormat('{"cdm_id": "x"}')).toBeUndefined();
    expect(detectCcsdsFormat('CREATION_DATE = 2010-03-12T22:31:12\n')).toBeUndefined();
    expect(parsed(parseCdm(fixture('CDMExample2.xml')))).toEqual(xml);
    expect(refused(parseCdm('hello')).keyword).toBe('CCSDS_CDM_VERS');
  });

  it('refuses the sample without TCA, naming TCA and the line where it was expected', () => {
    const error = refused(parseCdmKvn(fixture('CDMExample2-missing-TCA.kvn')));
    expectErrorShape(error, 'TCA');
    expect(error.line).toBe(7);
    expect(error.message).toBe('line 7: TCA: mandatory keyword is missing');
  });
});
