/**
 * The message ids seen recently, bounded by count and by age. Oldest entries leave
 * first; the loop checks keep the mesh loop-free after an id has aged out.
 */
export class SeenMessages {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  has(messageId: string): boolean {
    const seenAt = this.entries.get(messageId);
    if (seenAt === undefined) return false;
    if (this.now() - seenAt > this.maxAgeMs) {
      this.entries.delete(messageId);
      return false;
    }
    return true;
  }

  add(messageId: string): void {
    this.entries.delete(messageId);
    this.entries.set(messageId, this.now());
    this.evict();
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    const cutoff = this.now() - this.maxAgeMs;
    for (const [id, seenAt] of this.entries) {
      if (this.entries.size <= this.maxEntries && seenAt >= cutoff) break;
      this.entries.delete(id);
    }
  }
}
