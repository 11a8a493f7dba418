import { createSidecarProxy } from '@crewship/sidecar-proxy';
import { announceListening } from '@crewship/tooling-bench';
import { BENCH_TOKEN } from './bench-client.js';

/** Child process for the gateway benches: the crew container's sidecar proxy, to the gateway socket argv[2]. */
const socketPath = process.argv[2];
if (!socketPath) throw new Error('usage: sidecar-server.ts GATEWAY_SOCKET');
const sidecar = createSidecarProxy({ socketPath, token: BENCH_TOKEN });
const { port } = await sidecar.listen('127.0.0.1', 0);
announceListening({ url: `http://127.0.0.1:${port}`, close: () => sidecar.close() });
