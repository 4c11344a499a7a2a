import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { maneuverStatusRank } from '../../model/merge.js';
import { MANEUVER_STATUSES } from '../../protocol/messages.js';
import { validatePayload } from '../../protocol/validate.js';
import { authorise, takeForce } from '../authority.js';
import { jsonObjectBody } from '../body.js';
import type { ApiContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import { pageParams, stringParam } from '../query.js';
import { maneuverView, signatureView } from '../views.js';

export function registerManeuverRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post('/maneuvers', { config: { permission: 'write' } }, async (request, reply) => {
    const body = jsonObjectBody(request);
    if (body.maneuver_id !== undefined) throw invalid('maneuver_id', 'maneuver_id is assigned by the node; leave it out');
    const maneuverId = randomUUID();
    const checked = validatePayload('MANEUVER_INTENT', { ...body, maneuver_id: maneuverId });
    if (!checked.ok) throw invalid(checked.issue.field, checked.issue.message);
    const result = ctx.router.originate('MANEUVER_INTENT', checked.value);
    await ctx.store.durable();
    return reply.code(201).send({ maneuver_id: maneuverId, status: 'announced', propagated_to: result.propagatedTo });
  });

  app.patch('/maneuvers/:id', { config: { permission: 'write' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    const { force, rest: body } = takeForce(jsonObjectBody(request));
    const record = ctx.store.getManeuver(id);
    if (!record) throw notFound('Maneuver', id);
    for (const key of ['maneuver_id', 'object_id'] as const) {
      const expected = key === 'maneuver_id' ? id : record.object_id;
      if (body[key] !== undefined && body[key] !== expected) throw invalid(key, `${key} cannot be changed (it is ${expected})`);
    }
    const checked = validatePayload('MANEUVER_STATUS', { ...body, maneuver_id: id, object_id: record.object_id });
    if (!checked.ok) throw invalid(checked.issue.field, checked.issue.message);
    const next = checked.value.status;
    const rankChange = maneuverStatusRank(next) - maneuverStatusRank(record.status);
    if (rankChange < 0 || (rankChange === 0 && next !== record.status)) {
      throw conflict(`Maneuver ${id} is ${record.status}; status only moves forward (${MANEUVER_STATUSES.slice(0, 2).join(' < ')} < COMPLETED | CANCELLED | FAILED)`);
    }
    const forced = authorise(ctx, request, `Maneuver ${id}`, record, force);
    const result = ctx.router.originate('MANEUVER_STATUS', checked.value, { forced });
    if (result.outcome === 'stale') throw conflict(`Maneuver ${id} already has a different ${record.status} status update`);
    await ctx.store.durable();
    return { maneuver_id: id, status: next, propagated_to: result.propagatedTo };
  });

  app.get('/maneuvers', { config: { permission: 'read' } }, async (request) => {
    const q = request.query as Record<string, unknown>;
    const page = pageParams(q);
    const status = stringParam(q, 'status');
    if (status !== undefined && !(MANEUVER_STATUSES as readonly string[]).includes(status)) {
      throw invalid('status', `Invalid query parameter status: must be one of ${MANEUVER_STATUSES.join(', ')}`);
    }
    const result = ctx.store.queryManeuvers({ ...page, object_id: stringParam(q, 'object_id'), status });
    return { maneuvers: result.items.map(maneuverView), total: result.total, ...page };
  });

  app.get('/maneuvers/:id', { config: { permission: 'read' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    const record = ctx.store.getManeuver(id);
    if (!record) throw notFound('Maneuver', id);
    return { ...maneuverView(record), ...signatureView(record) };
  });
}
