import { packJson, unpackJson, type Packed } from './packed.js';

/** Items per packed block: enough for deflate to find the repeats between items, few enough to unpack quickly. */
export const PACKED_BLOCK_ITEMS = 64;

/**
 * An append-only list held in memory in packed blocks (`packJson` of an array of
 * `PACKED_BLOCK_ITEMS` items): the newest items stay as objects until a block is full, then
 * the block is packed whole. Items of a log repeat each other's member names and values, so
 * a block packs to a fraction of one item each packed alone, for one deflate call per block.
 * Reads unpack the blocks they touch (the last one read is kept, for reads in order); an
 * item read twice from the same unpacked block is the same object, as items are in a plain
 * list: readers do not change what they read.
 */
export class PackedLog<T> {
  private blocks: Packed[] = [];
  /** Items not packed yet (fewer than a block). */
  private open: T[] = [];
  /** Items of the first block already dropped (`dropOldest`). */
  private skipped = 0;
  private cached: { block: number; items: T[] } | undefined;

  constructor(private readonly blockItems = PACKED_BLOCK_ITEMS) {}

  get length(): number {
    return this.blocks.length * this.blockItems - this.skipped + this.open.length;
  }

  push(item: T): void {
    this.open.push(item);
    if (this.open.length < this.blockItems) return;
    this.blocks.push(packJson(this.open));
    this.open = [];
  }

  /** The item at this position (0 = the oldest kept). */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.length) return undefined;
    const position = index + this.skipped;
    const block = Math.floor(position / this.blockItems);
    if (block >= this.blocks.length) return this.open[position - this.blocks.length * this.blockItems];
    return this.unpacked(block)[position % this.blockItems];
  }

  /** Items from `start` up to (not including) `end`, oldest first. */
  slice(start: number, end: number): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, start), last = Math.min(end, this.length); i < last; i++) out.push(this.at(i) as T);
    return out;
  }

  /** Every item, oldest first, parsed when its turn comes. */
  *items(): Generator<T> {
    for (let i = 0; i < this.length; i++) yield this.at(i) as T;
  }

  /** Drops the `count` oldest items. */
  dropOldest(count: number): void {
    const drop = Math.min(Math.max(0, count), this.length);
    const position = this.skipped + drop;
    const whole = Math.min(Math.floor(position / this.blockItems), this.blocks.length);
    this.blocks = this.blocks.slice(whole);
    const rest = position - whole * this.blockItems;
    if (this.blocks.length > 0) {
      this.skipped = rest;
    } else {
      this.skipped = 0;
      this.open = this.open.slice(rest);
    }
    this.cached = undefined;
  }

  /** Keeps only the items that pass; returns how many were dropped. */
  keep(pass: (item: T) => boolean): number {
    const kept = [...this.items()].filter(pass);
    const dropped = this.length - kept.length;
    if (dropped === 0) return 0;
    this.blocks = [];
    this.open = [];
    this.skipped = 0;
    this.cached = undefined;
    for (const item of kept) this.push(item);
    return dropped;
  }

  private unpacked(block: number): T[] {
    if (this.cached?.block !== block) this.cached = { block, items: unpackJson<T[]>(this.blocks[block] as Packed) };
    return this.cached.items;
  }
}
