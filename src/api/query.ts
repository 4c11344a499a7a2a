import { isUtcTimestamp } from '../protocol/validate.js';
import { invalid } from './errors.js';

type Query = Record<string, unknown>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, `Invalid query parameter ${name}: give it once`);
  return value;
}

export function stringParam(query: Query, name: string): string | undefined {
  const value = single(query, name);
  return value === '' ? undefined : value;
}

/** A risk level name: one of `names` (the configured `alerts.levels` and the two built-in ones), else 400 naming `level`. */
export function levelParam(query: Query, names: readonly string[]): string | undefined {
  const value = stringParam(query, 'level');
  if (value !== undefined && !names.includes(value)) throw invalid('level', `Invalid query parameter level: must be one of ${names.join(', ')}`);
  return value;
}

export function intParam(query: Query, name: string, range: { min: number; max: number; fallback: number }): number {
  const text = single(query, name);
  if (text === undefined || text === '') return range.fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw invalid(name, `Invalid query parameter ${name}: must be an integer from ${range.min} to ${range.max}`);
  }
  return value;
}

export function numberParam(query: Query, name: string, range: { min: number; max: number }): number | undefined {
  const text = stringParam(query, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw invalid(name, `Invalid query parameter ${name}: must be a number from ${range.min} to ${range.max}`);
  }
  return value;
}

export function timestampParam(query: Query, name: string): string | undefined {
  const text = stringParam(query, name);
  if (text !== undefined && !isUtcTimestamp(text)) {
    throw invalid(name, `Invalid query parameter ${name}: must be an ISO 8601 UTC timestamp (e.g. 2026-11-27T08:30:00.000Z)`);
  }
  return text;
}

export function enumParam<const V extends readonly string[]>(query: Query, name: string, values: V, fallback: V[number]): V[number] {
  const text = stringParam(query, name);
  if (text === undefined) return fallback;
  if (!values.includes(text)) throw invalid(name, `Invalid query parameter ${name}: must be one of ${values.join(', ')}`);
  return text;
}

export function pageParams(query: Query): { limit: number; offset: number } {
  return {
    limit: intParam(query, 'limit', { min: 1, max: 1000, fallback: 100 }),
    offset: intParam(query, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }),
  };
}
