import { verify, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** One Ed25519 check: the signed bytes, the 64-byte signature and the public key. */
export interface VerifyJob {
  bytes: Buffer;
  signature: Buffer;
  key: KeyObject;
}

/*
 * Runs in each worker thread: answers a list of checks with a list of booleans. Written as
 * CommonJS source so that it runs the same from `src/` under the test runner and from `dist/`.
 * KeyObjects cross threads by postMessage (Node.js `KeyObject`: "can be passed to other
 * threads via postMessage()").
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { verify } = require('node:crypto');
parentPort.on('message', ({ id, jobs }) => {
  const results = jobs.map((job) => {
    try {
      return verify(null, job.bytes, job.key, job.signature);
    } catch {
      return false;
    }
  });
  parentPort.postMessage({ id, results });
});
`;

/** Checks a job on this thread; a key or signature OpenSSL refuses is a failed check. */
function verifyHere(job: VerifyJob): boolean {
  try {
    return verify(null, job.bytes, job.key, job.signature);
  } catch {
    return false;
  }
}

interface Pending {
  resolve(results: boolean[]): void;
  reject(error: Error): void;
}

/** One worker thread and the requests it has not answered yet. */
class VerifyWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  failed: Error | undefined;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', ({ id, results }: { id: number; results: boolean[] }) => {
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      waiter?.resolve(results);
    });
    const fail = (error: Error) => {
      this.failed = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`signature worker exited with code ${code}`)));
  }

  verify(jobs: VerifyJob[]): Promise<boolean[]> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<boolean[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, jobs });
    });
  }

  async stop(): Promise<void> {
    this.failed ??= new Error('signature worker stopped');
    await this.worker.terminate();
  }
}

/**
 * Ed25519 checks of a batch spread over the machine's other cores: `workers` threads (by
 * default one fewer than the cores, at least one) each take an equal share, while the event
 * loop goes on with other requests (on a busy node it is the event loop that limits, so it
 * takes no share). Results come back in the order of the jobs. A worker that fails has its
 * share checked on the calling thread: a check is never skipped. Workers start at the first
 * call; a single job is checked on the spot.
 */
export class SignatureVerifierPool {
  private workers: VerifyWorker[] | undefined;
  private stopped = false;

  constructor(private readonly size = Math.max(1, availableParallelism() - 1)) {}

  async verify(jobs: readonly VerifyJob[]): Promise<boolean[]> {
    if (this.stopped || jobs.length < 2) return jobs.map(verifyHere);
    const workers = (this.workers ??= Array.from({ length: this.size }, () => new VerifyWorker())).filter((w) => !w.failed);
    if (workers.length === 0) return jobs.map(verifyHere);
    const per = Math.ceil(jobs.length / workers.length);
    const shares = workers.map((worker, i) => {
      const share = jobs.slice(i * per, (i + 1) * per);
      return share.length === 0 ? Promise.resolve([]) : worker.verify(share).catch(() => share.map(verifyHere));
    });
    return (await Promise.all(shares)).flat();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const workers = this.workers ?? [];
    this.workers = undefined;
    await Promise.all(workers.map((w) => w.stop()));
  }
}
