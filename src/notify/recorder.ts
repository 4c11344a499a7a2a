import type { AlertLevel, EventIndex } from '../events/index.js';
import type { CdmRecord, ManeuverRecord } from '../model/records.js';
import type { NewChange } from '../store/changes.js';
import { withOverrides } from '../store/override.js';
import type { Store } from '../store/store.js';
import { cdmChange, eventChange, eventReplacedChange, maneuverChange, peerChange, type PeerStatusChange } from './changes.js';

export interface RecorderOptions {
  levels(): readonly AlertLevel[];
  now(): Date;
  /** Called with the last `seq` appended by a write, once per write. */
  appended(seq: number): void;
}

/**
 * Wraps a store (already assessing: CDMs carry their computed Pc and are filed in `events`)
 * so that every CDM and maneuver write appends its changes to the store's change log in the
 * same synchronous step, hence the same transaction: the CDM change, then the change of its
 * conjunction event (with `level_changed` when a level was crossed upward), then that of
 * the event it left, if it moved, then one `replaced` change for each event id the write
 * made disappear. Everything else goes to the store unchanged.
 */
export function recordingChanges(store: Store, events: EventIndex, options: RecorderOptions): Store {
  const append = (changes: NewChange[]): void => {
    let last = 0;
    for (const change of changes) last = store.changes.append(change);
    if (last > 0) options.appended(last);
  };
  const putCdm = (record: CdmRecord): void => {
    // Every event is read through its summary (O(operators), not O(CDMs)), so a write costs
    // the same however many CDMs its event holds.
    const levels = options.levels();
    // The events of the record's pair before the write (its own among them), each summarised once.
    const aroundBefore = [...events.eventsAround(record)].map(([id, other]) => ({ id, other, summary: events.summary(id, levels, options.now()) }));
    const beforeId = events.eventIdOfCdm(record.cdm_id);
    const beforeLevel = aroundBefore.find((a) => a.id === beforeId)?.summary?.level;
    const before = beforeId !== undefined && beforeLevel !== undefined ? { id: beforeId, level: beforeLevel } : undefined;
    const existed = before !== undefined || store.getCdm(record.cdm_id) !== undefined;
    store.putCdm(record);
    const now = options.now();
    const afterId = events.eventIdOfCdm(record.cdm_id);
    const event = afterId === undefined ? undefined : events.summary(afterId, levels, now);
    const member = event ? events.filedMember(record.cdm_id) : undefined;
    const changes = [cdmChange({ record, member, event, existed, levels, time: now.toISOString() })];
    if (event) {
      // The level before: the event's own, or, when the CDM has just joined it, the level of its other CDMs (null: a new event).
      const previous = before?.id === event.event_id ? before.level : events.levelWithout(event.event_id, record.cdm_id, levels);
      changes.push(eventChange(event, previous, levels, now));
    }
    const left = before && before.id !== event?.event_id ? events.summary(before.id, levels, now) : undefined;
    if (before && left) changes.push(eventChange(left, before.level, levels, now));
    // Ids the write made disappear (an older CDM renames its event; a CDM merges or splits events).
    const aroundAfter = events.eventsAround(record);
    for (const { id, other, summary } of aroundBefore) {
      if (aroundAfter.has(id) || !summary) continue;
      changes.push(eventReplacedChange(summary, (other === undefined ? undefined : events.eventIdOfCdm(other)) ?? null, now));
    }
    append(changes);
  };
  const putManeuver = (record: ManeuverRecord): void => {
    const existed = store.getManeuver(record.maneuver_id) !== undefined;
    store.putManeuver(record);
    append([maneuverChange(record, existed, options.now().toISOString())]);
  };
  return withOverrides(store, { putCdm, putManeuver });
}

/** Records a peer session change (established, lost, delivery failing or restored). */
export function recordPeerChange(store: Store, options: RecorderOptions, peerId: string, status: PeerStatusChange, reason?: string): void {
  const seq = store.changes.append(peerChange(peerId, status, reason, options.now().toISOString()));
  options.appended(seq);
}
