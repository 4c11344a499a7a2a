import { describe, expect, it } from 'vitest';
import { EventStreamParser, type ParsedEvent } from '../../ui/app/sse.js';

// The page's reader of text/event-stream (WHATWG HTML, "Interpreting an event stream").
function parse(chunks: string[]): { events: ParsedEvent[]; retries: number[] } {
  const events: ParsedEvent[] = [];
  const retries: number[] = [];
  const parser = new EventStreamParser((e) => events.push(e), (ms) => retries.push(ms));
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries };
}

const STREAM = 'retry: 3000\n: spacecomms change stream\n\nid: 7\nevent: cdm\ndata: {"seq":7}\n\n: heartbeat\n\nid: 8\nevent: event\ndata: {"seq":8,\ndata: "multi":true}\n\n';

describe('EventStreamParser', () => {
  it('reads ids, event names, multi-line data and the retry delay, and skips comments', () => {
    const { events, retries } = parse([STREAM]);
    expect(retries).toEqual([3000]);
    expect(events).toEqual([
      { id: '7', event: 'cdm', data: '{"seq":7}' },
      { id: '8', event: 'event', data: '{"seq":8,\n"multi":true}' },
    ]);
  });

  it('gives the same events however the text is cut into chunks, and with CRLF or CR line ends', () => {
    const whole = parse([STREAM]).events;
    for (let size = 1; size <= 7; size++) {
      const chunks = STREAM.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) as string[];
      expect(parse(chunks).events, `chunks of ${size}`).toEqual(whole);
    }
    const crlf = STREAM.replaceAll('\n', '\r\n');
    expect(parse(crlf.match(/[\s\S]{1,3}/g) as string[]).events).toEqual(whole);
    expect(parse([STREAM.replaceAll('\n', '\r')]).events).toEqual(whole);
  });

  it('dispatches nothing for an event without data or one not yet ended by a blank line', () => {
    const { events } = parse(['id: 9\nevent: peer\n\n', 'event: cdm\ndata: {}']);
    expect(events).toEqual([]);
  });

  it('names an event without an event field `message`, and ignores an id with NUL and a non-numeric retry', () => {
    const { events, retries } = parse(['id: 3\ndata: x\n\nid: a\0b\nretry: soon\ndata: y\n\n']);
    expect(retries).toEqual([]);
    expect(events).toEqual([
      { id: '3', event: 'message', data: 'x' },
      { id: undefined, event: 'message', data: 'y' },
    ]);
  });
});
