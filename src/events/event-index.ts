import type { CdmRecord } from '../model/records.js';
import { compareTimestamps } from '../model/time.js';
import { clusterPair } from './cluster.js';
import { eventIdOf, memberOf, type EventMember } from './member.js';

/**
 * The conjunction events of the table, kept beside the store: every CDM's event facts by
 * object pair, and each pair's events, recomputed from the pair's CDMs only when one of
 * them changed. In memory only; rebuilt from the store at start. Not a clock reader: status
 * and level are decided when the events are read (`summarizeEvent`).
 */
export class EventIndex {
  private readonly byPair = new Map<string, Map<string, EventMember>>();
  private readonly pairOfCdm = new Map<string, string>();
  private readonly clusters = new Map<string, Array<{ id: string; members: EventMember[] }>>();
  private readonly dirty = new Set<string>();
  private readonly eventOfCdm = new Map<string, string>();
  private readonly pairOfEvent = new Map<string, string>();

  /** Records the record's current content (a tombstone without announce leaves no member). */
  upsert(record: CdmRecord): void {
    this.remove(record.cdm_id);
    const member = memberOf(record);
    if (!member) return;
    let members = this.byPair.get(member.pair);
    if (!members) {
      members = new Map();
      this.byPair.set(member.pair, members);
    }
    members.set(member.cdm_id, member);
    this.pairOfCdm.set(member.cdm_id, member.pair);
    this.dirty.add(member.pair);
  }

  remove(cdmId: string): void {
    const pair = this.pairOfCdm.get(cdmId);
    if (pair === undefined) return;
    this.pairOfCdm.delete(cdmId);
    this.eventOfCdm.delete(cdmId);
    const members = this.byPair.get(pair);
    members?.delete(cdmId);
    if (members && members.size === 0) this.byPair.delete(pair);
    this.dirty.add(pair);
  }

  /** Mirrors the store's `purgeWithdrawnCdms`: forgets withdrawn CDMs last changed before the time. */
  purgeWithdrawn(changedBefore: string): void {
    const gone: string[] = [];
    for (const members of this.byPair.values()) {
      for (const m of members.values()) if (m.status === 'withdrawn' && compareTimestamps(m.received_at, changedBefore) < 0) gone.push(m.cdm_id);
    }
    for (const id of gone) this.remove(id);
  }

  /** Every event, as clusters of members. */
  all(): EventMember[][] {
    this.refresh();
    return [...this.clusters.values()].flatMap((events) => events.map((e) => e.members));
  }

  /** Number of CDMs with content held (for tests and metrics). */
  size(): number {
    return this.pairOfCdm.size;
  }

  /** The event with this id, or undefined. */
  get(eventId: string): EventMember[] | undefined {
    this.refresh();
    const pair = this.pairOfEvent.get(eventId);
    return pair === undefined ? undefined : this.clusters.get(pair)?.find((e) => e.id === eventId)?.members;
  }

  /** The id of the event a CDM belongs to. */
  eventIdOfCdm(cdmId: string): string | undefined {
    this.refresh();
    return this.eventOfCdm.get(cdmId);
  }

  private refresh(): void {
    for (const pair of this.dirty) {
      for (const event of this.clusters.get(pair) ?? []) this.pairOfEvent.delete(event.id);
      const members = this.byPair.get(pair);
      if (!members) {
        this.clusters.delete(pair);
        continue;
      }
      const events = clusterPair([...members.values()]).map((cluster) => ({ id: eventIdOf(cluster), members: cluster }));
      this.clusters.set(pair, events);
      for (const event of events) {
        this.pairOfEvent.set(event.id, pair);
        for (const m of event.members) this.eventOfCdm.set(m.cdm_id, event.id);
      }
    }
    this.dirty.clear();
  }
}
