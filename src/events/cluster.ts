import { byTca, type EventMember } from './member.js';

/** CDMs of one object pair whose TCAs lie within this of each other belong to one event. */
export const EVENT_TCA_WINDOW_MS = 20 * 60_000;
/** The same window in nanoseconds, as the rule compares it (exactly, leap seconds counted). */
export const EVENT_TCA_WINDOW_NS = BigInt(EVENT_TCA_WINDOW_MS) * 1_000_000n;

/** Whether two TCAs (elapsed nanoseconds, `EventMember.tca_ns`) are at most 20 minutes apart. */
export function withinWindow(a: bigint, b: bigint): boolean {
  return (a > b ? a - b : b - a) <= EVENT_TCA_WINDOW_NS;
}

class DisjointSets {
  private readonly parent: number[];

  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root] ?? root;
    let node = i;
    while (this.parent[node] !== root) {
      const next = this.parent[node] ?? root;
      this.parent[node] = root;
      node = next;
    }
    return root;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Splits the CDMs of one object pair into conjunction events: two CDMs are in one event when
 * their TCAs are at most 20 minutes apart, or when they carry the same CCSDS CONJUNCTION_ID,
 * and the relation is closed transitively (connected components). Components of a graph
 * depend on its nodes and edges only, so the result is the same for any order of arrival.
 * O(n log n) in the pair's CDMs: what the index runs when a CDM leaves a pair or moves in it
 * (an arrival only joins groups, `EventIndex`).
 */
export function clusterPair(members: readonly EventMember[]): EventMember[][] {
  const sorted = [...members].sort(byTca);
  const sets = new DisjointSets(sorted.length);
  const byConjunction = new Map<string, number>();
  sorted.forEach((member, i) => {
    const previous = sorted[i - 1];
    // Sorted by TCA: some pair within the window exists iff a consecutive one does.
    if (previous && withinWindow(previous.tca_ns, member.tca_ns)) sets.union(i - 1, i);
    if (member.conjunction_id !== undefined) {
      const seen = byConjunction.get(member.conjunction_id);
      if (seen === undefined) byConjunction.set(member.conjunction_id, i);
      else sets.union(seen, i);
    }
  });
  const groups = new Map<number, EventMember[]>();
  sorted.forEach((member, i) => {
    const root = sets.find(i);
    const group = groups.get(root) ?? [];
    group.push(member);
    groups.set(root, group);
  });
  return [...groups.values()];
}
