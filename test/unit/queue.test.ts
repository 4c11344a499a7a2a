import { describe, expect, it } from 'vitest';
import { OutboundQueue, type SendOutcome } from '../../src/peers/queue.js';
import type { TableMessage } from '../../src/routing/table.js';
import { waitFor } from '../helpers/network.js';

const message = (id: string, from = 'self') => ({ message_id: id, source_node_id: from, path: [from] }) as TableMessage;

interface Harness {
  queue: OutboundQueue;
  sent: string[];
  inFlightPeak: number;
  overflowed: number[];
  dropped: string[];
  connected: boolean;
  answer: (id: string) => SendOutcome;
}

function harness(options: { max?: number; inFlight?: number; answer?: (id: string) => SendOutcome } = {}): Harness {
  const h: Harness = {
    sent: [],
    inFlightPeak: 0,
    overflowed: [],
    dropped: [],
    connected: true,
    answer: options.answer ?? (() => ({ kind: 'delivered' })),
    queue: undefined as unknown as OutboundQueue,
  };
  let inFlight = 0;
  h.queue = new OutboundQueue({
    maxMessages: options.max ?? 100,
    maxInFlight: options.inFlight ?? 3,
    canSend: () => h.connected,
    retryDelayMs: () => 5,
    onOverflow: (n) => h.overflowed.push(n),
    onDropped: (m) => h.dropped.push(m.message_id),
    onIdle: () => undefined,
    send: async (m) => {
      inFlight += 1;
      h.inFlightPeak = Math.max(h.inFlightPeak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      const outcome = h.answer(m.message_id);
      if (outcome.kind === 'delivered') h.sent.push(m.message_id);
      return outcome;
    },
  });
  return h;
}

describe('the outbound queue', () => {
  it('sends in order with a bounded number in flight', async () => {
    const h = harness({ inFlight: 3 });
    for (let i = 0; i < 20; i++) h.queue.push(message(`m${i}`));
    await waitFor('all sent', () => h.sent.length === 20);
    expect(h.sent).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(h.inFlightPeak).toBe(3);
  });

  it('waits while the session is down and sends once it is up', async () => {
    const h = harness();
    h.connected = false;
    h.queue.push(message('a'));
    h.queue.pump();
    expect(h.queue.depth).toBe(1);
    h.connected = true;
    h.queue.pump();
    await waitFor('sent', () => h.sent.length === 1);
  });

  it('keeps a failed message at the front and retries it', async () => {
    let failures = 2;
    const h = harness({ inFlight: 1, answer: (id) => (id === 'a' && failures-- > 0 ? { kind: 'retry', reason: 'HTTP 503' } : { kind: 'delivered' }) });
    h.queue.push(message('a'));
    h.queue.push(message('b'));
    await waitFor('both sent', () => h.sent.length === 2);
    expect(h.sent).toEqual(['a', 'b']);
  });

  it('drops a message the peer refuses for good, and goes on', async () => {
    const h = harness({ answer: (id) => (id === 'bad' ? { kind: 'dropped', reason: 'INVALID_MESSAGE' } : { kind: 'delivered' }) });
    h.queue.push(message('bad'));
    h.queue.push(message('good'));
    await waitFor('good sent', () => h.sent.includes('good'));
    expect(h.dropped).toEqual(['bad']);
  });

  it('drops the oldest on overflow and says how many', () => {
    const h = harness({ max: 3 });
    h.connected = false;
    for (const id of ['1', '2', '3', '4', '5']) h.queue.push(message(id));
    expect(h.queue.depth).toBe(3);
    expect(h.overflowed.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('reads a full sync lazily after the live messages', async () => {
    const h = harness({ inFlight: 1 });
    let read = 0;
    function* sync() {
      for (let i = 0; i < 5; i++) {
        read += 1;
        yield message(`s${i}`);
      }
    }
    h.connected = false;
    h.queue.startSync(sync());
    h.queue.push(message('live'));
    expect(read).toBe(0);
    h.connected = true;
    h.queue.pump();
    await waitFor('all sent', () => h.sent.length === 6);
    expect(h.sent[0]).toBe('live');
    expect(h.queue.busy).toBe(false);
  });

  it('takes the sources in turn, so that a flooding neighbour does not hold back the others', async () => {
    const h = harness({ inFlight: 1, max: 10_000 });
    h.connected = false;
    for (let i = 0; i < 500; i++) h.queue.push(message(`flood-${i}`, 'flooder'));
    h.queue.push(message('other-1', 'quiet'));
    h.queue.push(message('mine-1', 'self'));
    h.connected = true;
    h.queue.pump();
    await waitFor('the quiet ones sent', () => h.sent.includes('other-1') && h.sent.includes('mine-1'));
    expect(h.sent.indexOf('other-1')).toBeLessThan(3);
    expect(h.sent.indexOf('mine-1')).toBeLessThan(3);
    await waitFor('all sent', () => h.sent.length === 502);
  });

  it('on overflow drops the oldest of the source with most waiting', () => {
    const h = harness({ max: 10 });
    h.connected = false;
    h.queue.push(message('quiet-1', 'quiet'));
    for (let i = 0; i < 20; i++) h.queue.push(message(`flood-${i}`, 'flooder'));
    expect(h.queue.depth).toBe(10);
    expect(h.overflowed.reduce((a, b) => a + b, 0)).toBe(11);
    h.connected = true;
    h.queue.pump();
    return waitFor('sent', () => h.sent.length === 10).then(() => {
      expect(h.sent).toContain('quiet-1');
      expect(h.sent).toContain('flood-19');
      expect(h.sent).not.toContain('flood-0');
    });
  });

  it('releases every waiting message on clear()', () => {
    const h = harness({ max: 100 });
    h.connected = false;
    for (let i = 0; i < 50; i++) h.queue.push(message(`m${i}`, i % 2 ? 'a' : 'b'));
    h.queue.clear();
    expect(h.queue.depth).toBe(0);
    expect(h.queue.busy).toBe(false);
  });
});
