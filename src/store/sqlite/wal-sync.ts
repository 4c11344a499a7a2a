import { open, type FileHandle } from 'node:fs/promises';

/**
 * Durability without blocking the event loop. The connection runs with
 * `synchronous = NORMAL`: a COMMIT appends to the write-ahead log but does not wait for
 * the disk. Before a batch is acknowledged, this flushes the log file with fdatasync on
 * libuv's thread pool, so the node keeps serving while the disk works. After a power
 * loss SQLite replays the log up to its last complete commit, and every acknowledged
 * commit is in it. (Checkpoints, in NORMAL mode, sync the log before copying it and the
 * database after; SQLite syncs the log header when it starts to reuse the log.)
 */
export class WalSync {
  private handle: Promise<FileHandle> | undefined;

  constructor(private readonly path: string) {}

  async sync(): Promise<void> {
    this.handle ??= open(this.path, 'r');
    await (await this.handle).datasync();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle).close();
  }
}
