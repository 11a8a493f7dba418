import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeContainerRuntime } from '@crewship/container-runtime/testing';
import { silentLogger } from '@crewship/contracts';
import { runBench } from '@crewship/tooling-bench';
import WebSocket from 'ws';
import { parseServerConfig, startServer } from '../src/index.js';

/**
 * Message POST to the first agent event on a chat's WebSocket channel, with the container warm.
 * The crew runtime is the fake one (the agent runs as a local process) and `claude` is a stand-in that
 * replays real Claude Code output recorded against the fake provider, so the figure is the server's
 * own path: validation, chat write, run.started in the journal, system prompt, sandbox, exec, parse,
 * scrub, hub. Baseline: the same stand-in exec'd straight through the runtime to its first line.
 */
const RUNS = 60;
const WARMUP = 5;
const FIXTURE = fileURLToPath(
  new URL('../../../packages/agent-clis/fixtures/claude-text.jsonl', import.meta.url),
);
const OWNER = { email: 'owner@example.com', password: 'bench password, not a secret' };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const round = (value: number) => Math.round(value * 1000) / 1000;

runBench(async () => {
  const root = mkdtempSync(join(tmpdir(), 'crewship-bench-run-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'claude'), `#!/bin/sh\ncat >/dev/null\nexec cat '${FIXTURE}'\n`, { mode: 0o755 });
  const runtime = createFakeContainerRuntime({ root: join(root, 'container'), path: [bin] });
  const config = parseServerConfig(
    { host: '127.0.0.1', port: '0', dataDir: join(root, 'data'), logLevel: 'error' },
    { CREWSHIP_RATE_LIMIT_AUTH: '100000', CREWSHIP_RATE_LIMIT_API: '10000000' },
  );
  const server = await startServer(config, { logger: silentLogger, containerRuntime: runtime });
  try {
    const call = async (method: string, path: string, body?: unknown, token?: string) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      // biome-ignore lint/suspicious/noExplicitAny: the bench reads a few known fields
      return (await response.json()) as Record<string, any>;
    };
    await call('POST', '/api/v1/bootstrap', OWNER);
    const { token } = await call('POST', '/api/v1/auth/token', OWNER);
    const crew = await call('POST', '/api/v1/crews', { name: 'bench' }, token);
    await call('POST', '/api/v1/agents', { crew: crew.id, name: 'ada' }, token);
    const chat = await call('POST', '/api/v1/agents/ada/chats', {}, token);
    const { token: wsToken } = await call('GET', '/api/v1/ws-token', undefined, token);
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${wsToken}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    // biome-ignore lint/suspicious/noExplicitAny: WebSocket messages are read loosely
    let onMessage: (message: any) => void = () => {};
    ws.on('message', (raw) => onMessage(JSON.parse(String(raw))));
    ws.send(JSON.stringify({ op: 'subscribe', channel: `chat:${chat.id}` }));

    const serverTimes: number[] = [];
    for (let index = 0; index < WARMUP + RUNS; index += 1) {
      let firstAt = 0;
      const ended = new Promise<void>((resolve) => {
        onMessage = (message) => {
          if (message.op !== 'event') return;
          if (!firstAt && message.data?.kind === 'agent.event') firstAt = performance.now();
          if (message.data?.kind === 'run.status' && message.data.status !== 'running') resolve();
        };
      });
      const started = performance.now();
      await call('POST', `/api/v1/chats/${chat.id}/messages`, { content: `message ${index}` }, token);
      await ended;
      if (!firstAt) throw new Error(`run ${index} produced no agent event`);
      if (index >= WARMUP) serverTimes.push(firstAt - started);
    }
    ws.close();

    const container = await runtime.ensureCrewContainer({
      crewId: 'baseline',
      workspaceId: 'baseline',
      slug: 'baseline',
      image: 'any',
      networkMode: 'restricted',
      memoryMb: 256,
      cpus: 1,
      agents: [],
    });
    const directTimes: number[] = [];
    for (let index = 0; index < WARMUP + RUNS; index += 1) {
      const started = performance.now();
      const handle = runtime.exec(container, { cmd: ['claude'], stdin: '' });
      let first = 0;
      for await (const _line of handle) if (!first) first = performance.now();
      await handle.result;
      if (index >= WARMUP) directTimes.push(first - started);
    }
    const p50 = percentile(serverTimes, 50);
    const baseline = percentile(directTimes, 50);
    return {
      name: 'server/run-first-event',
      unit: 'ms (p50)',
      figure: round(p50),
      baseline: round(baseline),
      baselineName: 'the stand-in exec’d directly, to its first line (p50)',
      details: {
        runs: RUNS,
        p95_ms: round(percentile(serverTimes, 95)),
        baseline_p95_ms: round(percentile(directTimes, 95)),
        runtime: 'fake (local process) replaying recorded Claude Code output',
      },
    };
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
