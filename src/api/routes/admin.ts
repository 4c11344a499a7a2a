import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { intParam, pageParams, stringParam, timestampParam } from '../query.js';

/** Operator routes: the audit trail, peer connection history, configuration reload. */
export function registerAdminRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/audit', { config: { permission: 'admin' } }, async (request) => {
    const q = request.query as Record<string, unknown>;
    const page = pageParams(q);
    const result = ctx.store.audit.query({
      ...page,
      peer: stringParam(q, 'peer'),
      message_id: stringParam(q, 'message_id'),
      since: timestampParam(q, 'since'),
    });
    return { entries: result.items, total: result.total, ...page };
  });

  app.get('/peers/:id/history', { config: { permission: 'read' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    const limit = intParam(request.query as Record<string, unknown>, 'limit', { min: 1, max: 1000, fallback: 100 });
    const events = ctx.store.audit.peerHistory(id, limit);
    if (events.length === 0 && !ctx.peers.views().some((p) => p.peer_id === id)) throw notFound('Peer', id);
    return { peer_id: id, events };
  });

  app.post('/admin/reload', { config: { permission: 'admin' } }, async (_request, reply) => {
    const result = await ctx.reload();
    if (!result.ok) throw new ApiError('validation_failed', 'The new configuration was refused; the running one stays', undefined, { problems: result.errors });
    // Restart-only keys that changed are named, so that the operator knows they are not in force yet.
    return reply.send({ status: 'reloaded', changes: result.changes, not_applied: result.not_applied ?? [] });
  });
}
