import { describe, expect, it } from 'vitest';
import { GroupCommit, type TransactionControl } from '../../src/store/sqlite/group-commit.js';

class FakeTransactions implements TransactionControl {
  active = false;
  log: string[] = [];
  failNextCommit: Error | undefined;
  sync: (() => Promise<void>) | undefined;

  begin(): void {
    this.active = true;
    this.log.push('BEGIN');
  }
  commit(): void {
    this.log.push('COMMIT');
    const failure = this.failNextCommit;
    this.failNextCommit = undefined;
    if (failure) throw failure;
    this.active = false;
  }
  rollback(): void {
    this.log.push('ROLLBACK');
    this.active = false;
  }
  inTransaction(): boolean {
    return this.active;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('puts the writes of one event-loop turn in one transaction', async () => {
    const tx = new FakeTransactions();
    const batch = new GroupCommit(tx);
    batch.write(() => tx.log.push('w1'));
    const first = batch.durable();
    batch.write(() => tx.log.push('w2'));
    const second = batch.durable();
    await Promise.all([first, second]);
    batch.write(() => tx.log.push('w3'));
    await batch.durable();
    expect(tx.log).toEqual(['BEGIN', 'w1', 'w2', 'COMMIT', 'BEGIN', 'w3', 'COMMIT']);
  });

  it('resolves durable() at once when nothing is pending', async () => {
    const tx = new FakeTransactions();
    await new GroupCommit(tx).durable();
    expect(tx.log).toEqual([]);
  });

  it('rejects every waiter and rolls back when COMMIT fails, then keeps working', async () => {
    const tx = new FakeTransactions();
    const batch = new GroupCommit(tx);
    tx.failNextCommit = new Error('disk I/O error');
    batch.write(() => 1);
    const waiters = [batch.durable(), batch.durable()];
    for (const w of waiters) await expect(w).rejects.toThrow('disk I/O error');
    expect(tx.log).toEqual(['BEGIN', 'COMMIT', 'ROLLBACK']);
    expect(batch.lastError()?.message).toBe('disk I/O error');
    // Nothing pending but the last batch was lost: a late durable() must not report success.
    await expect(batch.durable()).rejects.toThrow('disk I/O error');

    batch.write(() => 2);
    await expect(batch.durable()).resolves.toBeUndefined();
    expect(batch.lastError()).toBeUndefined();
  });

  it('fails the batch when a write error made SQLite roll the whole transaction back', async () => {
    const tx = new FakeTransactions();
    const batch = new GroupCommit(tx);
    batch.write(() => 1);
    const waiter = batch.durable();
    expect(() =>
      batch.write(() => {
        tx.active = false;
        throw new Error('database or disk is full');
      }),
    ).toThrow('database or disk is full');
    await expect(waiter).rejects.toThrow('database or disk is full');
    await nextTurn();
    expect(tx.log).toEqual(['BEGIN']);
    batch.write(() => 3);
    await batch.durable();
    expect(tx.log).toEqual(['BEGIN', 'BEGIN', 'COMMIT']);
  });

  it('undoes the whole batch when a write fails, so that no operation commits half-done', async () => {
    const tx = new FakeTransactions();
    const batch = new GroupCommit(tx);
    batch.write(() => tx.log.push('w1'));
    const waiter = batch.durable();
    expect(() =>
      batch.write(() => {
        throw new Error('constraint failed');
      }),
    ).toThrow('constraint failed');
    await expect(waiter).rejects.toThrow('constraint failed');
    expect(tx.log).toEqual(['BEGIN', 'w1', 'ROLLBACK']);
    batch.write(() => tx.log.push('w2'));
    await batch.durable();
    expect(tx.log).toEqual(['BEGIN', 'w1', 'ROLLBACK', 'BEGIN', 'w2', 'COMMIT']);
  });

  it('keeps a batch open a little longer under load, so that later turns share its commit', async () => {
    const tx = new FakeTransactions();
    let now = 0;
    const batch = new GroupCommit(tx, { coalesceMs: 20, busyWindowMs: 5, now: () => now });
    batch.write(() => tx.log.push('w1'));
    await batch.durable();
    now = 1; // a commit 1 ms ago: under load
    batch.write(() => tx.log.push('w2'));
    const second = batch.durable();
    await nextTurn();
    batch.write(() => tx.log.push('w3'));
    await second;
    expect(tx.log).toEqual(['BEGIN', 'w1', 'COMMIT', 'BEGIN', 'w2', 'w3', 'COMMIT']);
  });

  it('acknowledges a batch only after its sync, and a late durable() waits for that sync too', async () => {
    const tx = new FakeTransactions();
    let finishSync: () => void = () => undefined;
    tx.sync = () => {
      tx.log.push('SYNC');
      return new Promise<void>((resolve) => (finishSync = resolve));
    };
    const batch = new GroupCommit(tx);
    let acknowledged = false;
    batch.write(() => tx.log.push('w1'));
    const waiter = batch.durable().then(() => (acknowledged = true));
    await nextTurn();
    expect(tx.log).toEqual(['BEGIN', 'w1', 'COMMIT', 'SYNC']);
    const late = batch.durable();
    expect(acknowledged).toBe(false);
    finishSync();
    await Promise.all([waiter, late]);
    expect(acknowledged).toBe(true);
  });

  it('rejects the waiters of a batch whose sync fails', async () => {
    const tx = new FakeTransactions();
    tx.sync = () => Promise.reject(new Error('EIO: fdatasync'));
    const batch = new GroupCommit(tx);
    batch.write(() => 1);
    await expect(batch.durable()).rejects.toThrow('EIO: fdatasync');
    expect(batch.lastError()?.message).toBe('EIO: fdatasync');
  });

  it('commits at once on flush()', () => {
    const tx = new FakeTransactions();
    const batch = new GroupCommit(tx);
    batch.write(() => 1);
    expect(batch.pending()).toBe(true);
    batch.flush();
    expect(batch.pending()).toBe(false);
    expect(tx.log).toEqual(['BEGIN', 'COMMIT']);
  });
});
