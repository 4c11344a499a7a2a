import { toError } from './errors.js';

/** The transaction primitives of one connection (an interface so that failures can be simulated). */
export interface TransactionControl {
  begin(): void;
  commit(): void;
  rollback(): void;
  inTransaction(): boolean;
  /**
   * Makes everything committed so far durable (fdatasync of the write-ahead log, off the
   * event loop). Without it, COMMIT itself must be durable.
   */
  sync?(): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface GroupCommitOptions {
  /** Under load, how long a batch stays open for more writes before its COMMIT (ms). */
  coalesceMs?: number;
  /** A COMMIT less than this long ago means load (ms). */
  busyWindowMs?: number;
  now?: () => number;
}

/**
 * Groups concurrent writes into one transaction: the first write opens it and concurrent
 * requests share its COMMIT (one fsync). When idle, the batch commits at the end of the
 * event-loop turn; under load (a COMMIT moments ago) it stays open `coalesceMs` longer,
 * because requests of other connections arrive in later turns and would otherwise each
 * pay for a COMMIT of their own.
 */
export class GroupCommit {
  private batchOpen = false;
  private waiters: Waiter[] = [];
  private scheduled: { cancel(): void } | undefined;
  private failure: Error | undefined;
  private lastCommitAt = -Infinity;
  /** The sync of the last committed batch, for a durable() that finds no batch open. */
  private lastSync: Promise<void> = Promise.resolve();
  private readonly coalesceMs: number;
  private readonly busyWindowMs: number;
  private readonly now: () => number;

  constructor(
    private readonly tx: TransactionControl,
    options: GroupCommitOptions = {},
  ) {
    this.coalesceMs = options.coalesceMs ?? 1;
    this.busyWindowMs = options.busyWindowMs ?? 5;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Runs one write inside the open batch, opening a batch first if none is. A write that
   * fails undoes the whole batch and fails every waiter: an operation of several writes
   * (a record and its Adj-RIB-Out marks) must not commit half-done, and SQLite itself
   * rolls the whole transaction back on some errors (disk full, I/O).
   */
  write<T>(apply: () => T): T {
    if (!this.batchOpen) this.open();
    try {
      return apply();
    } catch (error) {
      this.rollbackQuietly();
      this.abandon(toError(error));
      throw error;
    }
  }

  /**
   * Resolves after the COMMIT that holds every write made before the call; rejects if that
   * commit failed. With nothing pending it settles at once, rejecting if the last batch failed.
   */
  durable(): Promise<void> {
    if (!this.batchOpen) return this.failure ? Promise.reject(this.failure) : this.lastSync;
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Commits the open batch now (what the scheduled callback and `close()` do). */
  flush(): void {
    if (!this.batchOpen) return;
    this.clearSchedule();
    this.batchOpen = false;
    const waiters = this.takeWaiters();
    this.lastCommitAt = this.now();
    try {
      this.tx.commit();
    } catch (error) {
      this.rollbackQuietly();
      this.failure = toError(error);
      for (const w of waiters) w.reject(this.failure);
      return;
    }
    this.failure = undefined;
    if (!this.tx.sync) {
      for (const w of waiters) w.resolve();
      return;
    }
    const synced = this.tx.sync();
    this.lastSync = synced;
    synced.then(
      () => {
        for (const w of waiters) w.resolve();
      },
      (error: unknown) => {
        this.failure = toError(error);
        for (const w of waiters) w.reject(this.failure);
      },
    );
  }

  /** The error of the most recent batch if it failed; cleared by the next successful commit. */
  lastError(): Error | undefined {
    return this.failure;
  }

  pending(): boolean {
    return this.batchOpen;
  }

  private open(): void {
    this.tx.begin();
    this.batchOpen = true;
    const commit = () => {
      this.scheduled = undefined;
      this.flush();
    };
    if (this.now() - this.lastCommitAt < this.busyWindowMs) {
      const timer = setTimeout(commit, this.coalesceMs);
      this.scheduled = { cancel: () => clearTimeout(timer) };
    } else {
      const immediate = setImmediate(commit);
      this.scheduled = { cancel: () => clearImmediate(immediate) };
    }
  }

  /** The batch was rolled back by SQLite itself: its writes are lost. */
  private abandon(error: Error): void {
    this.clearSchedule();
    this.batchOpen = false;
    this.failure = error;
    for (const w of this.takeWaiters()) w.reject(error);
  }

  private rollbackQuietly(): void {
    try {
      if (this.tx.inTransaction()) this.tx.rollback();
    } catch {
      // The connection already ended the transaction; nothing is left to undo.
    }
  }

  private takeWaiters(): Waiter[] {
    const waiters = this.waiters;
    this.waiters = [];
    return waiters;
  }

  private clearSchedule(): void {
    this.scheduled?.cancel();
    this.scheduled = undefined;
  }
}
