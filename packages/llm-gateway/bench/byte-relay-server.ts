import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { announceListening, temporaryDirectory } from '@crewship/tooling-bench';

/**
 * Child process for the SSE bench: the cheapest possible hop, a byte relay from a Unix socket to the
 * upstream (argv[2]) with no HTTP parsing, to show what any extra process hop costs on this machine.
 */
const upstream = new URL(process.argv[2] ?? '');
const socketPath = join(temporaryDirectory('crewship-bench-relay-').path, 'relay.sock');
const server = createServer((client) => {
  const target = connect(Number(upstream.port), upstream.hostname);
  client.pipe(target);
  target.pipe(client);
  client.on('error', () => target.destroy());
  target.on('error', () => client.destroy());
});
server.listen(socketPath, () => {
  announceListening({
    url: `http://127.0.0.1/?socket=${encodeURIComponent(socketPath)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  });
});
