import { byCreation, byTca, eventIdOfFirst, type EventMember } from './member.js';
import { SortedList } from './sorted-list.js';
import { byChange, type EventFacts } from './summary.js';

/** The orders a group keeps; the index passes them wrapped to count comparisons. */
export interface MemberOrders {
  byCreation: (a: EventMember, b: EventMember) => number;
  byTca: (a: EventMember, b: EventMember) => number;
  byChange: (a: EventMember, b: EventMember) => number;
}

export const MEMBER_ORDERS: MemberOrders = { byCreation, byTca, byChange };

/** The orders and operator counts of an event of two or more CDMs. */
interface Lists {
  all: SortedList<EventMember>;
  active: SortedList<EventMember>;
  activeByTca: SortedList<EventMember>;
  byChanged: SortedList<EventMember>;
  owners: Map<string, number>;
}

function listsOf(orders: MemberOrders, members: readonly EventMember[]): Lists {
  const active = members.filter((m) => m.status === 'active');
  const lists = {
    all: SortedList.of(orders.byCreation, members),
    active: SortedList.of(orders.byCreation, active),
    activeByTca: SortedList.of(orders.byTca, active),
    byChanged: SortedList.of(orders.byChange, members),
    owners: new Map<string, number>(),
  };
  for (const m of members) countOwners(lists.owners, m, 1);
  return lists;
}

function countOwners(owners: Map<string, number>, member: EventMember, step: 1 | -1): void {
  for (const owner of new Set(member.owners)) {
    const count = (owners.get(owner) ?? 0) + step;
    if (count > 0) owners.set(owner, count);
    else owners.delete(owner);
  }
}

/**
 * One conjunction event's CDMs, with what its summary needs kept in order as members come
 * and go: by creation date (the first names the event, the last active one is its latest
 * CDM), the active ones by TCA (the last decides `closed`), by latest change (`updated_at`),
 * and its operators counted. Adding or deleting a member costs O(log n) comparisons.
 *
 * Most events hold one CDM (a pair screened once); such an event keeps its member alone,
 * and the four orders and the operator counts are made when a second member comes (about
 * 600 bytes less for each such event).
 */
export class EventGroup {
  /** The only member while the event has exactly one and `lists` is not kept. */
  private single: EventMember | undefined;
  private lists: Lists | undefined;
  private namedBy: string | undefined;
  private cachedId = '';

  constructor(
    readonly pair: string,
    private readonly orders: MemberOrders,
    members: readonly EventMember[] = [],
  ) {
    if (members.length === 1) this.single = members[0];
    else if (members.length > 1) this.lists = listsOf(orders, members);
  }

  /** `EVT-…` of the first CDM by creation date (`eventIdOf`), hashed again only when that CDM changes. */
  get id(): string {
    const first = this.lists ? this.lists.all.first() : this.single;
    if (first?.cdm_id !== this.namedBy) {
      this.namedBy = first?.cdm_id;
      this.cachedId = eventIdOfFirst(first);
    }
    return this.cachedId;
  }

  get size(): number {
    return this.lists ? this.lists.all.size : this.single ? 1 : 0;
  }

  add(member: EventMember): void {
    if (!this.lists && !this.single) {
      this.single = member;
      return;
    }
    const lists = this.lists ?? listsOf(this.orders, this.single ? [this.single] : []);
    this.lists = lists;
    this.single = undefined;
    lists.all.insert(member);
    lists.byChanged.insert(member);
    if (member.status === 'active') {
      lists.active.insert(member);
      lists.activeByTca.insert(member);
    }
    countOwners(lists.owners, member, 1);
  }

  /** Deletes the member (the object filed with `add`, or one with the same keys). */
  delete(member: EventMember): void {
    const lists = this.lists;
    if (!lists) {
      if (this.single && this.orders.byCreation(this.single, member) === 0) this.single = undefined;
      return;
    }
    lists.all.delete(member);
    lists.byChanged.delete(member);
    if (member.status === 'active') {
      lists.active.delete(member);
      lists.activeByTca.delete(member);
    }
    countOwners(lists.owners, member, -1);
    if (lists.all.size === 1) {
      this.single = lists.all.first();
      this.lists = undefined;
    }
  }

  /** The members by creation date (a copy: O(n), for listings, never on a write). */
  members(): EventMember[] {
    if (this.lists) return this.lists.all.toArray();
    return this.single ? [this.single] : [];
  }

  /** `latestMember` of the event, leaving out one CDM (e.g. to know the level before it came). */
  latest(without?: string): EventMember | undefined {
    if (!this.lists) return this.single?.cdm_id === without ? undefined : this.single;
    for (const pool of [this.lists.active, this.lists.all]) {
      const last = pool.last();
      const latest = last !== undefined && last.cdm_id === without ? pool.at(-2) : last;
      if (latest !== undefined) return latest;
    }
    return undefined;
  }

  /** What the event's summary is made of (`summaryOf`). */
  facts(): EventFacts | undefined {
    const latest = this.latest();
    if (!this.lists) {
      const only = this.single;
      if (latest === undefined || only === undefined) return undefined;
      const latestActiveTca = only.status === 'active' ? only : undefined;
      return { event_id: this.id, latest, latestActiveTca, latestChanged: only, cdm_count: 1, owners: [...new Set(only.owners)].sort() };
    }
    const latestChanged = this.lists.byChanged.last();
    if (latest === undefined || latestChanged === undefined) return undefined;
    return {
      event_id: this.id,
      latest,
      latestActiveTca: this.lists.activeByTca.last(),
      latestChanged,
      cdm_count: this.lists.all.size,
      owners: [...this.lists.owners.keys()].sort(),
    };
  }
}
