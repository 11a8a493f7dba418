import { createServer } from 'node:http';
import { announceListening } from '@crewship/tooling-bench';

/** Child process for the gateway benches: a fake Anthropic upstream on 127.0.0.1. Arg: `json` or `sse:<MiB>`. */
const mode = process.argv[2] ?? 'json';

const JSON_BODY = JSON.stringify({
  id: 'msg_bench',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4',
  content: [{ type: 'text', text: 'Hi!' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 12, output_tokens: 3, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
});

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
const chunk = mebibytes > 0 ? sseMebibyte() : Buffer.alloc(0);

const server = createServer((incoming, response) => {
  incoming.resume();
  incoming.on('end', () => {
    if (mebibytes === 0) {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(JSON_BODY),
      });
      response.end(JSON_BODY);
      return;
    }
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
