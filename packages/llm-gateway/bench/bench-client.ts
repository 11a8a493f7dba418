import { type Agent, type IncomingMessage, request } from 'node:http';
import { agentDummyKey, INTERNAL_TOKEN_HEADER } from '@crewship/contracts';
import { type BenchServer, spawnServer } from '@crewship/tooling-bench';

export const BENCH_TOKEN = 'bench-token-0123456789abcdef';
const HEADERS = {
  [INTERNAL_TOKEN_HEADER]: BENCH_TOKEN,
  'x-api-key': agentDummyKey('ada'),
  'content-type': 'application/json',
};

export interface Target {
  socketPath?: string;
  port?: number;
  path: string;
}

export interface BenchProcesses {
  /** What an agent calls: the crew's sidecar proxy, which forwards to the gateway socket. */
  agent: Target;
  /** The gateway's crew socket itself (the sidecar's hop skipped). */
  gateway: Target;
  /** The upstream, called directly. */
  direct: Target;
  /** Present when asked for: the same upstream behind a bare byte relay process. */
  relay: Target | undefined;
  stop(): Promise<void>;
}

export interface BenchUpstream {
  /** `fake-provider-server.ts` (the testkit fake provider) or `fake-upstream-server.ts` (pre-built bodies). */
  file: 'fake-provider-server.ts' | 'fake-upstream-server.ts';
  args: string[];
}

/**
 * The upstream, the gateway and the sidecar, each in its own process, as in production (the provider, the
 * server and the crew container's sidecar). spawnServer wants loopback URLs; socket paths ride in `?socket=`.
 */
export async function startBenchProcesses(
  upstreamSpec: BenchUpstream,
  withRelay = false,
): Promise<BenchProcesses> {
  const started: BenchServer[] = [];
  const socketOf = (server: BenchServer) => {
    const socketPath = new URL(server.url).searchParams.get('socket');
    if (!socketPath) throw new Error(`${server.name} did not report its socket`);
    return socketPath;
  };
  const stop = async () => {
    for (const server of started.reverse()) await server.stop();
  };
  const spawn = async (file: string, args: string[]) => {
    const server = await spawnServer(new URL(`./${file}`, import.meta.url), { args });
    started.push(server);
    return server;
  };
  try {
    const upstream = await spawn(upstreamSpec.file, upstreamSpec.args);
    const gatewaySocket = socketOf(await spawn('gateway-server.ts', [upstream.url]));
    const sidecar = await spawn('sidecar-server.ts', [gatewaySocket]);
    const relay = withRelay ? await spawn('byte-relay-server.ts', [upstream.url]) : undefined;
    return {
      agent: { port: Number(new URL(sidecar.url).port), path: '/v1/messages' },
      gateway: { socketPath: gatewaySocket, path: '/provider/anthropic/v1/messages' },
      direct: { port: Number(new URL(upstream.url).port), path: '/v1/messages' },
      relay: relay && { socketPath: socketOf(relay), path: '/v1/messages' },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One POST of `body` to a target; resolves the response bytes read. */
export function post(target: Target, body: string, agent?: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target.socketPath
        ? { socketPath: target.socketPath, path: target.path, method: 'POST', headers: HEADERS, agent }
        : {
            host: '127.0.0.1',
            port: target.port,
            path: target.path,
            method: 'POST',
            headers: HEADERS,
            agent,
          },
      (response: IncomingMessage) => {
        if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        response.on('end', () => resolve(bytes));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
