import { TokenBucket } from '../peers/rate-limit.js';

/** One token bucket per API client (token id, or address without auth), created on first use. */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private settings = { perSecond: 0, burst: 0 };

  /** True when the client may go on; false when its bucket is empty. */
  take(client: string, perSecond: number, burst: number): boolean {
    if (perSecond !== this.settings.perSecond || burst !== this.settings.burst) {
      this.settings = { perSecond, burst };
      for (const bucket of this.buckets.values()) bucket.reconfigure(perSecond, burst);
    }
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size > 10_000) this.buckets.clear();
      bucket = new TokenBucket(perSecond, burst);
      this.buckets.set(client, bucket);
    }
    return bucket.take();
  }

  retryAfterSeconds(client: string): number {
    return this.buckets.get(client)?.retryAfterSeconds() ?? 1;
  }
}
