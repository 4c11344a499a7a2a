import { expect } from 'vitest';

/** The REST error codes and their statuses (API.md). */
export const API_ERROR_STATUS: Record<string, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
};

/** Asserts the one documented error shape: `{error, message, field?, details?}`, the code matching the status. */
export function expectApiErrorShape(status: number, json: Record<string, unknown> | undefined, text = ''): void {
  expect(json, `error body is not JSON: ${text.slice(0, 200)}`).toBeDefined();
  const body = json as Record<string, unknown>;
  expect(Object.keys(body).every((k) => ['error', 'message', 'field', 'details'].includes(k)), `unexpected keys in ${JSON.stringify(body)}`).toBe(true);
  expect(typeof body.error).toBe('string');
  expect(API_ERROR_STATUS[body.error as string], `status ${status} with code ${String(body.error)}`).toBe(status);
  expect(typeof body.message).toBe('string');
  if (body.field !== undefined) expect(typeof body.field).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at /);
}

export function expectApiError(res: { status: number; json: Record<string, unknown> | undefined; text?: string }, status: number, code: string, field?: string): void {
  expect(res.status, res.text ?? JSON.stringify(res.json)).toBe(status);
  expectApiErrorShape(res.status, res.json, res.text);
  expect(res.json?.error).toBe(code);
  if (field !== undefined) expect(res.json?.field).toBe(field);
}
