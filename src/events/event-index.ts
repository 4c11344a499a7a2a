import type { CdmRecord } from '../model/records.js';
import { compareTimestamps } from '../model/time.js';
import { clusterPair } from './cluster.js';
import { eventIdOf, memberOf, type EventMember } from './member.js';

/**
 * Where a lazily built index reads the records it has not seen yet: the table as it is
 * now. Every record it yields is filed as if it had been upserted (filing is idempotent,
 * so a record read again, or read after its own upsert, changes nothing).
 */
export interface EventSource {
  /** Every CDM record of the table (a full build). */
  all(): Iterable<CdmRecord>;
  /** The records of one unordered object pair, any status. */
  pair(object1Id: string, object2Id: string): Iterable<CdmRecord>;
  /** The records of the object pair of this CDM as the table holds it now; none when it holds no content of it. */
  pairOf(cdmId: string): Iterable<CdmRecord>;
}

/**
 * The conjunction events of the table, kept beside the store: every CDM's event facts by
 * object pair, and each pair's events, recomputed from the pair's CDMs only when one of
 * them changed. In memory only. Not a clock reader: status and level are decided when the
 * events are read (`summarizeEvent`).
 *
 * With a source (a table already holding records, e.g. the file store at start), the index
 * is built lazily instead of at start: a write or a CDM's event reads only the CDM's own
 * pair (an event is made of one pair's CDMs, so nothing else can change it), and only what
 * needs every event (`all`, `size`, an event by id not met yet) reads the whole table, once.
 */
export class EventIndex {
  private readonly byPair = new Map<string, Map<string, EventMember>>();
  private readonly pairOfCdm = new Map<string, string>();
  private readonly clusters = new Map<string, Array<{ id: string; members: EventMember[] }>>();
  private readonly dirty = new Set<string>();
  private readonly eventOfCdm = new Map<string, string>();
  private readonly pairOfEvent = new Map<string, string>();
  /** Pairs read from the source so far (until the index is complete). */
  private readonly loadedPairs = new Set<string>();
  private complete: boolean;

  constructor(private readonly source?: EventSource) {
    this.complete = source === undefined;
  }

  /** Records the record's current content (a tombstone without announce leaves no member). */
  upsert(record: CdmRecord): void {
    this.remove(record.cdm_id);
    const member = memberOf(record);
    if (!member) return;
    this.loadPair(member);
    this.file(member);
  }

  private file(member: EventMember): void {
    this.remove(member.cdm_id);
    let members = this.byPair.get(member.pair);
    if (!members) {
      members = new Map();
      this.byPair.set(member.pair, members);
    }
    members.set(member.cdm_id, member);
    this.pairOfCdm.set(member.cdm_id, member.pair);
    this.dirty.add(member.pair);
  }

  /** Files every record the source yields. */
  private fileAll(records: Iterable<CdmRecord>): void {
    for (const record of records) {
      const member = memberOf(record);
      if (member) this.file(member);
      else this.remove(record.cdm_id);
    }
  }

  /** Reads the member's pair from the source, once, before anything of the pair is decided. */
  private loadPair(member: Pick<EventMember, 'pair' | 'object1_id' | 'object2_id'>): void {
    if (this.complete || !this.source || this.loadedPairs.has(member.pair)) return;
    this.loadedPairs.add(member.pair);
    this.fileAll(this.source.pair(member.object1_id, member.object2_id));
  }

  /** Reads the pair of a CDM not met yet. */
  private loadCdm(cdmId: string): void {
    if (this.complete || !this.source || this.pairOfCdm.has(cdmId)) return;
    const records = [...this.source.pairOf(cdmId)];
    const member = records.map(memberOf).find((m) => m !== undefined);
    if (!member || this.loadedPairs.has(member.pair)) return;
    this.loadedPairs.add(member.pair);
    this.fileAll(records);
  }

  /** Reads the whole table, once: what every event needs. */
  private loadAll(): void {
    if (this.complete || !this.source) return;
    this.fileAll(this.source.all());
    this.complete = true;
    this.loadedPairs.clear();
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

  /** Mirrors the store's `purgeWithdrawnCdms`: forgets withdrawn CDMs last changed before the time (pairs not read yet are read without them). */
  purgeWithdrawn(changedBefore: string): void {
    const gone: string[] = [];
    for (const members of this.byPair.values()) {
      for (const m of members.values()) if (m.status === 'withdrawn' && compareTimestamps(m.received_at, changedBefore) < 0) gone.push(m.cdm_id);
    }
    for (const id of gone) this.remove(id);
  }

  /** Every event, as clusters of members. */
  all(): EventMember[][] {
    this.loadAll();
    this.refresh();
    return [...this.clusters.values()].flatMap((events) => events.map((e) => e.members));
  }

  /** Number of CDMs with content held (for tests and metrics). */
  size(): number {
    this.loadAll();
    return this.pairOfCdm.size;
  }

  /** The event with this id, or undefined. */
  get(eventId: string): EventMember[] | undefined {
    this.refresh();
    if (!this.pairOfEvent.has(eventId)) {
      this.loadAll();
      this.refresh();
    }
    const pair = this.pairOfEvent.get(eventId);
    return pair === undefined ? undefined : this.clusters.get(pair)?.find((e) => e.id === eventId)?.members;
  }

  /** The id of the event a CDM belongs to. */
  eventIdOfCdm(cdmId: string): string | undefined {
    this.loadCdm(cdmId);
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
