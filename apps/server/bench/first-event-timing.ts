import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeContainerRuntime } from '@crewship/container-runtime/testing';
import type { ContainerRuntime, CrewContainer, ExecOptions } from '@crewship/contracts';
import { percentile } from '@crewship/tooling-bench';
import WebSocket from 'ws';
import { bootstrapOwner, startTestServer, type TestServer } from '../test/harness.js';

/** The body of a 2xx answer; anything else throws with the answer in the message. */
export async function expectOk(
  server: TestServer,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
  // biome-ignore lint/suspicious/noExplicitAny: the bench reads a few known fields
): Promise<any> {
  const response = await server.request(method, path, options);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  return response.json;
}

export interface TimedRun {
  /** `performance.now()` just before the POST. */
  startedAt: number;
  /** From just before the POST to the first `agent.event` on the chat's channel. */
  firstEventMs: number;
  /** From just before the POST to its 201 answer. */
  postMs: number;
  firstEventType: string;
  status: string;
}

/**
 * A WebSocket client subscribed to one chat's channel that times message POSTs: each `send` waits for
 * the run to end and fails unless it completed with at least one agent event.
 */
export async function connectChat(server: TestServer, token: string, chatId: string) {
  const { token: wsToken } = await expectOk(server, 'GET', '/api/v1/ws-token', { token });
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${wsToken}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  // biome-ignore lint/suspicious/noExplicitAny: WebSocket messages are read loosely
  let onMessage: (message: any) => void = () => {};
  ws.on('message', (raw) => onMessage(JSON.parse(String(raw))));
  const channel = `chat:${chatId}`;
  await new Promise<void>((resolve, reject) => {
    onMessage = (message) => {
      if (message.op === 'subscribed' && message.channel === channel) resolve();
      if (message.op === 'error')
        reject(new Error(`cannot subscribe to ${channel}: ${JSON.stringify(message)}`));
    };
    ws.send(JSON.stringify({ op: 'subscribe', channel }));
  });

  return {
    async send(content: string): Promise<TimedRun> {
      let firstAt = 0;
      let firstEventType = '';
      const ended = new Promise<string>((resolve) => {
        onMessage = (message) => {
          if (message.op !== 'event' || message.channel !== channel) return;
          if (!firstAt && message.type === 'agent.event') {
            firstAt = performance.now();
            firstEventType = String(message.data?.event?.type);
          }
          if (message.type === 'run.status' && message.data?.status !== 'running')
            resolve(message.data.status);
        };
      });
      const started = performance.now();
      await expectOk(server, 'POST', `/api/v1/chats/${chatId}/messages`, { token, body: { content } });
      const postMs = performance.now() - started;
      const status = await ended;
      if (status !== 'completed') throw new Error(`a run of ${JSON.stringify(content)} ended ${status}`);
      if (!firstAt) throw new Error(`a run of ${JSON.stringify(content)} produced no agent event`);
      return { startedAt: started, firstEventMs: firstAt - started, postMs, firstEventType, status };
    },
    close: () => ws.close(),
  };
}

/** Times `runs` messages after `warmup` uncounted ones. */
async function timeMessages(
  chat: Awaited<ReturnType<typeof connectChat>>,
  { runs, warmup }: { runs: number; warmup: number },
): Promise<TimedRun[]> {
  const timed: TimedRun[] = [];
  for (let index = 0; index < warmup + runs; index += 1) {
    const run = await chat.send(`message ${index}`);
    if (index >= warmup) timed.push(run);
  }
  return timed;
}

/**
 * The runtime with the last `exec` of the agent CLI `binary` recorded (with its `performance.now()`),
 * everything else passed through untouched.
 */
export function recordingExecs(runtime: ContainerRuntime, binary: string) {
  let last: { container: CrewContainer; options: ExecOptions; at: number } | undefined;
  const recording = new Proxy(runtime, {
    get(target, property) {
      if (property === 'exec') {
        return (container: CrewContainer, options: ExecOptions) => {
          if (options.cmd[0] === binary) last = { container, options, at: performance.now() };
          return target.exec(container, options);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { runtime: recording, last: () => last };
}

const FIXTURE = fileURLToPath(
  new URL('../../../packages/agent-clis/fixtures/claude-text.jsonl', import.meta.url),
);

/**
 * The server's own path with the fake runtime (the agent is a local process) and a stand-in `claude`
 * replaying real Claude Code output: POST to first agent event, and the stand-in exec'd directly.
 */
export async function measureFakeRuntime({ runs, warmup }: { runs: number; warmup: number }) {
  const root = mkdtempSync(join(tmpdir(), 'crewship-bench-fake-'));
  const bin = join(root, 'bin');
  const runtime = createFakeContainerRuntime({ root: join(root, 'container'), path: [bin] });
  let server: TestServer | undefined;
  try {
    mkdirSync(bin);
    writeFileSync(join(bin, 'claude'), `#!/bin/sh\ncat >/dev/null\nexec cat '${FIXTURE}'\n`, { mode: 0o755 });
    server = await startTestServer({}, join(root, 'data'), { containerRuntime: runtime });
    const { token } = await bootstrapOwner(server);
    const crew = await expectOk(server, 'POST', '/api/v1/crews', { token, body: { name: 'bench' } });
    await expectOk(server, 'POST', '/api/v1/agents', { token, body: { crew: crew.id, name: 'ada' } });
    const chatId = (await expectOk(server, 'POST', '/api/v1/agents/ada/chats', { token, body: {} })).id;
    const chat = await connectChat(server, token, chatId);
    const timed = await timeMessages(chat, { runs, warmup }).finally(() => chat.close());
    const container = await runtime.ensureCrewContainer({
      crewId: 'direct',
      workspaceId: 'direct',
      slug: 'direct',
      image: 'any',
      networkMode: 'restricted',
      memoryMb: 256,
      cpus: 1,
      agents: [],
    });
    const direct: number[] = [];
    for (let index = 0; index < warmup + runs; index += 1) {
      const started = performance.now();
      const handle = runtime.exec(container, { cmd: ['claude'], stdin: '' });
      let first = 0;
      for await (const _line of handle) if (!first) first = performance.now();
      await handle.result;
      if (index >= warmup) direct.push(first - started);
    }
    const firstEvents = timed.map((run) => run.firstEventMs);
    return {
      p50: percentile(firstEvents, 0.5),
      p95: percentile(firstEvents, 0.95),
      directP50: percentile(direct, 0.5),
    };
  } finally {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
