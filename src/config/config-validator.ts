import type { ValidateFunction } from 'ajv';

/**
 * The configuration's validator compiled at build time: in the bundled `dist/cli.js`,
 * scripts/build-bundle.mjs replaces this module with Ajv's standalone code for `ConfigSchema`
 * (made by `reportingAjv`), so that a start compiles no schema. Undefined here (from `src/` and
 * tsc's `dist/`): the validator is then compiled on first use from the same schema and settings.
 */
export const PRECOMPILED_CONFIG_VALIDATOR: ValidateFunction | undefined = undefined;
