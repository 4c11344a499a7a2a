import type { FastifyRequest } from 'fastify';
import { ApiError, invalid } from './errors.js';

export function isJsonRequest(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return type !== undefined && /^application\/(?:[\w.+-]+\+)?json\b/i.test(type);
}

/** The JSON object a route takes; other media types are 415, other JSON values 400. */
export function jsonObjectBody(request: FastifyRequest, options: { optional?: boolean } = {}): Record<string, unknown> {
  if (request.body === undefined || request.body === null) {
    if (options.optional) return {};
    throw invalid('', 'Request body is required (a JSON object)');
  }
  if (!isJsonRequest(request)) {
    throw new ApiError('unsupported_media_type', `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted here; send application/json`);
  }
  const body = request.body;
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('', 'Request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** True when a parsed JSON value nests deeper than `max` levels (checked without recursion). */
export function exceedsDepth(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as object;
    const depth = depths.pop() as number;
    if (depth > max) return true;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
