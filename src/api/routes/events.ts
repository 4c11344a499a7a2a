import type { FastifyInstance } from 'fastify';
import { EVENT_SORT_FIELDS, queryEvents, summarizeEvent, type ConjunctionEvent, type EventMember, type EventSortField } from '../../events/index.js';
import type { ManeuverRecord } from '../../model/records.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../errors.js';
import { enumParam, levelParam, numberParam, pageParams, stringParam, timestampParam } from '../query.js';
import { BELOW_LEVELS, NO_PC_LEVEL } from '../../events/summary.js';
import { maneuverView } from '../views.js';

const SORTS = [...EVENT_SORT_FIELDS, ...EVENT_SORT_FIELDS.map((f) => `-${f}`)] as const;
/** At most this many maneuvers of each object are listed with an event. */
const MANEUVERS_PER_OBJECT = 100;

function listItem(e: ConjunctionEvent) {
  const { members: _members, ...item } = e;
  return item;
}

function timelineEntry(m: EventMember) {
  return {
    cdm_id: m.cdm_id,
    creation_date: m.creation_date,
    tca: m.tca,
    miss_distance_m: m.miss_distance_m,
    collision_probability: m.given_pc ?? null,
    computed_pc: m.computed_pc ?? null,
    originator: m.originator ?? null,
    status: m.status,
    ...(m.conjunction_id !== undefined ? { conjunction_id: m.conjunction_id } : {}),
  };
}

function relatedManeuvers(ctx: ApiContext, objectIds: string[]): ManeuverRecord[] {
  const seen = new Map<string, ManeuverRecord>();
  for (const objectId of new Set(objectIds)) {
    for (const r of ctx.store.queryManeuvers({ object_id: objectId, limit: MANEUVERS_PER_OBJECT, offset: 0 }).items) seen.set(r.maneuver_id, r);
  }
  return [...seen.values()];
}

/** The level names a filter may use: the configured `alerts.levels`, then `green` (below all) and `unknown` (no Pc). */
export function levelNames(ctx: ApiContext): string[] {
  return [...ctx.config().alerts.levels.map((l) => l.name), BELOW_LEVELS, NO_PC_LEVEL];
}

export function registerEventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const summarize = (members: EventMember[]) => summarizeEvent(members, ctx.config().alerts.levels, ctx.now());

  app.get('/events', { config: { permission: 'read' } }, async (request) => {
    const q = request.query as Record<string, unknown>;
    const sort = enumParam(q, 'sort', SORTS, 'tca');
    const page = pageParams(q);
    const result = queryEvents(ctx.events.all().map(summarize), {
      ...page,
      object_id: stringParam(q, 'object_id'),
      owner: stringParam(q, 'owner'),
      min_pc: numberParam(q, 'min_pc', { min: 0, max: 1 }),
      level: levelParam(q, levelNames(ctx)),
      status: enumParam(q, 'status', ['active', 'closed', 'all'] as const, 'active'),
      tca_from: timestampParam(q, 'tca_from'),
      tca_to: timestampParam(q, 'tca_to'),
      sort: { field: sort.replace(/^-/, '') as EventSortField, descending: sort.startsWith('-') },
    });
    return { events: result.items.map(listItem), total: result.total, ...page };
  });

  app.get('/events/:id', { config: { permission: 'read' } }, async (request) => {
    const id = (request.params as { id: string }).id;
    const members = ctx.events.get(id);
    if (!members) throw notFound('Event', id);
    const event = summarize(members);
    const objects = members.flatMap((m) => [m.object1_id, m.object2_id]);
    return {
      ...listItem(event),
      cdms: event.members.map(timelineEntry),
      maneuvers: relatedManeuvers(ctx, objects).map(maneuverView),
    };
  });
}
