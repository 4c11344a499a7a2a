import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { subscriptionView } from '../../notify/index.js';
import { compileReporting } from '../../protocol/schema-errors.js';
import type { ChangeFilter } from '../../store/changes.js';
import { jsonObjectBody } from '../body.js';
import { ChangeFilterSchema, changeFilterFromQuery, lastEventIdHeader } from '../change-filter.js';
import { levelNames } from './events.js';
import type { ApiContext } from '../context.js';
import { ApiError, invalid, notFound } from '../errors.js';

const NewSubscription = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    filters: Type.Optional(ChangeFilterSchema),
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 1024, 'x-message': 'must be 16 to 1024 characters' })),
  },
  { additionalProperties: false },
);
const validateNewSubscription = compileReporting<{ url: string; filters?: ChangeFilter; secret?: string }>(NewSubscription);

/** `GET /events/stream` (Server-Sent Events) and `/subscriptions` (webhooks): thin, the work is in src/notify. */
export function registerChangeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/events/stream', { config: { permission: 'read' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const filter = changeFilterFromQuery(query, levelNames(ctx));
    const lastEventId = lastEventIdHeader(request.headers['last-event-id']);
    const stream = ctx.notify.openStream(filter, lastEventId, request.log, request.ip);
    reply.raw.once('close', () => stream.end('closed'));
    void reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      .header('x-accel-buffering', 'no');
    return reply.send(stream.body);
  });

  app.post('/subscriptions', { config: { permission: 'write' } }, async (request, reply) => {
    const checked = validateNewSubscription(structuredClone(jsonObjectBody(request)));
    if (!checked.ok) {
      const [first] = checked.issues;
      throw invalid(first?.field ?? '', `${first?.field || 'body'}: ${first?.message ?? 'is not valid'}`, { problems: checked.issues });
    }
    const result = ctx.notify.subscriptions.create({ ...checked.value, filters: checked.value.filters ?? {} });
    if (!result.ok) throw new ApiError(result.refusal.code, result.refusal.message, result.refusal.field || undefined);
    await ctx.store.durable();
    return reply.code(201).send(subscriptionView(result.subscription, ctx.notify.hub.head()));
  });

  app.get('/subscriptions', { config: { permission: 'read' } }, async () => ({
    subscriptions: ctx.notify.subscriptions.list().map((s) => subscriptionView(s, ctx.notify.hub.head())),
  }));

  app.get('/subscriptions/:id', { config: { permission: 'read' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    const subscription = ctx.notify.subscriptions.get(id);
    if (!subscription) throw notFound('Subscription', id);
    return subscriptionView(subscription, ctx.notify.hub.head());
  });

  app.delete('/subscriptions/:id', { config: { permission: 'write' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    if (!ctx.notify.subscriptions.delete(id)) throw notFound('Subscription', id);
    await ctx.store.durable();
    return { subscription_id: id, status: 'deleted' };
  });
}
