import { timestampKey } from '../model/time.js';
import { byCreation, eventIdOf, type EventMember } from './member.js';

/** One risk level of `alerts.levels`: an event whose Pc is at least `min_pc` has it. */
export interface AlertLevel {
  name: string;
  min_pc: number;
}

/** The level of events below every configured level (with a Pc). */
export const BELOW_LEVELS = 'green';
/** The level of events whose latest CDM has neither a given nor a computed Pc. */
export const NO_PC_LEVEL = 'unknown';

/** The highest level whose `min_pc` the Pc reaches; `green` below all, `unknown` without a Pc. */
export function riskLevel(pc: number | undefined, levels: readonly AlertLevel[]): string {
  if (pc === undefined) return NO_PC_LEVEL;
  const reached = [...levels].sort((a, b) => b.min_pc - a.min_pc).find((level) => pc >= level.min_pc);
  return reached?.name ?? BELOW_LEVELS;
}

/** The Pc an event is judged by: the higher of the latest CDM's given and computed values. */
export function memberPc(member: EventMember): number | undefined {
  const values = [member.given_pc, member.computed_pc].filter((v): v is number => v !== undefined);
  return values.length > 0 ? Math.max(...values) : undefined;
}

/** An event as `GET /events` lists it and the change log tells it (without its CDMs). */
export interface EventSummary {
  event_id: string;
  object1_id: string;
  object2_id: string;
  /** The latest CDM's OBJECT_NAMEs, null when it names none. */
  object1_name: string | null;
  object2_name: string | null;
  tca: string;
  /** The Pc the event is judged by: the higher of `collision_probability` and `computed_pc`. */
  pc: number | null;
  /** The latest CDM's given COLLISION_PROBABILITY, null when it gives none. */
  collision_probability: number | null;
  /** The Pc the node computed for the latest CDM, null when it could not. */
  computed_pc: number | null;
  miss_distance_m: number;
  level: string;
  status: 'active' | 'closed';
  cdm_count: number;
  latest_cdm_id: string;
  updated_at: string;
  /** Every operator named by a CDM of the event (for the `owner` filter). */
  owners: string[];
}

/** An event with its CDMs (`members`, by creation date). */
export interface ConjunctionEvent extends EventSummary {
  members: EventMember[];
}

/** The level of an event whose latest CDM is this one (none: no CDM, `null`). */
export function levelOfLatest(latest: EventMember | undefined, levels: readonly AlertLevel[]): string | null {
  return latest === undefined ? null : riskLevel(memberPc(latest), levels);
}

/** The latest CDM: the newest by creation date among those not withdrawn, else among all. */
export function latestMember(members: readonly EventMember[]): EventMember | undefined {
  let latest: EventMember | undefined;
  let latestActive: EventMember | undefined;
  for (const m of members) {
    if (latest === undefined || byCreation(m, latest) > 0) latest = m;
    if (m.status === 'active' && (latestActive === undefined || byCreation(m, latestActive) > 0)) latestActive = m;
  }
  return latestActive ?? latest;
}

/** An event is closed once every CDM of it is withdrawn or has its TCA before `now`. */
export function isClosed(members: readonly EventMember[], now: Date): boolean {
  const nowKey = timestampKey(now.toISOString());
  return members.every((m) => m.status === 'withdrawn' || m.tca_key < nowKey);
}

/** Whether an event is closed, given the latest TCA among its active CDMs (none: all withdrawn). */
export function isClosedBy(latestActiveTca: EventMember | undefined, now: Date): boolean {
  return latestActiveTca === undefined || latestActiveTca.tca_key < timestampKey(now.toISOString());
}

/** The member whose change is the latest: `changed_key`, then cdm_id (the same on every node). */
export function byChange(a: EventMember, b: EventMember): number {
  return a.changed_key < b.changed_key ? -1 : a.changed_key > b.changed_key ? 1 : a.cdm_id < b.cdm_id ? -1 : a.cdm_id > b.cdm_id ? 1 : 0;
}

/** The parts of a summary an index keeps up to date as CDMs come and go. */
export interface EventFacts {
  event_id: string;
  /** `latestMember` of the event. */
  latest: EventMember;
  /** The active CDM with the latest TCA (none when every CDM is withdrawn). */
  latestActiveTca: EventMember | undefined;
  /** The CDM with the latest change (`byChange`). */
  latestChanged: EventMember;
  cdm_count: number;
  /** The operators named, sorted. */
  owners: string[];
}

/** The summary made of an event's facts. */
export function summaryOf(facts: EventFacts, levels: readonly AlertLevel[], now: Date): EventSummary {
  const { latest } = facts;
  const pc = memberPc(latest);
  return {
    event_id: facts.event_id,
    object1_id: latest.object1_id,
    object2_id: latest.object2_id,
    object1_name: latest.object1_name ?? null,
    object2_name: latest.object2_name ?? null,
    tca: latest.tca,
    pc: pc ?? null,
    collision_probability: latest.given_pc ?? null,
    computed_pc: latest.computed_pc ?? null,
    miss_distance_m: latest.miss_distance_m,
    level: riskLevel(pc, levels),
    status: isClosedBy(facts.latestActiveTca, now) ? 'closed' : 'active',
    cdm_count: facts.cdm_count,
    latest_cdm_id: latest.cdm_id,
    updated_at: facts.latestChanged.changed_at,
    owners: facts.owners,
  };
}

/** The facts of one cluster of CDMs (non-empty), found by one pass over them. */
export function factsOf(members: readonly EventMember[], eventId: string): EventFacts {
  let latestActiveTca: EventMember | undefined;
  let latestChanged: EventMember | undefined;
  for (const m of members) {
    if (m.status === 'active' && (latestActiveTca === undefined || m.tca_key > latestActiveTca.tca_key)) latestActiveTca = m;
    if (latestChanged === undefined || byChange(m, latestChanged) > 0) latestChanged = m;
  }
  return {
    event_id: eventId,
    latest: latestMember(members) as EventMember,
    latestActiveTca,
    latestChanged: latestChanged as EventMember,
    cdm_count: members.length,
    owners: [...new Set(members.flatMap((m) => m.owners))].sort(),
  };
}

/**
 * The event made of one cluster of CDMs (non-empty), as `GET /events` lists it. `eventId`:
 * the cluster's id when the caller has it already (the event index keeps it), else computed.
 */
export function summarizeEvent(members: EventMember[], levels: readonly AlertLevel[], now: Date, eventId = eventIdOf(members)): ConjunctionEvent {
  return { ...summaryOf(factsOf(members, eventId), levels, now), members: [...members].sort(byCreation) };
}
