import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';

/** `GET /keys` (read): this node's public keys and the origin keys it trusts (PROTOCOL.md section 10). */
export function registerKeyRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/keys', { config: { permission: 'read' } }, async () => ctx.keys.view());
}
