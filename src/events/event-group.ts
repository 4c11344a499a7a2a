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

/**
 * One conjunction event's CDMs, with what its summary needs kept in order as members come
 * and go: by creation date (the first names the event, the last active one is its latest
 * CDM), the active ones by TCA (the last decides `closed`), by latest change (`updated_at`),
 * and its operators counted. Adding or deleting a member costs O(log n) comparisons.
 */
export class EventGroup {
  private readonly all: SortedList<EventMember>;
  private readonly active: SortedList<EventMember>;
  private readonly activeByTca: SortedList<EventMember>;
  private readonly byChanged: SortedList<EventMember>;
  private readonly owners = new Map<string, number>();
  private namedBy: string | undefined;
  private cachedId = '';

  constructor(
    readonly pair: string,
    orders: MemberOrders,
    members: readonly EventMember[] = [],
  ) {
    const active = members.filter((m) => m.status === 'active');
    this.all = SortedList.of(orders.byCreation, members);
    this.active = SortedList.of(orders.byCreation, active);
    this.activeByTca = SortedList.of(orders.byTca, active);
    this.byChanged = SortedList.of(orders.byChange, members);
    for (const m of members) this.countOwners(m, 1);
  }

  /** `EVT-…` of the first CDM by creation date (`eventIdOf`), hashed again only when that CDM changes. */
  get id(): string {
    const first = this.all.first();
    if (first?.cdm_id !== this.namedBy) {
      this.namedBy = first?.cdm_id;
      this.cachedId = eventIdOfFirst(first);
    }
    return this.cachedId;
  }

  get size(): number {
    return this.all.size;
  }

  add(member: EventMember): void {
    this.all.insert(member);
    this.byChanged.insert(member);
    if (member.status === 'active') {
      this.active.insert(member);
      this.activeByTca.insert(member);
    }
    this.countOwners(member, 1);
  }

  /** Deletes the member (the object filed with `add`, or one with the same keys). */
  delete(member: EventMember): void {
    this.all.delete(member);
    this.byChanged.delete(member);
    if (member.status === 'active') {
      this.active.delete(member);
      this.activeByTca.delete(member);
    }
    this.countOwners(member, -1);
  }

  private countOwners(member: EventMember, step: 1 | -1): void {
    for (const owner of new Set(member.owners)) {
      const count = (this.owners.get(owner) ?? 0) + step;
      if (count > 0) this.owners.set(owner, count);
      else this.owners.delete(owner);
    }
  }

  /** The members by creation date (a copy: O(n), for listings, never on a write). */
  members(): EventMember[] {
    return this.all.toArray();
  }

  /** `latestMember` of the event, leaving out one CDM (e.g. to know the level before it came). */
  latest(without?: string): EventMember | undefined {
    for (const pool of [this.active, this.all]) {
      const last = pool.last();
      const latest = last !== undefined && last.cdm_id === without ? pool.at(-2) : last;
      if (latest !== undefined) return latest;
    }
    return undefined;
  }

  /** What the event's summary is made of (`summaryOf`). */
  facts(): EventFacts | undefined {
    const latest = this.latest();
    const latestChanged = this.byChanged.last();
    if (latest === undefined || latestChanged === undefined) return undefined;
    return {
      event_id: this.id,
      latest,
      latestActiveTca: this.activeByTca.last(),
      latestChanged,
      cdm_count: this.all.size,
      owners: [...this.owners.keys()].sort(),
    };
  }
}
