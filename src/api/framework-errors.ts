import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { ApiContext } from './context.js';
import { ApiError, invalid, type ApiErrorCode } from './errors.js';

/**
 * Longest path parameter the router takes (characters as sent, percent-encoding included).
 * Record ids are at most 128 characters (PROTOCOL.md section 3); fully percent-encoded
 * that is 384. Anything longer cannot name a record and is answered 400 naming `id`.
 */
export const MAX_PARAM_LENGTH = 512;

const FASTIFY_ERRORS: Record<string, (err: FastifyError) => ApiError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ApiError('payload_too_large', 'Request body is larger than api.body_limit_bytes allows'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (err) => new ApiError('unsupported_media_type', err.message),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => invalid('', 'Request body is empty; send a JSON object'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => invalid('', 'Content-Length does not match the body'),
  FST_ERR_BAD_URL: () => invalid('url', 'The URL is not valid percent-encoded UTF-8'),
  FST_ERR_MAX_PARAM_LENGTH: () => invalid('id', `A path parameter is longer than ${MAX_PARAM_LENGTH} characters; record ids are at most 128`),
};

/** The API error code for an HTTP status a library chose; statuses API.md does not list become `validation_failed` (4xx) or `internal_error`. */
function codeForStatus(status: number): ApiErrorCode {
  const byStatus: Record<number, ApiErrorCode> = {
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'payload_too_large',
    414: 'validation_failed',
    415: 'unsupported_media_type',
    429: 'rate_limited',
  };
  return byStatus[status] ?? (status >= 400 && status < 500 ? 'validation_failed' : 'internal_error');
}

/**
 * The documented error for whatever a route, a hook or Fastify itself raised; `undefined`
 * for an unexpected failure (the caller logs it and answers `internal_error`).
 */
export function apiErrorFor(err: FastifyError): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
  if (known) return known(err);
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return new ApiError(codeForStatus(err.statusCode), err.message);
  return undefined;
}

/**
 * Reads and discards what is left of a request body, up to `maxBytes` more or `timeoutMs`,
 * so that an answer sent before the body was read (413) reaches a client that writes its
 * whole body before it reads: closing a socket with unread data resets it, and such a
 * client sees a broken pipe instead of the answer.
 */
export function drainRequest(raw: Readable & { complete?: boolean }, maxBytes: number, timeoutMs: number): Promise<void> {
  if (raw.complete === true || raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let received = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', finish);
      raw.off('error', finish);
      raw.off('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    raw.on('data', onData);
    raw.once('end', finish);
    raw.once('error', finish);
    raw.once('close', finish);
    raw.resume();
  });
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (malformed request
 * line or headers, duplicate Content-Length, oversized headers, timeouts) in the documented
 * error shape, then closes the connection, as Node does.
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException, socket: Socket, onError: (code: ApiErrorCode) => void): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const message =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'The request was not received completely within server.timeouts'
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? 'Request headers are larger than the server accepts'
        : `Malformed HTTP request${err.code ? ` (${err.code})` : ''}`;
  const error = invalid('', message);
  onError(error.code);
  const body = JSON.stringify(error.toBody());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const head = `HTTP/1.1 ${error.statusCode} Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}

/** Fastify's own refusals before routing (bad URL encoding, over-long parameters), in the documented shape. */
export function frameworkErrorAnswer(err: FastifyError, _request: FastifyRequest, reply: FastifyReply, onError: (code: ApiErrorCode) => void): void {
  const error = apiErrorFor(err) ?? invalid('', 'The request was refused');
  onError(error.code);
  void reply.code(error.statusCode).send(error.toBody());
}

/** Lets a client that sends its whole body before reading see the 413: drains up to four body limits (at least 8 MiB) within the request timeout. */
export function drainOversizedBody(ctx: ApiContext, request: FastifyRequest): Promise<void> {
  const config = ctx.config();
  const bound = Math.max(8 * 1024 * 1024, 4 * config.api.body_limit_bytes);
  return drainRequest(request.raw, bound, config.server.timeouts.request_seconds * 1000);
}
