/** Up to this many items a change makes a new array of exactly the items (see `SortedList`). */
const EXACT_UP_TO = 8;

/**
 * A list kept in order by a total order on its items (no two items compare equal): binary
 * search to find, one array splice to insert or delete. A splice moves pointers only, so a
 * change costs O(log n) comparisons; no item is compared or read but those the search visits.
 *
 * Most lists hold one or a few items (an event of one CDM keeps four), and an array grown by
 * `splice` or `push` reserves room for 16 more; so a short list is copied to an array of its
 * exact length on each change instead (a copy of at most 8 pointers).
 */
export class SortedList<T> {
  private items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** A list of these items (any order): one sort instead of an insert each. */
  static of<T>(compare: (a: T, b: T) => number, items: Iterable<T>): SortedList<T> {
    const list = new SortedList(compare);
    list.items = [...items].sort(compare);
    return list;
  }

  get size(): number {
    return this.items.length;
  }

  /** Index of the first item not before `item`. */
  private lowerBound(item: T): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.compare(this.items[mid] as T, item) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Inserts the item; returns its index. */
  insert(item: T): number {
    const at = this.lowerBound(item);
    if (this.items.length < EXACT_UP_TO) this.items = this.items.toSpliced(at, 0, item);
    else this.items.splice(at, 0, item);
    return at;
  }

  /** Deletes the item that compares equal to this one; whether there was one. */
  delete(item: T): boolean {
    const at = this.lowerBound(item);
    if (at >= this.items.length || this.compare(this.items[at] as T, item) !== 0) return false;
    if (this.items.length <= EXACT_UP_TO) this.items = this.items.toSpliced(at, 1);
    else this.items.splice(at, 1);
    return true;
  }

  at(index: number): T | undefined {
    return this.items.at(index);
  }

  first(): T | undefined {
    return this.items[0];
  }

  last(): T | undefined {
    return this.items.at(-1);
  }

  /** A copy of the items, in order. */
  toArray(): T[] {
    return [...this.items];
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }
}
