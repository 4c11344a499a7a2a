import type { Change, ChangeLog } from '../store/changes.js';

export interface HubDeps {
  changes: ChangeLog;
  /** Resolves once every write made so far is on stable storage (the store's `durable`). */
  durable(): Promise<void>;
  onError(err: unknown): void;
}

/**
 * Tells readers of the change log (stream clients, webhook loops) that changes are there to
 * read. A change is told only once the store has made it durable, so no reader ever sees a
 * change that a crash could still undo; readers read the log itself, never a copy.
 */
export class ChangeHub {
  private published: number;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: HubDeps) {
    this.published = deps.changes.latest();
  }

  /** A write appended changes up to `seq`: they are told once durable. */
  appended(seq: number): void {
    this.deps.durable().then(
      () => this.publish(seq),
      (err: unknown) => this.deps.onError(err),
    );
  }

  private publish(seq: number): void {
    if (seq <= this.published) return;
    this.published = seq;
    for (const listener of this.listeners) listener();
  }

  /** The largest `seq` told so far. */
  head(): number {
    return this.published;
  }

  /** The smallest `seq` still kept, or undefined when the log is empty. */
  oldest(): number | undefined {
    return this.deps.changes.oldest();
  }

  /** Whether changes after `cursor` have already left the log (the reader is further behind than the log keeps). */
  lostAfter(cursor: number): boolean {
    if (cursor >= this.published) return false;
    const oldest = this.deps.changes.oldest();
    return oldest === undefined || oldest > cursor + 1;
  }

  /** Told changes with `seq` greater than `after`, oldest first, at most `limit`. */
  read(after: number, limit: number): Change[] {
    if (after >= this.published) return [];
    return this.deps.changes.after(after, limit).filter((c) => c.seq <= this.published);
  }

  /** Calls `listener` whenever new changes are told; returns the function that stops it. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
