import { describe, expect, it } from 'vitest';
import { createServerSentEventParser, parseServerSentEvents } from './server-sent-events.js';

describe('parseServerSentEvents', () => {
  it('parses named events, data-only events, comments and multi-line data', () => {
    const text = 'event: ping\ndata: {"a":1}\n\n: comment\ndata: one\ndata: two\n\ndata:[DONE]\n\n';
    expect(parseServerSentEvents(text)).toEqual([
      { event: 'ping', data: '{"a":1}' },
      { event: undefined, data: 'one\ntwo' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('accepts CRLF framing and a missing final blank line', () => {
    expect(parseServerSentEvents('data: {"x":1}\r\n\r\ndata: {"x":2}')).toEqual([
      { event: undefined, data: '{"x":1}' },
      { event: undefined, data: '{"x":2}' },
    ]);
  });
});

describe('createServerSentEventParser', () => {
  it('completes events across arbitrary chunk boundaries, including a split CRLF', () => {
    const text = 'event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\n\r\n';
    for (let cut = 1; cut < text.length; cut += 1) {
      const parser = createServerSentEventParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([
        { event: 'a', data: '1' },
        { event: 'b', data: '2' },
      ]);
    }
  });
});
