import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { Cdm } from './cdm.js';
import { EnvelopeShape, type Envelope } from './envelope.js';
import { PAYLOAD_SCHEMAS, type MessageType, type PayloadByType } from './messages.js';
import { isUtcTimestamp } from './time.js';

/** A validation failure naming the offending field by its dotted path (`object1.object_type`). */
export interface ValidationIssue {
  field: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; issue: ValidationIssue };

/** JSON timestamps are read by the one time reader (`./time.ts`); re-exported for existing callers. */
export { isUtcTimestamp } from './time.js';

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false });
ajv.addFormat('utc-date-time', { type: 'string', validate: isUtcTimestamp });

function compile<T>(schema: TSchema): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

export function jsonPointerToField(pointer: string, base = ''): string {
  let field = base;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    field = /^\d+$/.test(part) ? `${field}[${part}]` : field ? `${field}.${part}` : part;
  }
  return field;
}

function describe(error: ErrorObject, base: string): ValidationIssue {
  const at = jsonPointerToField(error.instancePath, base);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const field = at ? `${at}.${String(params.missingProperty)}` : String(params.missingProperty);
      return { field, message: `Missing required field: ${field}` };
    }
    case 'enum':
      return { field: at, message: `Invalid field ${at}: must be one of ${(params.allowedValues as string[]).join(', ')}` };
    case 'format':
      return { field: at, message: `Invalid field ${at}: must be an ISO 8601 UTC timestamp (e.g. 2026-11-27T08:30:00.000Z)` };
    case 'type':
      return { field: at, message: `Invalid field ${at}: must be ${String(params.type)}` };
    case 'pattern':
      return { field: at, message: `Invalid field ${at}: contains characters that are not allowed` };
    default:
      return { field: at, message: `Invalid field ${at}: ${error.message ?? 'is not valid'}` };
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first value JSON cannot carry faithfully, anywhere in `value`: a number that is not
 * finite (`1e309` parses to Infinity, which JSON.stringify writes as null and RFC 8785
 * refuses) or a string with a lone UTF-16 surrogate (RFC 8785 section 3.2.2.2). The field
 * is named by its dotted path under `base`.
 */
export function unrepresentableValue(value: unknown, base = ''): ValidationIssue | undefined {
  return isRepresentable(value) ? undefined : firstUnrepresentable(value, base);
}

/** Whether `value` holds nothing JSON cannot carry: the check of every message, without field paths or recursion. */
function isRepresentable(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) return false;
    } else if (typeof node === 'string') {
      if (LONE_SURROGATE.test(node)) return false;
    } else if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        if (LONE_SURROGATE.test(key)) return false;
        stack.push((node as Record<string, unknown>)[key]);
      }
    }
  }
  return true;
}

/** The field `isRepresentable` refused, by its dotted path (walked without recursion). */
function firstUnrepresentable(value: unknown, base: string): ValidationIssue | undefined {
  const stack: [unknown, string][] = [[value, base]];
  while (stack.length > 0) {
    const [node, at] = stack.pop() as [unknown, string];
    if (typeof node === 'number' && !Number.isFinite(node)) {
      return { field: at, message: `Invalid field ${at || '(body)'}: must be a finite number (got ${String(node)})` };
    }
    if (typeof node === 'string' && LONE_SURROGATE.test(node)) {
      return { field: at, message: `Invalid field ${at || '(body)'}: contains a lone UTF-16 surrogate (not valid Unicode)` };
    }
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${at}[${i}]`]);
    } else {
      for (const key of Object.keys(node).reverse()) {
        const field = at ? `${at}.${key}` : key;
        if (LONE_SURROGATE.test(key)) return { field, message: `Invalid field name ${field}: contains a lone UTF-16 surrogate (not valid Unicode)` };
        stack.push([(node as Record<string, unknown>)[key], field]);
      }
    }
  }
  return undefined;
}

/** `representable`: the value is part of one already checked by `unrepresentableValue`. */
function run<T>(validate: ValidateFunction<T>, value: unknown, base = '', representable = false): Validated<T> {
  const unrepresentable = representable ? undefined : unrepresentableValue(value, base);
  if (unrepresentable) return { ok: false, issue: unrepresentable };
  if (validate(value)) return { ok: true, value };
  const first = validate.errors?.[0];
  if (!first) return { ok: false, issue: { field: base, message: 'Invalid value' } };
  return { ok: false, issue: describe(first, base) };
}

/*
 * Validators are compiled on first use, not at import: compiling every schema takes a few
 * hundred milliseconds, which start-up would otherwise pay before the node can answer.
 */
let envelopeValidator: ValidateFunction<Envelope> | undefined;
let cdmValidator: ValidateFunction<Cdm> | undefined;
const payloadValidators = new Map<MessageType, ValidateFunction<unknown>>();

function payloadValidator(type: MessageType): ValidateFunction<unknown> {
  let validator = payloadValidators.get(type);
  if (!validator) {
    validator = compile<unknown>(PAYLOAD_SCHEMAS[type]);
    payloadValidators.set(type, validator);
  }
  return validator;
}

export function isMessageType(value: string): value is MessageType {
  return Object.hasOwn(PAYLOAD_SCHEMAS, value);
}

export type EnvelopeCheck =
  | { ok: true; envelope: Envelope }
  | { ok: false; issue: ValidationIssue; unknownType?: string };

/** Checks the envelope, then the payload against its message type's schema. */
export function validateEnvelope(raw: unknown): EnvelopeCheck {
  const shape = run((envelopeValidator ??= compile<Envelope>(EnvelopeShape)), raw);
  if (!shape.ok) return shape;
  const type = shape.value.message_type as string;
  if (!isMessageType(type)) {
    return {
      ok: false,
      unknownType: type,
      issue: { field: 'message_type', message: `Unknown message_type: ${type}` },
    };
  }
  // The envelope's check covered the payload's values.
  const payload = run(payloadValidator(type), shape.value.payload, 'payload', true);
  if (!payload.ok) return payload;
  return { ok: true, envelope: shape.value };
}

export function validatePayload<T extends MessageType>(type: T, raw: unknown, base = ''): Validated<PayloadByType[T]> {
  return run(payloadValidator(type) as ValidateFunction<PayloadByType[T]>, raw, base);
}

export function validateCdm(raw: unknown, base = ''): Validated<Cdm> {
  return run((cdmValidator ??= compile<Cdm>(Cdm)), raw, base);
}
