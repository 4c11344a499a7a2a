import { compareTimestamps, timestampKey } from '../model/time.js';
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

export interface ConjunctionEvent {
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
  members: EventMember[];
}

/** The latest CDM: the newest by creation date among those not withdrawn, else among all. */
export function latestMember(members: readonly EventMember[]): EventMember | undefined {
  const live = members.filter((m) => m.status === 'active');
  const pool = live.length > 0 ? live : members;
  return [...pool].sort(byCreation).at(-1);
}

/** An event is closed once every CDM of it is withdrawn or has its TCA before `now`. */
export function isClosed(members: readonly EventMember[], now: Date): boolean {
  const nowIso = now.toISOString();
  return members.every((m) => m.status === 'withdrawn' || compareTimestamps(m.tca, nowIso) < 0);
}

function latestChange(members: readonly EventMember[]): string {
  let latest = '';
  for (const m of members) {
    for (const time of [m.creation_date, m.withdrawn_at]) {
      if (time !== undefined && (latest === '' || timestampKey(time) > timestampKey(latest))) latest = time;
    }
  }
  return latest;
}

/**
 * The event made of one cluster of CDMs (non-empty), as `GET /events` lists it. `eventId`:
 * the cluster's id when the caller has it already (the event index keeps it), else computed.
 */
export function summarizeEvent(members: EventMember[], levels: readonly AlertLevel[], now: Date, eventId = eventIdOf(members)): ConjunctionEvent {
  const latest = latestMember(members) as EventMember;
  const pc = memberPc(latest);
  return {
    event_id: eventId,
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
    status: isClosed(members, now) ? 'closed' : 'active',
    cdm_count: members.length,
    latest_cdm_id: latest.cdm_id,
    updated_at: latestChange(members),
    owners: [...new Set(members.flatMap((m) => m.owners))].sort(),
    members: [...members].sort(byCreation),
  };
}
