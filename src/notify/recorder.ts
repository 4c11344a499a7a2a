import { summarizeEvent, type AlertLevel, type EventIndex, type EventMember } from '../events/index.js';
import type { CdmRecord, ManeuverRecord } from '../model/records.js';
import type { NewChange } from '../store/changes.js';
import type { Store } from '../store/store.js';
import { cdmChange, eventChange, maneuverChange, peerChange, type PeerStatusChange } from './changes.js';

export interface RecorderOptions {
  levels(): readonly AlertLevel[];
  now(): Date;
  /** Called with the last `seq` appended by a write, once per write. */
  appended(seq: number): void;
}

/** The event a CDM belongs to, with its members, as the index holds it now. */
function eventOf(events: EventIndex, cdmId: string): { id: string; members: EventMember[] } | undefined {
  const id = events.eventIdOfCdm(cdmId);
  const members = id === undefined ? undefined : events.get(id);
  return id !== undefined && members ? { id, members } : undefined;
}

/** The event's level before this CDM's change: its old cluster, or the new cluster without the CDM; null for a new event. */
function previousLevel(
  before: { id: string; members: EventMember[] } | undefined,
  after: { id: string; members: EventMember[] },
  cdmId: string,
  levels: readonly AlertLevel[],
  now: Date,
): string | null {
  const members = before?.id === after.id ? before.members : after.members.filter((m) => m.cdm_id !== cdmId);
  return members.length > 0 ? summarizeEvent(members, levels, now).level : null;
}

/**
 * Wraps a store (already assessing: CDMs carry their computed Pc and are filed in `events`)
 * so that every CDM and maneuver write appends its changes to the store's change log in the
 * same synchronous step, hence the same transaction: the CDM change, then the change of its
 * conjunction event (with `level_changed` when a level was crossed upward), then that of
 * the event it left, if it moved. Everything else goes to the store unchanged.
 */
export function recordingChanges(store: Store, events: EventIndex, options: RecorderOptions): Store {
  const append = (changes: NewChange[]): void => {
    let last = 0;
    for (const change of changes) last = store.changes.append(change);
    if (last > 0) options.appended(last);
  };
  const putCdm = (record: CdmRecord): void => {
    const before = eventOf(events, record.cdm_id);
    const existed = before !== undefined || store.getCdm(record.cdm_id) !== undefined;
    store.putCdm(record);
    const now = options.now();
    const levels = options.levels();
    const after = eventOf(events, record.cdm_id);
    const event = after ? summarizeEvent(after.members, levels, now, after.id) : undefined;
    const member = after?.members.find((m) => m.cdm_id === record.cdm_id);
    const changes = [cdmChange({ record, member, event, existed, levels, time: now.toISOString() })];
    if (after && event) changes.push(eventChange(event, previousLevel(before, after, record.cdm_id, levels, now), levels, now));
    const left = before && before.id !== after?.id ? events.get(before.id) : undefined;
    if (before && left) changes.push(eventChange(summarizeEvent(left, levels, now, before.id), summarizeEvent(before.members, levels, now, before.id).level, levels, now));
    append(changes);
  };
  const putManeuver = (record: ManeuverRecord): void => {
    const existed = store.getManeuver(record.maneuver_id) !== undefined;
    store.putManeuver(record);
    append([maneuverChange(record, existed, options.now().toISOString())]);
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'putCdm') return putCdm;
      if (property === 'putManeuver') return putManeuver;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Records a peer session change (established, lost, delivery failing or restored). */
export function recordPeerChange(store: Store, options: RecorderOptions, peerId: string, status: PeerStatusChange, reason?: string): void {
  const seq = store.changes.append(peerChange(peerId, status, reason, options.now().toISOString()));
  options.appended(seq);
}
