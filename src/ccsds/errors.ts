import type { CcsdsError, Where } from './types.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: CcsdsError };

export function ccsdsError(keyword: string, where: Where, text: string): CcsdsError {
  const location = where.line !== undefined ? `line ${where.line}` : where.path;
  const prefix = location !== undefined ? `${location}: ` : '';
  const subject = keyword ? `${keyword}: ` : '';
  return { keyword, ...where, message: `${prefix}${subject}${text}` };
}

export function failure<T>(keyword: string, where: Where, text: string): Outcome<T> {
  return { ok: false, error: ccsdsError(keyword, where, text) };
}

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}
