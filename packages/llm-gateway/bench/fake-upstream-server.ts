import { createServer } from 'node:http';
import { announceListening } from '@crewship/tooling-bench';

/**
 * Child process for the SSE capacity bench: an Anthropic-shaped upstream on 127.0.0.1 that streams pre-built
 * 1 MiB blobs of events as fast as its socket takes them. Arg: `sse:<MiB>`.
 */
const mode = process.argv[2] ?? '';

/** ~1 MiB of Anthropic content_block_delta events. */
function sseMebibyte(): Buffer {
  const text = 'lorem ipsum dolor sit amet '.repeat(30);
  const event = `event: content_block_delta\ndata: ${JSON.stringify({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text },
  })}\n\n`;
  return Buffer.from(event.repeat(Math.ceil((1024 * 1024) / event.length)));
}
const SSE_START = `event: message_start\ndata: ${JSON.stringify({
  type: 'message_start',
  message: { usage: { input_tokens: 10, output_tokens: 1 } },
})}\n\n`;
const SSE_STOP =
  `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', usage: { output_tokens: 123456 } })}\n\n` +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

const mebibytes = mode.startsWith('sse:') ? Number(mode.slice(4)) : 0;
if (!(mebibytes > 0)) throw new Error('usage: fake-upstream-server.ts sse:<MiB>');
const chunk = sseMebibyte();

const server = createServer((incoming, response) => {
  incoming.resume();
  incoming.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(SSE_START);
    let sent = 0;
    const pump = () => {
      while (sent < mebibytes) {
        sent++;
        if (!response.write(chunk)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end(SSE_STOP);
    };
    pump();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  announceListening({
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
});
