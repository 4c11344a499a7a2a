import { memberPc, riskLevel, type AlertLevel, type EventMember, type EventSummary } from '../events/index.js';
import type { CdmRecord, ManeuverRecord } from '../model/records.js';
import type { NewChange } from '../store/changes.js';

/**
 * The changes the node tells about, as recorded in the change log. Their `data` is the JSON
 * a stream client or webhook receives (with `seq`, `type` and `time` added); the shapes are
 * documented in README, "Being told". Pure: the time is a parameter.
 */

/** The levels in rising order: `unknown` (no Pc), `green` (below all), then `alerts.levels` by `min_pc`. */
export function levelRank(level: string | null | undefined, levels: readonly AlertLevel[]): number {
  if (level === null || level === undefined || level === 'unknown') return -1;
  const sorted = [...levels].sort((a, b) => a.min_pc - b.min_pc);
  const index = sorted.findIndex((l) => l.name === level);
  return index < 0 ? 0 : index + 1;
}

/** A configured alert level reached from below it (or by a new event): the change that pages people. */
export function crossedUpward(from: string | null, to: string, levels: readonly AlertLevel[]): boolean {
  return levels.some((l) => l.name === to) && levelRank(to, levels) > levelRank(from, levels);
}

/** The event as listed: without its operators (and its CDMs, when given an event with them). */
function eventView(e: EventSummary & { members?: unknown }) {
  const { owners: _owners, members: _members, ...view } = e;
  return view;
}

export interface CdmChangeInput {
  record: CdmRecord;
  /** The record's member of its event after the change (none for a withdrawal of an unseen CDM). */
  member: EventMember | undefined;
  event: EventSummary | undefined;
  /** Whether the table held the CDM before. */
  existed: boolean;
  levels: readonly AlertLevel[];
  time: string;
}

/** The `cdm` change: the CDM's summary with its own risk level and its event. */
export function cdmChange(input: CdmChangeInput): NewChange {
  const { record, member, event } = input;
  const cdm = record.announce?.payload.cdm;
  const pc = member ? memberPc(member) : undefined;
  const level = riskLevel(pc, input.levels);
  const owners = member?.owners ?? [];
  const objectIds = cdm ? [cdm.object1.object_id, cdm.object2.object_id] : [];
  return {
    type: 'cdm',
    time: input.time,
    facts: {
      object_ids: objectIds,
      owners,
      pc: pc ?? null,
      level,
      ...(event ? { status: event.status } : {}),
      ...(cdm ? { tca: cdm.tca } : {}),
    },
    data: {
      change: record.status === 'withdrawn' ? 'withdrawn' : input.existed ? 'updated' : 'created',
      cdm: {
        cdm_id: record.cdm_id,
        status: record.status,
        tca: cdm?.tca ?? null,
        miss_distance_m: cdm?.miss_distance_m ?? null,
        collision_probability: cdm?.collision_probability ?? null,
        computed_pc: record.computed_pc?.value ?? null,
        object1_id: cdm?.object1.object_id ?? null,
        object2_id: cdm?.object2.object_id ?? null,
        owners,
        source_node: (record.announce ?? record.withdrawal)?.source_node_id ?? record.received_from,
        received_from: record.received_from,
        event_id: event?.event_id ?? null,
        level,
      },
    },
  };
}

/** The `event` change: the event as `GET /events` lists it, with `level_changed` when a level was crossed upward. */
export function eventChange(event: EventSummary, previousLevel: string | null, levels: readonly AlertLevel[], now: Date): NewChange {
  const upward = crossedUpward(previousLevel, event.level, levels);
  return {
    type: 'event',
    time: now.toISOString(),
    facts: {
      object_ids: [event.object1_id, event.object2_id],
      owners: event.owners,
      pc: event.pc,
      level: event.level,
      status: event.status,
      tca: event.tca,
    },
    data: {
      event: eventView(event),
      ...(upward ? { level_changed: { from: previousLevel, to: event.level } } : {}),
    },
  };
}

/**
 * The `event` change that says an event id is gone because a write renamed, merged or split
 * its event: `replaced_by` is the event that now holds its CDMs (null: none). `facts` are the
 * old event's, so that a filtered stream that had it hears that it went.
 */
export function eventReplacedChange(old: EventSummary, replacedBy: string | null, now: Date): NewChange {
  return {
    type: 'event',
    time: now.toISOString(),
    facts: { object_ids: [old.object1_id, old.object2_id], owners: old.owners, pc: old.pc, level: old.level, status: old.status, tca: old.tca },
    data: { event: { event_id: old.event_id, object1_id: old.object1_id, object2_id: old.object2_id, status: 'replaced', replaced_by: replacedBy } },
  };
}

/** The `maneuver` change. */
export function maneuverChange(record: ManeuverRecord, existed: boolean, time: string): NewChange {
  const intent = record.intent?.payload;
  return {
    type: 'maneuver',
    time,
    facts: { object_ids: [record.object_id] },
    data: {
      change: existed ? 'updated' : 'created',
      maneuver: {
        maneuver_id: record.maneuver_id,
        object_id: record.object_id,
        status: record.status,
        ...(intent ? { intent } : {}),
        ...(record.status_update ? { status_update: record.status_update.payload } : {}),
        source_node: (record.intent ?? record.status_update)?.source_node_id ?? record.received_from,
        received_from: record.received_from,
      },
    },
  };
}

/** What happened to a peer session. */
export type PeerStatusChange = 'established' | 'lost' | 'delivery_failing' | 'delivery_restored';

/** The `peer` change. */
export function peerChange(peerId: string, status: PeerStatusChange, reason: string | undefined, time: string): NewChange {
  return { type: 'peer', time, facts: {}, data: { peer: { peer_id: peerId, status, ...(reason !== undefined ? { reason } : {}) } } };
}
