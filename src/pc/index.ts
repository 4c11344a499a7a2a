/**
 * Collision probability: Foster's 2-D Pc in the encounter plane at TCA. Pure: no I/O, no clock.
 */
export { assessCdmPc, pcDisagrees, PC_METHOD, type PcOptions } from './cdm.js';
export { HARD_BODY_SHAPES, pc2dEncounterPlane, pc2dFromStates, type EncounterPlane, type HardBodyShape, type InertialState } from './foster.js';
export { EARTH_ROTATION_RAD_S } from './frames.js';
export { MAX_HBR_M, hardBodyRadius, readRadius, type HardBodyRadius, type HbrSource } from './hbr.js';
