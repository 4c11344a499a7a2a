import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/peers/backoff.js';
import { PeerRateLimit, TokenBucket } from '../../src/peers/rate-limit.js';
import { SeenMessages } from '../../src/routing/seen.js';

describe('the seen-message set', () => {
  it('forgets the oldest beyond its size', () => {
    const seen = new SeenMessages(3, 60_000, () => 0);
    for (const id of ['a', 'b', 'c', 'd']) seen.add(id);
    expect(seen.has('a')).toBe(false);
    expect(seen.has('d')).toBe(true);
    expect(seen.size).toBe(3);
  });

  it('forgets entries older than its age', () => {
    let now = 0;
    const seen = new SeenMessages(100, 1000, () => now);
    seen.add('old');
    now = 500;
    seen.add('new');
    now = 1200;
    expect(seen.has('old')).toBe(false);
    expect(seen.has('new')).toBe(true);
  });
});

describe('the token bucket', () => {
  it('allows a burst, then refills at its rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.retryAfterSeconds()).toBe(1);
    now = 100;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });
});

describe('the peer rate limit', () => {
  const settings = { messages_per_second: 10, burst: 2, sync_messages_per_second: 100, sync_window_seconds: 60 };
  const takes = (limit: PeerRateLimit, n: number, inBatch: boolean) => Array.from({ length: n }, () => limit.take(inBatch)).filter(Boolean).length;

  it('counts every message against the live budget outside a table transfer', () => {
    let now = 0;
    const limit = new PeerRateLimit(settings, () => now);
    expect(takes(limit, 5, true)).toBe(2);
    now += 1000;
    expect(takes(limit, 20, true)).toBe(2);
  });

  it('gives the envelopes of batches the table-transfer budget for the window after this node asked for the table, single POSTs not', () => {
    let now = 0;
    const limit = new PeerRateLimit(settings, () => now);
    limit.openTransfer(true);
    expect(takes(limit, 5, false)).toBe(2);
    expect(takes(limit, 150, true)).toBe(100);
    now += 1000;
    expect(takes(limit, 150, true)).toBe(100 + 2);
    now += 60_000;
    expect(limit.transferOpen()).toBe(false);
    expect(takes(limit, 150, true)).toBe(2);
  });

  it('lets a peer that establishes sessions itself reopen the window only after two windows', () => {
    let now = 0;
    const limit = new PeerRateLimit(settings, () => now);
    limit.openTransfer(false);
    now += 60_000;
    limit.openTransfer(false);
    expect(limit.transferOpen()).toBe(false);
    now += 60_000;
    limit.openTransfer(false);
    expect(limit.transferOpen()).toBe(true);
    now += 60_000;
    // This node's own request (its HELLO, SYNC_REQUEST) always opens one.
    limit.openTransfer(true);
    expect(limit.transferOpen()).toBe(true);
  });
});

describe('backoff', () => {
  it('doubles from the minimum to the maximum, with jitter in the upper half', () => {
    expect(backoffDelay(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(10, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelay(50, 1000, 60_000, () => 0.5)).toBe(45_000);
  });
});
