import { describe, expect, it } from 'vitest';
import { validateCdm } from '../../src/protocol/validate.js';
import { parseCdmKvn, parseCdmXml, writeCdmKvn } from '../../src/ccsds/index.js';
import { fixture, parsed } from './helpers.js';

describe('CCSDS 508.0-B-2 keywords', () => {
  const kvn = parsed(parseCdmKvn(fixture('b2-example.kvn')));
  const xml = parsed(parseCdmXml(fixture('b2-example.xml')));

  it('reads a B-2 message without MESSAGE_FOR', () => {
    expect(kvn.ccsds?.version).toBe('2.0');
    expect(kvn).not.toHaveProperty('message_for');
    expect(kvn.cdm_id).toBe('201113719185-1');
    expect(validateCdm(kvn).ok).toBe(true);
  });

  it('maps SCREEN_TYPE and the objects’ HBR (summed) onto screening_data', () => {
    expect(kvn.screening_data).toEqual({ screen_type: 'SHAPE', screen_volume_shape: 'SPHERE', hard_body_radius_m: 15 });
    expect(kvn.ccsds?.object1?.HBR).toBe(10.5);
    expect(kvn.ccsds?.object2?.HBR).toBe(4.5);
  });

  it('keeps header, relative and metadata keywords of B-2', () => {
    expect(kvn.ccsds?.header).toEqual({ CLASSIFICATION: 'Operator-proprietary data; secondary distribution not permitted' });
    expect(kvn.ccsds?.relative).toMatchObject({
      CONJUNCTION_ID: '20220708T10hz SATELLITEA SATELLITEB',
      MAHALANOBIS_DISTANCE: 3.25,
      APPROACH_ANGLE: 180,
      SCREEN_VOLUME_RADIUS: 5000,
      SCREEN_PC_THRESHOLD: 1e-3,
      COLLISION_PERCENTILE: [50, 51, 52],
      COLLISION_MAX_PROBABILITY: 1.234e-5,
      COLLISION_MAX_PC_METHOD: 'SCALE_COMBINED_COVAR',
      SEFI_COLLISION_PROBABILITY: 1.234e-5,
      SEFI_COLLISION_PROBABILITY_METHOD: 'SEFI_PC_METHOD',
      SEFI_FRAGMENTATION_MODEL: 'NASA STD BREAKUP MODEL',
      PREVIOUS_MESSAGE_ID: '201113719185-0',
      PREVIOUS_MESSAGE_EPOCH: '2010-03-12T10:31:12.000Z',
      NEXT_MESSAGE_EPOCH: '2010-03-13T10:31:12.000Z',
    });
    expect(kvn.ccsds?.object1).toMatchObject({
      ODM_MSG_LINK: 'ODM_MSG_35132.txt',
      ADM_MSG_LINK: 'ADM_MSG_35132.txt',
      OBS_BEFORE_NEXT_MESSAGE: 'YES',
      COVARIANCE_SOURCE: 'HAC Covariance',
      ORBIT_CENTER: 'EARTH',
      ALT_COV_TYPE: 'XYZ',
      ALT_COV_REF_FRAME: 'EME2000',
      OD_EPOCH: '2010-03-12T22:31:12.000Z',
    });
  });

  it('keeps B-2 additional parameters, 9x9 covariance, XYZ and other covariance forms, user-defined parameters', () => {
    expect(kvn.ccsds?.object1).toMatchObject({
      AREA_PC_MIN: 4,
      OEB_PARENT_FRAME_EPOCH: '2010-03-12T22:31:12.000Z',
      OEB_QC: 0.47832,
      RCS: 2.4,
      VM_APPARENT_MAX: 14,
      APOAPSIS_ALTITUDE: 800,
      INCLINATION: 89,
      COV_CONFIDENCE_METHOD: 'Wald test',
      CTHR_R: 1.1e-9,
      CTHR_DRG: 7.7e-13,
      CTHR_THR: 9.9e-15,
      CX_X: 100,
      CZ_Z: 600,
      CXDOT_X: 1.5e-2,
      CSIG3EIGVEC3: [1.5, 0.8, 0.2, 0.6, 0.7, 0.1, -0.7, 0.6, 0.2, 0.1, -0.2, 0.9],
      CSCALE_FACTOR: 1.2,
      SCREENING_DATA_SOURCE: 'ACME ephemeris service',
      DCP_SENSITIVITY_VECTOR_POSITION: [1, 2, 3],
      USER_DEFINED_OBJECT_SIZE_CLASS: 'LARGE',
    });
  });

  it('reads the namespace-qualified XML of the same message to the same model, comments included', () => {
    expect(xml).toEqual(kvn);
  });

  it('writes B-2 output without a MESSAGE_FOR fill', () => {
    expect(writeCdmKvn(kvn)).not.toMatch(/^MESSAGE_FOR/m);
  });
});
