import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { bearerToken } from '../auth.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { PACKAGE_ROOT } from '../../package-root.js';

/** Where `npm run build` puts the dashboard (scripts/build-ui.mjs): `dist/ui` of the package, from src/ or dist/ alike. */
export const UI_ROOT = join(PACKAGE_ROOT, 'dist', 'ui') + sep;

/**
 * The dashboard's Content-Security-Policy: its own origin only, no inline script or style
 * element, no plugin, no framing. Downloads are saved from `blob:` URLs the page makes.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Files under these folders are named by version or content hash, so they never change: cached for a year. */
const IMMUTABLE_PATH = /[/\\](?:vendor|app-[0-9a-f]{8,})[/\\]/;

function cacheHeaders(reply: FastifyReply, path: string): void {
  if (IMMUTABLE_PATH.test(path)) void reply.header('cache-control', 'public, max-age=31536000, immutable');
  // index.html names the current hashed folder, so it is checked on every load.
  else void reply.header('cache-control', 'no-cache');
}

/**
 * `GET /ui/`: the operator dashboard, static files built into `dist/ui` (no data in them;
 * the page calls the REST API with the operator's token, so the files need none).
 */
export function registerUiRoutes(app: FastifyInstance, root = UI_ROOT): void {
  void app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), permission: 'public' };
    });
    scope.addHook('onSend', async (_request, reply, payload) => {
      void reply
        .header('content-security-policy', UI_CONTENT_SECURITY_POLICY)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('x-frame-options', 'DENY');
      return payload;
    });
    // Relative links in index.html need the trailing slash.
    scope.get('/ui', async (_request, reply) => reply.redirect('/ui/', 301));
    if (!existsSync(`${root}index.html`)) {
      scope.get('/ui/*', async () => {
        throw new ApiError('not_found', 'The dashboard is not built; run `npm run build`');
      });
      return;
    }
    await scope.register(fastifyStatic, {
      root,
      prefix: '/ui/',
      decorateReply: false,
      cacheControl: false,
      dotfiles: 'deny',
      index: ['index.html'],
      setHeaders: cacheHeaders,
    });
  });
}

/**
 * `GET /auth/whoami` (any valid token): `{token_id, permissions, auth_enabled}`, so the dashboard
 * shows write actions only to a token that may use them. With auth off: `token_id` null and
 * every permission. No or unknown token with auth on: `401`, logged as `authentication failed`.
 */
export function registerWhoamiRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/auth/whoami', { config: { permission: 'public' } }, async (request, reply) => {
    if (!ctx.config().api.auth.enabled) return { token_id: null, permissions: ['read', 'write', 'admin'], auth_enabled: false };
    const secret = bearerToken(request.headers.authorization);
    const token = secret === undefined ? undefined : ctx.auth.identify(secret);
    if (!token) {
      const reason = secret === undefined ? 'no bearer token' : 'unknown token';
      request.log.warn({ route: 'GET /auth/whoami', address: request.ip, reason }, 'authentication failed');
      void reply.header('WWW-Authenticate', 'Bearer');
      throw new ApiError('unauthorized', `Authentication required: ${reason}`);
    }
    return { token_id: token.id, permissions: [...token.permissions], auth_enabled: true };
  });
}
