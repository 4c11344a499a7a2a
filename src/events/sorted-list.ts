/**
 * A list kept in order by a total order on its items (no two items compare equal): binary
 * search to find, one array splice to insert or delete. A splice moves pointers only, so a
 * change costs O(log n) comparisons; no item is compared or read but those the search visits.
 */
export class SortedList<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** A list of these items (any order): one sort instead of an insert each. */
  static of<T>(compare: (a: T, b: T) => number, items: Iterable<T>): SortedList<T> {
    const list = new SortedList(compare);
    list.items.push(...[...items].sort(compare));
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
    this.items.splice(at, 0, item);
    return at;
  }

  /** Deletes the item that compares equal to this one; whether there was one. */
  delete(item: T): boolean {
    const at = this.lowerBound(item);
    if (at >= this.items.length || this.compare(this.items[at] as T, item) !== 0) return false;
    this.items.splice(at, 1);
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
