import type { CdmRecord } from '../model/records.js';
import { compareTimestamps } from '../model/time.js';
import { clusterPair, withinWindow } from './cluster.js';
import { EventGroup, MEMBER_ORDERS, type MemberOrders } from './event-group.js';
import { memberOf, type EventMember } from './member.js';
import { SortedList } from './sorted-list.js';
import { levelOfLatest, summaryOf, type AlertLevel, type EventSummary } from './summary.js';

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

/** What the index has done, counted (for tests and benchmarks: work per write, not time). */
export interface EventIndexWork {
  /** Comparisons of two members made to keep the orders. */
  compared: number;
  /** Members run through `clusterPair` when a pair was grouped again from scratch. */
  regrouped: number;
  /** Members moved from one event to another when an arrival joined events. */
  moved: number;
  /** Members copied out of the index (`get`, `all`). */
  listed: number;
}

/** One object pair: its CDMs, by TCA, and its events. */
interface PairEvents {
  /** Every CDM of the pair with content, and the event it is in (none while `stale`). */
  readonly filed: Map<string, { member: EventMember; group?: EventGroup }>;
  /** The members by TCA (up to date unless `stale`). */
  byTca: SortedList<EventMember>;
  /** A member carrying each CONJUNCTION_ID (all members with it are in its event); made when the first one comes. */
  byConjunction: Map<string, string> | undefined;
  /** The pair's events: a few at most, so a list (exactly sized) rather than a set. */
  groups: EventGroup[];
  /** A CDM left the pair or moved within it: the events must be grouped again from scratch. */
  stale: boolean;
}

/**
 * The conjunction events of the table, kept beside the store: every CDM's event by object
 * pair, in memory only. Not a clock reader: status and level are decided when an event is
 * read (`summaryOf`, `summarizeEvent`).
 *
 * An arrival only adds edges to the pair's graph (an edge to its neighbours by TCA within
 * 20 minutes, and to a member with its CONJUNCTION_ID), so it is filed by joining at most
 * those events: O(log n) comparisons, plus the members of the smaller events it joins
 * (moved into the largest). A new version of a CDM with the same TCA and CONJUNCTION_ID
 * (a withdrawal, a new Pc) is swapped in place in O(log n). Only a CDM that leaves its pair
 * (purge, tombstone without content) or moves in it (a new TCA or CONJUNCTION_ID) makes
 * the pair be grouped again from scratch (`clusterPair`, O(n log n)), when next read.
 * Either way the events are the connected groups of the pair's graph, whatever the order
 * of arrival, so every node holding the same CDMs has the same events and ids.
 *
 * With a source (a table already holding records, e.g. the file store at start), the index
 * is built lazily instead of at start: a write or a CDM's event reads only the CDM's own
 * pair (an event is made of one pair's CDMs, so nothing else can change it), and only what
 * needs every event (`all`, `size`, an event by id not met yet) reads the whole table, once.
 */
export class EventIndex {
  private readonly byPair = new Map<string, PairEvents>();
  private readonly pairOfCdm = new Map<string, string>();
  private readonly byId = new Map<string, EventGroup>();
  private readonly stalePairs = new Set<string>();
  /** Pairs read from the source so far (until the index is complete). */
  private readonly loadedPairs = new Set<string>();
  private complete: boolean;
  readonly work: EventIndexWork = { compared: 0, regrouped: 0, moved: 0, listed: 0 };
  private readonly orders: MemberOrders;

  constructor(private readonly source?: EventSource) {
    this.complete = source === undefined;
    const counted =
      (order: (a: EventMember, b: EventMember) => number) =>
      (a: EventMember, b: EventMember): number => {
        this.work.compared++;
        return order(a, b);
      };
    this.orders = { byCreation: counted(MEMBER_ORDERS.byCreation), byTca: counted(MEMBER_ORDERS.byTca), byChange: counted(MEMBER_ORDERS.byChange) };
  }

  /** Records the record's current content (a tombstone without announce leaves no member). */
  upsert(record: CdmRecord): void {
    const member = memberOf(record);
    if (!member) {
      this.remove(record.cdm_id);
      return;
    }
    this.loadPair(member);
    this.file(member);
  }

  private pairEvents(pair: string): PairEvents {
    let events = this.byPair.get(pair);
    if (!events) {
      events = { filed: new Map(), byTca: new SortedList(this.orders.byTca), byConjunction: undefined, groups: [], stale: false };
      this.byPair.set(pair, events);
    }
    return events;
  }

  private file(member: EventMember): void {
    const oldPair = this.pairOfCdm.get(member.cdm_id);
    if (oldPair !== undefined && oldPair !== member.pair) this.remove(member.cdm_id);
    const events = this.pairEvents(member.pair);
    const held = events.filed.get(member.cdm_id);
    this.pairOfCdm.set(member.cdm_id, member.pair);
    if (events.stale) {
      events.filed.set(member.cdm_id, { member });
    } else if (!held) {
      this.join(events, member);
    } else if (held.group && held.member.tca_key === member.tca_key && held.member.conjunction_id === member.conjunction_id) {
      // Same place in the graph: swap the member in its event.
      const group = held.group;
      const before = group.id;
      group.delete(held.member);
      group.add(member);
      events.byTca.delete(held.member);
      events.byTca.insert(member);
      held.member = member;
      this.renamed(group, before);
    } else {
      events.filed.set(member.cdm_id, { member });
      this.markStale(member.pair, events);
    }
  }

  /** Files a CDM new to the pair: it joins the events of its neighbours within 20 minutes and of its CONJUNCTION_ID. */
  private join(events: PairEvents, member: EventMember): void {
    const at = events.byTca.insert(member);
    const joined = new Set<EventGroup>();
    const previous = events.byTca.at(at - 1);
    const next = events.byTca.at(at + 1);
    if (at > 0 && previous && withinWindow(previous.tca_ns, member.tca_ns)) joined.add(this.groupOf(events, previous.cdm_id));
    if (next && withinWindow(member.tca_ns, next.tca_ns)) joined.add(this.groupOf(events, next.cdm_id));
    if (member.conjunction_id !== undefined) {
      const other = events.byConjunction?.get(member.conjunction_id);
      if (other === undefined) (events.byConjunction ??= new Map()).set(member.conjunction_id, member.cdm_id);
      else joined.add(this.groupOf(events, other));
    }
    let target: EventGroup | undefined;
    for (const group of joined) if (!target || group.size > target.size) target = group;
    if (!target) {
      target = new EventGroup(member.pair, this.orders);
      events.groups = [...events.groups, target];
    }
    const before = target.size > 0 ? target.id : undefined;
    for (const group of joined) if (group !== target) this.merge(events, group, target);
    target.add(member);
    events.filed.set(member.cdm_id, { member, group: target });
    this.renamed(target, before);
  }

  private groupOf(events: PairEvents, cdmId: string): EventGroup {
    const group = events.filed.get(cdmId)?.group;
    if (!group) throw new Error(`event index: ${cdmId} is filed without an event`);
    return group;
  }

  /** Moves every member of `from` into `into` (the larger), and forgets `from`. */
  private merge(events: PairEvents, from: EventGroup, into: EventGroup): void {
    if (this.byId.get(from.id) === from) this.byId.delete(from.id);
    events.groups = events.groups.filter((g) => g !== from);
    for (const member of from.members()) {
      into.add(member);
      const filed = events.filed.get(member.cdm_id);
      if (filed) filed.group = into;
      this.work.moved++;
    }
  }

  /** Keeps `byId` naming the group after a change that may have changed its first CDM. */
  private renamed(group: EventGroup, before: string | undefined): void {
    const id = group.id;
    if (before === id && this.byId.get(id) === group) return;
    if (before !== undefined && this.byId.get(before) === group) this.byId.delete(before);
    this.byId.set(id, group);
  }

  private markStale(pair: string, events: PairEvents): void {
    if (events.stale) return;
    events.stale = true;
    for (const group of events.groups) if (this.byId.get(group.id) === group) this.byId.delete(group.id);
    events.groups = [];
    for (const filed of events.filed.values()) delete filed.group;
    this.stalePairs.add(pair);
  }

  /** Groups a stale pair again from scratch. */
  private regroup(pair: string, events: PairEvents): void {
    const members = [...events.filed.values()].map((f) => f.member);
    this.work.regrouped += members.length;
    events.byTca = SortedList.of(this.orders.byTca, members);
    events.byConjunction = undefined;
    for (const m of members) {
      if (m.conjunction_id !== undefined && !events.byConjunction?.has(m.conjunction_id)) (events.byConjunction ??= new Map()).set(m.conjunction_id, m.cdm_id);
    }
    for (const cluster of clusterPair(members)) {
      const group = new EventGroup(pair, this.orders, cluster);
      events.groups.push(group);
      this.byId.set(group.id, group);
      for (const m of cluster) {
        const filed = events.filed.get(m.cdm_id);
        if (filed) filed.group = group;
      }
    }
    events.stale = false;
  }

  private refresh(): void {
    for (const pair of this.stalePairs) {
      const events = this.byPair.get(pair);
      if (events?.stale) this.regroup(pair, events);
    }
    this.stalePairs.clear();
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
    const events = this.byPair.get(pair);
    if (!events) return;
    this.markStale(pair, events);
    events.filed.delete(cdmId);
    if (events.filed.size === 0) {
      this.byPair.delete(pair);
      this.stalePairs.delete(pair);
    }
  }

  /** Mirrors the store's `purgeWithdrawnCdms`: forgets withdrawn CDMs last changed before the time (pairs not read yet are read without them). */
  purgeWithdrawn(changedBefore: string): void {
    const gone: string[] = [];
    for (const events of this.byPair.values()) {
      for (const { member: m } of events.filed.values()) if (m.status === 'withdrawn' && compareTimestamps(m.received_at, changedBefore) < 0) gone.push(m.cdm_id);
    }
    for (const id of gone) this.remove(id);
  }

  /** Every event, as lists of members (by creation date). */
  all(): EventMember[][] {
    this.loadAll();
    this.refresh();
    const events: EventMember[][] = [];
    for (const group of this.byId.values()) {
      events.push(group.members());
      this.work.listed += group.size;
    }
    return events;
  }

  /** Number of CDMs with content held (for tests and metrics). */
  size(): number {
    this.loadAll();
    return this.pairOfCdm.size;
  }

  private group(eventId: string): EventGroup | undefined {
    this.refresh();
    if (!this.byId.has(eventId)) {
      this.loadAll();
      this.refresh();
    }
    return this.byId.get(eventId);
  }

  /** The event with this id (its members by creation date), or undefined. */
  get(eventId: string): EventMember[] | undefined {
    const group = this.group(eventId);
    if (group) this.work.listed += group.size;
    return group?.members();
  }

  /**
   * The events of a record's object pair (and of the pair its CDM is filed in, if another),
   * each id with one of its CDMs other than the record's (none when the record is its only
   * one): what a write of the record can rename, merge or split. Reads the pair from the
   * table first if the index has not. O(events of those pairs).
   */
  eventsAround(record: CdmRecord): Map<string, string | undefined> {
    const member = memberOf(record);
    if (member) this.loadPair(member);
    this.loadCdm(record.cdm_id);
    this.refresh();
    const pairs = new Set([member?.pair, this.pairOfCdm.get(record.cdm_id)].filter((p): p is string => p !== undefined));
    const around = new Map<string, string | undefined>();
    for (const pair of pairs) for (const group of this.byPair.get(pair)?.groups ?? []) around.set(group.id, group.latest(record.cdm_id)?.cdm_id);
    return around;
  }

  /** The id of the event a CDM belongs to. */
  eventIdOfCdm(cdmId: string): string | undefined {
    this.loadCdm(cdmId);
    this.refresh();
    const pair = this.pairOfCdm.get(cdmId);
    return pair === undefined ? undefined : this.byPair.get(pair)?.filed.get(cdmId)?.group?.id;
  }

  /** The CDM's event facts as filed (its `EventMember`), or undefined. */
  filedMember(cdmId: string): EventMember | undefined {
    const pair = this.pairOfCdm.get(cdmId);
    return pair === undefined ? undefined : this.byPair.get(pair)?.filed.get(cdmId)?.member;
  }

  /**
   * The event as `GET /events` lists it, without its members: O(operators named), whatever
   * the number of CDMs. Only events the index has read (such as one `eventIdOfCdm` named);
   * undefined for any other id, without reading the table.
   */
  summary(eventId: string, levels: readonly AlertLevel[], now: Date): EventSummary | undefined {
    this.refresh();
    const facts = this.byId.get(eventId)?.facts();
    return facts ? summaryOf(facts, levels, now) : undefined;
  }

  /**
   * The level the event would have without one of its CDMs (`null` when it has no other):
   * the level before that CDM arrived in it. Only events the index has read, as `summary`.
   */
  levelWithout(eventId: string, cdmId: string, levels: readonly AlertLevel[]): string | null {
    this.refresh();
    return levelOfLatest(this.byId.get(eventId)?.latest(cdmId), levels);
  }
}
