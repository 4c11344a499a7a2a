import type { FastifyInstance } from 'fastify';
import { OBJECT_TYPES } from '../../protocol/cdm.js';
import { validatePayload } from '../../protocol/validate.js';
import { authorise, takeForce } from '../authority.js';
import { jsonObjectBody } from '../body.js';
import type { ApiContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import { enumParam, pageParams, stringParam } from '../query.js';
import { objectDetail, objectListItem, signatureView } from '../views.js';

export function registerObjectRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post('/objects', { config: { permission: 'write' } }, async (request, reply) => {
    const checked = validatePayload('OBJECT_STATE_ANNOUNCE', jsonObjectBody(request));
    if (!checked.ok) throw invalid(checked.issue.field, checked.issue.message);
    const id = checked.value.object_id;
    const result = ctx.router.originate('OBJECT_STATE_ANNOUNCE', checked.value);
    if (result.outcome === 'unchanged') return reply.code(200).send({ object_id: id, status: 'unchanged' });
    if (result.outcome === 'stale') throw conflict(`Object ${id} is already held with a state that is not older (epoch ${ctx.store.getObject(id)?.announce?.payload.epoch ?? '?'})`);
    await ctx.store.durable();
    return reply.code(201).send({ object_id: id, status: 'accepted', propagated_to: result.propagatedTo });
  });

  app.get('/objects', { config: { permission: 'read' } }, async (request) => {
    const q = request.query as Record<string, unknown>;
    const page = pageParams(q);
    const type = stringParam(q, 'type');
    if (type !== undefined && !(OBJECT_TYPES as readonly string[]).includes(type)) {
      throw invalid('type', `Invalid query parameter type: must be one of ${OBJECT_TYPES.join(', ')}`);
    }
    const result = ctx.store.queryObjects({
      ...page,
      type,
      owner: stringParam(q, 'owner'),
      status: enumParam(q, 'status', ['active', 'withdrawn', 'all'] as const, 'active'),
    });
    return { objects: result.items.map(objectListItem), total: result.total, ...page };
  });

  app.get('/objects/:id', { config: { permission: 'read' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    const record = ctx.store.getObject(id);
    if (!record) throw notFound('Object', id);
    return { ...objectDetail(record, ctx.store.activeCdmIdsForObject(id)), ...signatureView(record) };
  });

  app.delete('/objects/:id', { config: { permission: 'write' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    const { force, rest: body } = takeForce(jsonObjectBody(request, { optional: true }));
    const record = ctx.store.getObject(id);
    if (!record) throw notFound('Object', id);
    if (record.status === 'withdrawn' && record.withdrawal) {
      return { object_id: id, status: 'withdrawn', reason: record.withdrawal.payload.reason };
    }
    const checked = validatePayload('OBJECT_STATE_WITHDRAW', { ...body, object_id: id, effective_time: ctx.now().toISOString() });
    if (!checked.ok) throw invalid(checked.issue.field, checked.issue.message);
    const forced = authorise(ctx, request, `Object ${id}`, record, force);
    const result = ctx.router.originate('OBJECT_STATE_WITHDRAW', checked.value, { forced });
    const after = ctx.store.getObject(id);
    if (after?.status !== 'withdrawn') {
      throw conflict(`Object ${id} has a state with epoch ${after?.announce?.payload.epoch ?? '?'}, later than now; a withdrawal now would not take effect`);
    }
    await ctx.store.durable();
    return { object_id: id, status: 'withdrawn', reason: checked.value.reason, ...(forced ? { forced: true } : {}), propagated_to: result.propagatedTo };
  });
}
