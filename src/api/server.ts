import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Server as NetServer, Socket } from 'node:net';
import type { Permission } from '../config/schema.js';
import { MESSAGES_PATH } from '../peers/transport.js';
import { bearerToken, grants } from './auth.js';
import { exceedsDepth } from './body.js';
import { allowListFor } from '../allow-list.js';
import { ClientRateLimiter } from './guards.js';
import type { ApiContext } from './context.js';
import { API_ERRORS, ApiError, invalid, type ApiErrorCode } from './errors.js';
import { STORAGE_FULL_MESSAGE, isStorageFull } from '../store/write-errors.js';
import { LogLimiter } from '../observability/log-limiter.js';
import { apiErrorFor, clientErrorAnswer, drainOversizedBody, frameworkErrorAnswer, MAX_PARAM_LENGTH } from './framework-errors.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerCdmRoutes } from './routes/cdms.js';
import { registerChangeRoutes } from './routes/changes.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerManeuverRoutes } from './routes/maneuvers.js';
import { registerObjectRoutes } from './routes/objects.js';
import { registerPeerRoutes } from './routes/peers.js';
import { registerProtocolRoute } from './routes/protocol.js';
import { registerUiRoutes, registerWhoamiRoute } from './routes/ui.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; `public` routes need none. `metrics` follows `metrics.auth`. */
    permission?: Permission | 'public' | 'metrics';
  }
}

export interface ServerOptions {
  https?: { cert: Buffer; key: Buffer; ca?: Buffer; requestCert: boolean };
}

/**
 * Plain HTTP/1.1, or with TLS: HTTP/2 negotiated by ALPN with HTTP/1.1 still accepted,
 * TLS 1.3 only, client certificates checked against the CA when required.
 */
function transportOptions(ctx: ApiContext, options: ServerOptions): object {
  const timeouts = ctx.config().server.timeouts;
  const common = {
    requestTimeout: timeouts.request_seconds * 1000,
    keepAliveTimeout: timeouts.keep_alive_seconds * 1000,
  };
  // Node checks header and request deadlines only every connectionsCheckingInterval (30 s by default).
  if (!options.https) return { ...common, http: { connectionsCheckingInterval: Math.min(1000, timeouts.headers_seconds * 500) } };
  const { requestCert, ...material } = options.https;
  return {
    ...common,
    http2: true,
    http2SessionTimeout: timeouts.keep_alive_seconds * 1000,
    https: {
      ...material,
      allowHTTP1: true,
      minVersion: 'TLSv1.3',
      requestCert,
      rejectUnauthorized: requestCert,
      handshakeTimeout: timeouts.headers_seconds * 1000,
    },
  };
}

export interface ConnectionTracker {
  /** Requests received and not yet answered. */
  inFlight(): number;
  /** Ends every open connection (idle keep-alive, HTTP/2 sessions, stalled clients). */
  destroyAll(): void;
}

/** Watches a server's sockets and requests, so that a stop can wait for answers and then end what stays open. */
export function trackConnections(server: NetServer): ConnectionTracker {
  const sockets = new Set<Socket>();
  let requests = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (_request: unknown, response: { once(event: 'close', listener: () => void): void }) => {
    requests += 1;
    response.once('close', () => (requests -= 1));
  });
  return {
    inFlight: () => requests,
    destroyAll: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

export async function buildServer(ctx: ApiContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const config = ctx.config();
  // The routes do not depend on the transport or logger type, so one instance type serves both.
  const app = Fastify({
    loggerInstance: ctx.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.api.body_limit_bytes,
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Refusals before a route runs answer in the documented error shape too.
    frameworkErrors: (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => frameworkErrorAnswer(err, request, reply, (code) => countApiError(ctx, code)),
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) => clientErrorAnswer(err, socket, (code) => countApiError(ctx, code)),
    ...transportOptions(ctx, options),
  }) as unknown as FastifyInstance;
  // Slow clients: headers must arrive within headers_seconds, the whole request within request_seconds;
  // a TLS connection idle for keep_alive_seconds is closed.
  (app.server as { headersTimeout?: number }).headersTimeout = config.server.timeouts.headers_seconds * 1000;
  if (options.https) app.server.setTimeout(config.server.timeouts.keep_alive_seconds * 1000);

  registerParsers(app, () => ctx.config().api.max_json_depth);
  const limiter = new ClientRateLimiter();
  app.addHook('onRequest', async (request, reply) => authorize(ctx, limiter, request, reply));
  // Every id a path names follows the schema's rule for ids (1–128 letters, digits, `.`, `_`, `:`, `-`).
  app.addHook('preValidation', async (request) => {
    const id = (request.params as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && !PATH_ID.test(id)) throw invalid('id', 'Invalid path parameter id: 1 to 128 letters, digits, ".", "_", ":" or "-"');
  });
  app.addHook('onResponse', async (request, reply) => {
    // Peer messages are counted by the protocol handler, which knows their type.
    if (request.routeOptions.url !== MESSAGES_PATH) ctx.metrics.countMessage();
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed');
  });
  const diskFullLog = new LogLimiter(10_000);
  app.setErrorHandler((err: FastifyError, request, reply) => sendError(ctx, err, request, reply, diskFullLog));
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(new ApiError('not_found', `No route ${request.method} ${request.url.split('?')[0]}`).toBody());
  });

  registerHealthRoutes(app, ctx);
  registerCdmRoutes(app, ctx);
  // Before the events routes: `/events/stream` is a static route, matched ahead of `/events/:id` in any case.
  registerChangeRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerObjectRoutes(app, ctx);
  registerManeuverRoutes(app, ctx);
  registerPeerRoutes(app, ctx);
  registerProtocolRoute(app, ctx);
  registerAdminRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerWhoamiRoute(app, ctx);
  registerUiRoutes(app);
  return app;
}

const PATH_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function registerParsers(app: FastifyInstance, maxDepth: () => number): void {
  app.removeContentTypeParser('application/json');
  // Media-type parameters (`; charset=utf-8`) are allowed and ignored, whatever their case (PROTOCOL.md section 1).
  app.addContentTypeParser(/^application\/(?:[\w.+-]+\+)?json(?:\s*;.*)?$/is, { parseAs: 'buffer' }, (_request, body, done) => {
    let text: string;
    try {
      // JSON bodies are UTF-8 (PROTOCOL.md section 1); other bytes are refused, never stored as U+FFFD.
      text = UTF8.decode(body as Buffer);
    } catch {
      return done(invalid('', 'Request body is not valid UTF-8 (JSON bodies are UTF-8 whatever the charset parameter says)'));
    }
    if (text.trim() === '') return done(invalid('', 'Request body is empty; send a JSON object'));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return done(invalid('', `Malformed JSON: ${(err as Error).message}`));
    }
    if (exceedsDepth(value, maxDepth())) return done(invalid('', `JSON nests deeper than ${maxDepth()} levels`));
    done(null, value);
  });
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
  // Other media types reach the routes as text, which decide: a CDM route recognises KVN by its first keyword, others answer 415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

/** Errors the node answered: its own failures (5xx) count in the error rate, clients' 4xx only by code. */
function countApiError(ctx: ApiContext, code: ApiErrorCode): void {
  if (API_ERRORS[code] >= 500) ctx.metrics.countError(code);
  else ctx.metrics.countClientError(code);
}

async function sendError(ctx: ApiContext, err: FastifyError, request: FastifyRequest, reply: FastifyReply, diskFullLog: LogLimiter): Promise<FastifyReply> {
  let apiError = apiErrorFor(err);
  if (!apiError && isStorageFull(err)) {
    const line = diskFullLog.take('disk full');
    if (line) request.log.error({ error: err.message, method: request.method, url: request.url, suppressed: line.suppressed }, 'store write failed: disk full; answered 507');
    apiError = new ApiError('insufficient_storage', STORAGE_FULL_MESSAGE);
  }
  if (!apiError) {
    request.log.error({ err, method: request.method, url: request.url }, 'request failed');
    apiError = new ApiError('internal_error', 'Internal error; see the node log');
  }
  countApiError(ctx, apiError.code);
  if (apiError.code === 'payload_too_large') await drainOversizedBody(ctx, request);
  return reply.code(apiError.statusCode).send(apiError.toBody());
}


/** `rate limit exceeded` at most once a second per client, with the count held back. */
const rateLog = new LogLimiter(1000);

function neededPermission(ctx: ApiContext, request: FastifyRequest): Permission | undefined {
  const declared = request.routeOptions.config?.permission;
  if (declared === 'public') return undefined;
  if (declared === 'metrics') return ctx.config().metrics.auth ? 'read' : undefined;
  return declared ?? 'read';
}

async function authorize(ctx: ApiContext, apiRateLimiter: ClientRateLimiter, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const config = ctx.config();
  const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
  const peerEndpoint = request.routeOptions.url === MESSAGES_PATH;
  if (!peerEndpoint && !allowListFor(config.api.allowed_networks).allows(request.ip)) {
    ctx.protocol.authFailures.failed({ route, address: request.ip, reason: 'address not in api.allowed_networks' });
    return refuse(ctx, reply, new ApiError('forbidden', `Address ${request.ip} is not allowed to use this API`));
  }
  const needed = neededPermission(ctx, request);
  if (!needed) return;
  let client = `address:${request.ip}`;
  if (config.api.auth.enabled) {
    const secret = bearerToken(request.headers.authorization);
    const token = secret === undefined ? undefined : ctx.auth.identify(secret);
    if (!token) {
      const reason = secret === undefined ? 'no bearer token' : 'unknown token';
      ctx.protocol.authFailures.failed({ route, address: request.ip, reason });
      void reply.header('WWW-Authenticate', 'Bearer');
      return refuse(ctx, reply, new ApiError('unauthorized', `Authentication required: ${reason}`));
    }
    if (!grants(token, needed)) {
      ctx.protocol.authFailures.failed({ route, address: request.ip, token_id: token.id, reason: `missing permission ${needed}` });
      return refuse(ctx, reply, new ApiError('forbidden', `Token ${token.id} lacks the ${needed} permission`));
    }
    client = `token:${token.id}`;
  }
  const limit = config.api.rate_limit;
  if (limit.enabled && !apiRateLimiter.take(client, limit.requests_per_second, limit.burst)) {
    const line = rateLog.take(client);
    if (line) request.log.warn({ route, client, address: request.ip, suppressed: line.suppressed }, 'rate limit exceeded');
    void reply.header('Retry-After', String(apiRateLimiter.retryAfterSeconds(client)));
    return refuse(ctx, reply, new ApiError('rate_limited', 'Too many requests; retry later'));
  }
}

function refuse(ctx: ApiContext, reply: FastifyReply, error: ApiError): FastifyReply {
  countApiError(ctx, error.code);
  return reply.code(error.statusCode).send(error.toBody());
}
