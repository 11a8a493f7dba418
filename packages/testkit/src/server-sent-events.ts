/** One Server-Sent Event; `event` is undefined when the stream sent only `data:` lines. */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
}

/** Incremental SSE parser: push decoded text as it arrives, get back the events it completed. */
export interface ServerSentEventParser {
  push(text: string): ServerSentEvent[];
}

export function createServerSentEventParser(): ServerSentEventParser {
  let buffer = '';
  let event: string | undefined;
  let data: string[] = [];
  return {
    push(text) {
      buffer += text;
      const events: ServerSentEvent[] = [];
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        // A lone trailing "\r" may be the first half of "\r\n": wait for more text.
        if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === '') {
          if (data.length > 0 || event !== undefined) events.push({ event, data: data.join('\n') });
          event = undefined;
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      return events;
    },
  };
}

/** Parses a complete SSE body. */
export function parseServerSentEvents(text: string): ServerSentEvent[] {
  return createServerSentEventParser().push(text.endsWith('\n\n') ? text : `${text}\n\n`);
}

/** Yields events from a fetch Response body as they arrive. */
export async function* readServerSentEvents(response: Response): AsyncGenerator<ServerSentEvent> {
  if (!response.body) return;
  const parser = createServerSentEventParser();
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    yield* parser.push(decoder.decode(chunk as Uint8Array, { stream: true }));
  }
  yield* parser.push(`${decoder.decode()}\n\n`);
}
