import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from './sse-parser.js';

function parseAll(chunks: readonly (string | Buffer)[], end = true): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  if (end) parser.end();
  return events;
}

const STREAM = [
  ': keep-alive comment',
  'event: message_start',
  'data: {"a":1}',
  '',
  'data: first line',
  'data:second line',
  '',
  'event: done',
  'data: ünïcødé ✓ 🚀',
  '',
  '',
].join('\n');

const EXPECTED: SseEvent[] = [
  { event: 'message_start', data: '{"a":1}' },
  { event: 'message', data: 'first line\nsecond line' },
  { event: 'done', data: 'ünïcødé ✓ 🚀' },
];

describe('SseParser', () => {
  it('parses events, comments, multi-line data and default event names', () => {
    expect(parseAll([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the bytes are split, including inside multi-byte characters', () => {
    const bytes = Buffer.from(STREAM, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(EXPECTED);
    }
    expect(parseAll([...bytes].map((byte) => Buffer.from([byte])))).toEqual(EXPECTED);
  });

  it('accepts CRLF and bare CR line ends, also when a CRLF is split between chunks', () => {
    for (const newline of ['\r\n', '\r']) {
      const text = STREAM.replaceAll('\n', newline);
      expect(parseAll([text])).toEqual(EXPECTED);
      const bytes = Buffer.from(text, 'utf8');
      for (let cut = 1; cut < bytes.length; cut++) {
        expect(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(EXPECTED);
      }
    }
  });

  it('dispatches events as soon as their blank line arrives, before the stream ends', () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((event) => events.push(event));
    parser.push('data: one\n\ndata: tw');
    expect(events).toEqual([{ event: 'message', data: 'one' }]);
    parser.push('o\n\n');
    expect(events).toHaveLength(2);
  });

  it('flushes a last event without its blank line at the end', () => {
    expect(parseAll(['data: tail'])).toEqual([{ event: 'message', data: 'tail' }]);
  });

  it('drops an event that grows past the limit before it completes, and carries on', () => {
    for (const dataContains of [undefined, 'o']) {
      const events: SseEvent[] = [];
      const parser = new SseParser((event) => events.push(event), { maxEventBytes: 32, dataContains });
      parser.push('data: one\n\ndata: ');
      for (let index = 0; index < 10; index++) parser.push('xxxxxxxxxx');
      parser.push('\n');
      parser.push('\ndata: ok\n\n');
      expect(events).toEqual([
        { event: 'message', data: 'one' },
        { event: 'message', data: 'ok' },
      ]);
    }
  });
});

describe('SseParser with a data filter', () => {
  const filtered = EXPECTED.filter((event) => event.data.includes('é'));
  const variants = ['\n', '\r\n', '\r'].map((newline) =>
    Buffer.from(STREAM.replaceAll('\n', newline), 'utf8'),
  );
  const run = (pieces: Buffer[]) => {
    const events: SseEvent[] = [];
    const parser = new SseParser((event) => events.push(event), { dataContains: 'é' });
    for (const piece of pieces) parser.push(piece);
    parser.end();
    return events;
  };

  it('dispatches only matching events, however the stream is split in two or three', () => {
    expect(filtered).toEqual([{ event: 'done', data: 'ünïcødé ✓ 🚀' }]);
    for (const bytes of variants) {
      expect(run([bytes])).toEqual(filtered);
      for (let first = 1; first < bytes.length; first++) {
        expect(run([bytes.subarray(0, first), bytes.subarray(first)])).toEqual(filtered);
        for (let second = first + 1; second < bytes.length; second += 3) {
          expect(
            run([bytes.subarray(0, first), bytes.subarray(first, second), bytes.subarray(second)]),
          ).toEqual(filtered);
        }
      }
      expect(run([...bytes].map((byte) => Buffer.from([byte])))).toEqual(filtered);
    }
  });

  it('finds a match in a later data line of the event and across many skipped chunks', () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((event) => events.push(event), { dataContains: 'usage' });
    for (let index = 0; index < 50; index++) parser.push(`event: delta\ndata: {"text":"chunk ${index}"}\n\n`);
    parser.push('event: x\ndata: {\ndata: "usage":1}\n\ndata: nothing\n\n');
    expect(events).toEqual([{ event: 'x', data: '{\n"usage":1}' }]);
  });
});
