import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '@crewship/contracts';
import { createRealtimeHub, createWsTokens } from '@crewship/realtime';
import { percentile, round, runBench } from '@crewship/tooling-bench';
import { WebSocketServer } from 'ws';
// The server piece crewshipd runs; the bench measures it, not a stand-in.
import { attachWebSocketServer } from '../src/http/websocket.js';
import type { ChildMessage, ParentMessage } from './ws-fanout-clients.js';

const CLIENTS = 1000;
const WARMUP = 20;
const PUBLISHES = 200;
const CHANNEL = 'chat:bench';
const CLIENT_PROCESSES = Math.max(1, Math.min(4, availableParallelism() - 1));

interface Child {
  process: ChildProcess;
  /** Add to this process's wall clock to get the child's. */
  offset: number;
}

/** A percentile in ms, to 0.01 ms. */
function ms(samples: readonly number[], fraction: number): number {
  return round(percentile(samples, fraction), 2);
}

const wallClock = () => performance.timeOrigin + performance.now();

function nextMessage<K extends ChildMessage['kind']>(
  child: ChildProcess,
  kind: K,
): Promise<Extract<ChildMessage, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.kind === 'failed') reject(new Error(`client process failed: ${message.error}`));
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      resolve(message as Extract<ChildMessage, { kind: K }>);
    };
    child.on('message', onMessage);
  });
}

/** The child's clock offset from ours, from the IPC round trip with the smallest delay. */
async function measureOffset(child: ChildProcess): Promise<number> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let id = 0; id < 30; id++) {
    const sent = wallClock();
    const reply = nextMessage(child, 'clock');
    child.send({ kind: 'clock', id } satisfies ParentMessage);
    const { now } = await reply;
    const received = wallClock();
    if (received - sent < best.rtt) best = { rtt: received - sent, offset: now - (sent + received) / 2 };
  }
  return best.offset;
}

async function startClients(urls: string[], subscribe: string | null): Promise<Child[]> {
  const entry = fileURLToPath(new URL('./ws-fanout-clients.ts', import.meta.url));
  const processes = Math.min(CLIENT_PROCESSES, urls.length);
  const children: Child[] = [];
  for (let index = 0; index < processes; index++) {
    const child = fork(entry, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    process.once('exit', () => child.kill('SIGKILL'));
    const share = urls.filter((_, position) => position % processes === index);
    const ready = nextMessage(child, 'ready');
    child.send({ kind: 'connect', urls: share, subscribe } satisfies ParentMessage);
    await ready;
    children.push({ process: child, offset: await measureOffset(child) });
  }
  return children;
}

async function stopClients(children: Child[]): Promise<void> {
  await Promise.all(
    children.map(
      ({ process: child }) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.send({ kind: 'stop' } satisfies ParentMessage);
        }),
    ),
  );
}

interface Setup {
  children: Child[];
  publish(index: number): void;
  close(): Promise<void>;
}

interface Samples {
  untilLast: number[];
  perClient: number[];
  sendLoop: number[];
}

/** One publish, awaited until every client has it; returns nothing during warm-up. */
async function publishOnce(setup: Setup, index: number, samples: Samples): Promise<void> {
  const reports = setup.children.map(({ process: child }) => nextMessage(child, 'received'));
  const started = wallClock();
  setup.publish(index);
  const sent = wallClock();
  const received = await Promise.all(reports);
  if (index < WARMUP) return;
  samples.sendLoop.push(sent - started);
  let last = 0;
  received.forEach(({ times }, position) => {
    const offset = setup.children[position]!.offset;
    for (const time of times) {
      const latency = time - offset - started;
      samples.perClient.push(latency);
      last = Math.max(last, latency);
    }
  });
  samples.untilLast.push(last);
}

/** Alternates the setups publish by publish, so a busy moment of the machine hits all of them alike. */
async function measure(setups: Setup[]): Promise<Samples[]> {
  const samples = setups.map(() => ({ untilLast: [], perClient: [], sendLoop: [] }) as Samples);
  for (let index = 0; index < WARMUP + PUBLISHES; index++) {
    for (const [position, setup] of setups.entries()) await publishOnce(setup, index, samples[position]!);
  }
  return samples;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const payload = (index: number) => ({ runId: 'run_bench', kind: 'text', index, text: 'x'.repeat(160) });

/** Through the hub and the server piece, to `clients` subscribers. */
async function viaHub(clients: number): Promise<Setup> {
  const hub = createRealtimeHub();
  const tokens = createWsTokens({ secret: 'bench-secret-bench-secret-bench-secret', ttlMs: 10 * 60_000 });
  const server = createServer((_request, response) => response.end());
  const attached = attachWebSocketServer(server, {
    hub,
    tokens,
    logger: silentLogger,
    authorizeChannel: async () => true,
    maxClients: clients + 10,
  });
  const port = await listen(server);
  const urls = Array.from(
    { length: clients },
    () => `ws://127.0.0.1:${port}/ws?token=${tokens.issue('bench').token}`,
  );
  const children = await startClients(urls, CHANNEL);
  return {
    children,
    publish: (index) => hub.publish(CHANNEL, 'run.output', payload(index)),
    async close() {
      await stopClients(children);
      await attached.close();
      server.closeAllConnections();
      server.close();
    },
  };
}

/** ws's own broadcast loop: one serialization, `send` to every socket; no hub, no auth, no protocol. */
async function rawBroadcast(clients: number): Promise<Setup> {
  const server = createServer((_request, response) => response.end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const port = await listen(server);
  const children = await startClients(
    Array.from({ length: clients }, () => `ws://127.0.0.1:${port}/`),
    null,
  );
  return {
    children,
    publish(index) {
      const text = JSON.stringify({
        op: 'event',
        channel: CHANNEL,
        seq: index + 1,
        type: 'run.output',
        data: payload(index),
        at: new Date().toISOString(),
      });
      for (const socket of wss.clients) socket.send(text);
    },
    async close() {
      await stopClients(children);
      for (const socket of wss.clients) socket.terminate();
      wss.close();
      server.closeAllConnections();
      server.close();
    },
  };
}

runBench(async () => {
  const setups = [await viaHub(CLIENTS), await rawBroadcast(CLIENTS), await viaHub(1)];
  const [hub, raw, single] = await measure(setups).finally(async () => {
    for (const setup of setups) await setup.close();
  });
  if (!hub || !raw || !single) throw new Error('missing samples');
  return {
    name: 'server/ws-fanout',
    unit: 'ms (p99, publish until the last of 1000 clients has it)',
    figure: ms(hub.untilLast, 0.99),
    baseline: ms(raw.untilLast, 0.99),
    baselineName: "ws's raw broadcast loop to the same 1000 clients (no hub, no auth, no protocol)",
    details: {
      clients: CLIENTS,
      publishes: PUBLISHES,
      clientProcesses: CLIENT_PROCESSES,
      p50UntilLast: ms(hub.untilLast, 0.5),
      p99PerClient: ms(hub.perClient, 0.99),
      p50PerClient: ms(hub.perClient, 0.5),
      serverSendLoopP50: ms(hub.sendLoop, 0.5),
      serverSendLoopP99: ms(hub.sendLoop, 0.99),
      rawP50UntilLast: ms(raw.untilLast, 0.5),
      rawSendLoopP50: ms(raw.sendLoop, 0.5),
      oneClientP99: ms(single.untilLast, 0.99),
      oneClientP50: ms(single.untilLast, 0.5),
      note:
        'server (hub + attachWebSocketServer) in this process, clients in child processes (clocks aligned by ' +
        'IPC round trip); hub and raw publishes alternate; includes the clients reading 1000 frames on their loop',
    },
  };
});
