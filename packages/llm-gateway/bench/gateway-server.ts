import { join } from 'node:path';
import { silentLogger } from '@crewship/contracts';
import { announceListening, temporaryDirectory } from '@crewship/tooling-bench';
import { createLlmGateway } from '../src/index.js';
import { createMemoryVault } from '../src/testing/index.js';
import { BENCH_TOKEN } from './bench-client.js';

/**
 * Child process for the gateway benches: one crew served on a Unix socket, upstream = argv[2]. spawnServer
 * wants a loopback URL, so the socket path travels in its query (`?socket=`).
 */
const upstream = process.argv[2];
if (!upstream) throw new Error('usage: gateway-server.ts UPSTREAM_URL');
const directory = temporaryDirectory('crewship-bench-gateway-');
const socketPath = join(directory.path, 'gateway.sock');
const gateway = createLlmGateway({
  vault: createMemoryVault([
    { id: 'cred-1', workspaceId: 'ws', provider: 'anthropic', value: 'sk-ant-api03-bench' },
  ]),
  findAgent: async (_crewId, slug) => (slug === 'ada' ? { id: 'agent-ada', slug } : null),
  metering: { record() {} },
  journal: {
    async append(entry) {
      return {
        ...entry,
        id: '',
        seq: 0,
        at: '',
        crewId: null,
        agentId: null,
        traceId: null,
        severity: 'info',
        payload: {},
        prevHash: '',
        entryHash: '',
      };
    },
  },
  logger: silentLogger,
  upstreams: { anthropic: upstream },
});
await gateway.serveCrew(
  { crewId: 'crew', workspaceId: 'ws', networkMode: 'restricted', allowedDomains: [] },
  { path: socketPath, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
  BENCH_TOKEN,
);
announceListening({
  url: `http://127.0.0.1/?socket=${encodeURIComponent(socketPath)}`,
  close: () => gateway.close(),
});
