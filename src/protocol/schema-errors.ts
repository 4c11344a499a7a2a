import { Ajv, type CodeOptions, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { jsonPointerToField, isUtcTimestamp, type ValidationIssue } from './validate.js';

/**
 * Validation that reports every problem at once with its path, fills defaults, and
 * suggests the nearest known key for an unknown one (used for configuration files).
 * A schema may carry `x-message` to replace the generic text of its own failures.
 *
 * These validators run a few times (configuration load, a peer or subscription added), so their
 * compilation is made cheap: the schemas are not checked against the JSON Schema meta-schema
 * at each start (a test does that), and the generated code is not optimised. `code` adds code
 * generation options (scripts/build-bundle.mjs compiles the configuration's validator at build
 * time with the same instance settings).
 */
export function reportingAjv(code: CodeOptions = {}): Ajv {
  const instance = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true, validateSchema: false, code: { optimize: false, ...code } });
  instance.addFormat('utc-date-time', { type: 'string', validate: isUtcTimestamp });
  return instance;
}

let ajv: Ajv | undefined;

/** Every schema given to `compileReporting`, for the test that checks them against the meta-schema. */
const declared: TSchema[] = [];

export function reportingSchemas(): readonly TSchema[] {
  return declared;
}

/**
 * The validator is compiled on its first call, so that importing a module that declares one
 * costs nothing at start-up; `precompiled`, when given, is the same schema's validator compiled
 * at build time by `reportingAjv` (then nothing is compiled at run time).
 */
export function compileReporting<T>(
  schema: TSchema,
  precompiled?: ValidateFunction,
): (value: unknown) => { ok: true; value: T } | { ok: false; issues: ValidationIssue[] } {
  declared.push(schema);
  let compiled = precompiled as ValidateFunction<T> | undefined;
  return (value) => {
    const validate = (compiled ??= (ajv ??= reportingAjv()).compile<T>(schema));
    if (validate(value)) return { ok: true, value };
    return { ok: false, issues: dedupe((validate.errors ?? []).filter(isReportable).map(describeFully)) };
  };
}

/** A union reports each branch's failure too; keep the union's own error only. */
function isReportable(error: ErrorObject): boolean {
  return !error.schemaPath.includes('/anyOf/');
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describeFully(error: ErrorObject): ValidationIssue {
  const at = jsonPointerToField(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const custom = (error.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
  if (typeof custom === 'string' && error.keyword !== 'required' && error.keyword !== 'additionalProperties') {
    return { field: at, message: custom };
  }
  switch (error.keyword) {
    case 'required': {
      const key = String(params.missingProperty);
      return { field: at ? `${at}.${key}` : key, message: 'is required' };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const nearest = nearestKey(key, known);
      const field = at ? `${at}.${key}` : key;
      return { field, message: nearest ? `unknown key (did you mean "${nearest}"?)` : `unknown key (known keys: ${known.join(', ')})` };
    }
    case 'enum':
      return { field: at, message: `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'type':
      return { field: at, message: `must be ${String(params.type)}` };
    case 'anyOf':
      return { field: at, message: 'has an unsupported type or value' };
    default:
      return { field: at, message: error.message ?? 'is not valid' };
  }
}

/** The known key closest by edit distance, when close enough to be a likely typo. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
