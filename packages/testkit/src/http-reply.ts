import type { ServerResponse } from 'node:http';

/** Resolves after `ms`, or as soon as the client goes away (no timer outlives the exchange). */
function pause(response: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      response.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    response.once('close', done);
  });
}

function isGone(response: ServerResponse): boolean {
  return response.destroyed || response.writableEnded;
}

/** Writes a JSON body after `delayMs`; skipped when the client has already gone. */
export async function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  options: { delayMs?: number; headers?: Record<string, string> } = {},
): Promise<void> {
  if (options.delayMs) await pause(response, options.delayMs);
  if (isGone(response)) return;
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...options.headers,
  });
  response.end(payload);
}

/** Answers with no body (probes such as `HEAD /`). */
export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'content-length': 0 });
  response.end();
}

/**
 * Streams pre-serialized chunks one `write` at a time (Nagle off, headers flushed first) so a
 * reader, or a proxy in between, sees each event as it is produced. Stops if the client leaves.
 */
export async function sendStream(
  response: ServerResponse,
  chunks: readonly string[],
  options: { contentType: string; delayMs?: number; headers?: Record<string, string> },
): Promise<void> {
  response.socket?.setNoDelay(true);
  response.writeHead(200, {
    'content-type': options.contentType,
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...options.headers,
  });
  response.flushHeaders();
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0 && options.delayMs) await pause(response, options.delayMs);
    if (isGone(response)) return;
    response.write(chunk);
  }
  if (!isGone(response)) response.end();
}

/** `event: NAME` + `data: JSON` framing used by Anthropic and the OpenAI Responses API. */
export function namedEvent(data: { type: string; [key: string]: unknown }): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** `data: JSON` framing used by Chat Completions and Gemini. */
export function dataEvent(data: unknown, separator = '\n\n'): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}${separator}`;
}

/** Appends every item (a loop: `push(...items)` overflows the call stack for very long replies). */
export function appendEach(events: string[], items: readonly string[]): void {
  for (const item of items) events.push(item);
}
