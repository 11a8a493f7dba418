import { isCrewshipError } from '@crewship/contracts';

const encoder = new TextEncoder();

/**
 * Streams `events` as NDJSON. A failure after the first byte cannot change the status any more, so it
 * becomes a last `{"error":{kind,detail}}` line. `onCancel` runs when the client goes away.
 */
export function ndjsonResponse(events: AsyncIterable<unknown>, onCancel: () => void): Response {
  const iterator = events[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
      } catch (error) {
        const problem = isCrewshipError(error)
          ? { kind: error.kind, detail: error.message }
          : { kind: 'internal', detail: 'the stream failed; the server log has the details' };
        controller.enqueue(encoder.encode(`${JSON.stringify({ error: problem })}\n`));
        controller.close();
      }
    },
    cancel() {
      onCancel();
      // A generator busy in an await runs `return` after it; if it then throws, nobody else would see it.
      iterator.return?.()?.catch(() => {});
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
}
