import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import '../../src/config/load.js';
import '../../src/api/routes/peers.js';
import '../../src/api/routes/changes.js';
import { reportingSchemas } from '../../src/protocol/schema-errors.js';

describe('schemas of the reporting validators', () => {
  // The validators skip the meta-schema check when they compile (start-up time): it is made here.
  it('are valid JSON Schemas (draft-07 meta-schema)', () => {
    const ajv = new Ajv({ strict: false });
    expect(reportingSchemas().length).toBeGreaterThanOrEqual(3);
    for (const schema of reportingSchemas()) {
      const valid = ajv.validateSchema(schema);
      expect(ajv.errors ?? [], JSON.stringify(schema).slice(0, 80)).toEqual([]);
      expect(valid).toBe(true);
    }
  });
});
