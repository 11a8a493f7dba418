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
  gateway: Target;
  direct: Target;
  /** Present when asked for: the same upstream behind a bare byte relay process. */
  relay: Target | undefined;
  stop(): Promise<void>;
}

/**
 * The fake upstream and the gateway, each in its own process (as in production: the sidecar, the server
 * and the provider are three processes). spawnServer wants loopback URLs; socket paths ride in `?socket=`.
 */
export async function startBenchProcesses(upstreamMode: string, withRelay = false): Promise<BenchProcesses> {
  const started: BenchServer[] = [];
  const socketOf = (server: BenchServer) => {
    const socketPath = new URL(server.url).searchParams.get('socket');
    if (!socketPath) throw new Error(`${server.name} did not report its socket`);
    return socketPath;
  };
  const stop = async () => {
    for (const server of started.reverse()) await server.stop();
  };
  try {
    const upstream = await spawnServer(new URL('./fake-upstream-server.ts', import.meta.url), {
      args: [upstreamMode],
    });
    started.push(upstream);
    const gateway = await spawnServer(new URL('./gateway-server.ts', import.meta.url), {
      args: [upstream.url],
    });
    started.push(gateway);
    let relay: Target | undefined;
    if (withRelay) {
      const server = await spawnServer(new URL('./byte-relay-server.ts', import.meta.url), {
        args: [upstream.url],
      });
      started.push(server);
      relay = { socketPath: socketOf(server), path: '/v1/messages' };
    }
    return {
      gateway: { socketPath: socketOf(gateway), path: '/provider/anthropic/v1/messages' },
      direct: { port: Number(new URL(upstream.url).port), path: '/v1/messages' },
      relay,
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

export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const round = (value: number, digits = 3) => Number(value.toFixed(digits));
