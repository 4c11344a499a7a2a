import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';

export function registerHealthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/health', { config: { permission: 'public' } }, async (_request, reply) => {
    const total = ctx.peers.views().length;
    const connected = ctx.peers.connectedCount();
    const storeError = ctx.store.lastWriteError();
    const failing = ctx.peers.failingCount();
    const status = storeError ? 'unhealthy' : (total > 0 && connected === 0) || failing > 0 ? 'degraded' : 'healthy';
    if (storeError) void reply.code(503);
    return {
      status,
      ...(storeError ? { error: `store cannot be written: ${storeError.message}` } : {}),
      node_id: ctx.config().node.id,
      uptime_seconds: Math.floor((ctx.now().getTime() - ctx.startedAt.getTime()) / 1000),
      peers: { connected, total, ...(failing > 0 ? { delivery_failing: failing } : {}) },
      objects_tracked: ctx.store.countActiveObjects(),
      cdms_active: ctx.store.countActiveCdms(),
      version: ctx.version,
    };
  });

  app.get('/metrics', { config: { permission: 'metrics' } }, async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
