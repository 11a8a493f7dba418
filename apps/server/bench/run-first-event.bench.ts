import { readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { createClaudeCodeParser } from '@crewship/agent-clis';
import { crewHomeVolumeName, imageExists } from '@crewship/container-runtime';
import type { ContainerRuntime, CrewContainer, ExecOptions } from '@crewship/contracts';
import { createFakeProvider } from '@crewship/testkit';
import { percentile, round, runBench } from '@crewship/tooling-bench';
import {
  bootstrapOwner,
  createTestDockerRuntime,
  detectTestDockerEngine,
  makeDataDir,
  startTestServer,
  type TestServer,
} from '../test/harness.js';
import {
  connectChat,
  expectOk,
  measureFakeRuntime,
  recordingExecs,
  type TimedRun,
} from './first-event-timing.js';

/**
 * Message POST to the first agent event on the chat's WebSocket channel, on the real thing: a crewshipd
 * with the Docker runtime and the sealed path, a warm crew container of `crewship-base:bookworm`, the
 * real Claude Code (installed from npm by the server) talking through the sidecar and the LLM gateway
 * to a fake Anthropic provider on 127.0.0.1. Claude Code's first event is its first text delta, which
 * comes after the model call started answering. Baseline: the exact exec the orchestrator made, replayed
 * straight through the same runtime into the same container, to the first line the same parser turns
 * into an event.
 */
const RUNS = 30;
const WARMUP = 3;
const FAKE_RUNTIME = { runs: 30, warmup: 5 };
const IMAGE = 'crewship-base:bookworm';
const SETUP_HINT =
  'run `bash tooling/scripts/test-env.sh` first (it starts a Docker engine and builds the image)';

async function dockerSocket(): Promise<string> {
  const engine = await detectTestDockerEngine().catch((error: unknown) => {
    throw new Error(`no Docker engine answers (${(error as Error).message}); ${SETUP_HINT}`);
  });
  if (!(await imageExists(engine.socket, IMAGE))) {
    throw new Error(`the Docker engine at ${engine.socket} has no image ${IMAGE}; ${SETUP_HINT}`);
  }
  return engine.socket;
}

/** Removes a crew's home volume (the runtime keeps it when it removes the container). */
function removeVolume(socket: string, name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = httpRequest(
      { socketPath: socket, method: 'DELETE', path: `/volumes/${encodeURIComponent(name)}` },
      (response) => response.resume().on('end', () => resolve()),
    );
    request.on('error', () => resolve());
    request.end();
  });
}

/** `type/subtype` of a Claude Code stream-json line. */
function lineKind(line: string): string {
  try {
    const parsed = JSON.parse(line) as { type?: unknown; subtype?: unknown };
    return [parsed.type, parsed.subtype].filter((part) => typeof part === 'string').join('/');
  } catch {
    return 'not JSON';
  }
}

/** A crew of one Claude Code agent with an Anthropic credential, its container started. */
async function startCrew(server: TestServer, token: string, slug: string, onCrew: (id: string) => void) {
  const crew = await expectOk(server, 'POST', '/api/v1/crews', {
    token,
    body: { name: slug, runtime_image: IMAGE, memory_mb: 2048, cpus: 2 },
  });
  onCrew(crew.id);
  await expectOk(server, 'POST', '/api/v1/agents', {
    token,
    body: { crew: crew.id, name: slug, slug, cli_adapter: 'CLAUDE_CODE' },
  });
  const credential = await expectOk(server, 'POST', '/api/v1/credentials', {
    token,
    body: { name: 'anthropic-key', provider: 'anthropic', value: 'bench-key-anthropic-0123456789abcdef' },
  });
  await expectOk(server, 'POST', `/api/v1/credentials/${credential.id}/assign`, {
    token,
    body: { agents: [slug] },
  });
  await expectOk(server, 'POST', `/api/v1/crews/${crew.id}/container-start`, { token });
}

/**
 * Replays the orchestrator's exec of claude (same container, user, env, cwd, tmux session, flags and
 * system prompt; only the prompt differs) and times its first stdout line and its first event.
 */
async function execDirectly(
  runtime: ContainerRuntime,
  recorded: { container: CrewContainer; options: ExecOptions },
  prompt: string,
) {
  const { signal: _signal, ...options } = recorded.options;
  const promptAt = options.cmd.lastIndexOf('--') + 1;
  if (promptAt === 0 || promptAt !== options.cmd.length - 1) {
    throw new Error(`unexpected claude command line: ${JSON.stringify(options.cmd.slice(0, 8))}…`);
  }
  const parser = createClaudeCodeParser();
  const started = performance.now();
  const handle = runtime.exec(recorded.container, {
    ...options,
    cmd: [...options.cmd.slice(0, promptAt), prompt],
  });
  let firstLine = 0;
  let firstLineKind = '';
  let firstEvent = 0;
  const stderr: string[] = [];
  for await (const output of handle) {
    const at = performance.now();
    if (output.stream === 'stderr') stderr.push(output.line);
    if (!firstLine && output.stream === 'stdout') {
      firstLine = at;
      firstLineKind = lineKind(output.line);
    }
    if (!firstEvent && parser.push(output.line, output.stream).length > 0) firstEvent = at;
  }
  const { exitCode } = await handle.result;
  if (exitCode !== 0 || !firstEvent) {
    throw new Error(`claude exec'd directly exited ${exitCode}: ${stderr.slice(-5).join(' ')}`);
  }
  return { firstLineMs: firstLine - started, firstLineKind, firstEventMs: firstEvent - started };
}

runBench(async () => {
  const benchStarted = performance.now();
  const socket = await dockerSocket();
  const fakeRuntime = await measureFakeRuntime(FAKE_RUNTIME);

  const provider = await createFakeProvider({ kind: 'anthropic' });
  const dataDir = makeDataDir();
  const docker = await createTestDockerRuntime(socket, dataDir);
  const recorder = recordingExecs(docker, 'claude');
  const slug = `bench-first-event-${Math.random().toString(36).slice(2, 8)}`;
  let server: TestServer | undefined;
  let token = '';
  let crewId: string | undefined;
  try {
    server = await startTestServer({ CREWSHIP_UPSTREAM_ANTHROPIC: provider.url }, dataDir, {
      agentTools: undefined,
      containerRuntime: recorder.runtime,
      sealedPath: true,
    });
    ({ token } = await bootstrapOwner(server));
    const setupStarted = performance.now();
    await startCrew(server, token, slug, (id) => {
      crewId = id;
    });
    const setupMs = performance.now() - setupStarted;

    const chatId = (await expectOk(server, 'POST', `/api/v1/agents/${slug}/chats`, { token, body: {} })).id;
    const chat = await connectChat(server, token, chatId);
    const modelCallsBefore = provider.requests.length;
    const timed: (TimedRun & { execAtMs: number })[] = [];
    try {
      for (let index = 0; index < WARMUP + RUNS; index += 1) {
        const run = await chat.send(`message ${index}`);
        const exec = recorder.last();
        if (!exec || exec.at < run.startedAt) throw new Error(`run ${index} did not exec claude`);
        if (index >= WARMUP) timed.push({ ...run, execAtMs: exec.at - run.startedAt });
      }
    } finally {
      chat.close();
    }
    const modelCallsPerRun = (provider.requests.length - modelCallsBefore) / (WARMUP + RUNS);

    const recorded = recorder.last();
    if (!recorded) throw new Error('the orchestrator never exec’d claude');
    const direct: Awaited<ReturnType<typeof execDirectly>>[] = [];
    for (let index = 0; index < WARMUP + RUNS; index += 1) {
      const run = await execDirectly(docker, recorded, `baseline ${index}`);
      if (index >= WARMUP) direct.push(run);
    }

    const tools = JSON.parse(readFileSync(join(dataDir, 'tools', 'manifest.json'), 'utf8'));
    const ms = (values: number[], p: number) => round(percentile(values, p / 100));
    const serverFirstEvent = timed.map((run) => run.firstEventMs);
    const directFirstEvent = direct.map((run) => run.firstEventMs);
    const directFirstLine = direct.map((run) => run.firstLineMs);
    return {
      name: 'server/run-first-event',
      unit: 'ms (p50)',
      figure: ms(serverFirstEvent, 50),
      baseline: ms(directFirstEvent, 50),
      baselineName: 'the same claude exec’d directly in the warm container, to its first event (p50)',
      details: {
        runs: RUNS,
        warmup: WARMUP,
        p95_ms: ms(serverFirstEvent, 95),
        baseline_p95_ms: ms(directFirstEvent, 95),
        first_event_types: [...new Set(timed.map((run) => run.firstEventType))],
        post_answer_p50_ms: ms(
          timed.map((run) => run.postMs),
          50,
        ),
        post_to_exec_p50_ms: ms(
          timed.map((run) => run.execAtMs),
          50,
        ),
        exec_to_first_event_p50_ms: ms(
          timed.map((run) => run.firstEventMs - run.execAtMs),
          50,
        ),
        baseline_first_stdout_line: [...new Set(direct.map((run) => run.firstLineKind))],
        baseline_first_stdout_line_p50_ms: ms(directFirstLine, 50),
        baseline_first_stdout_line_p95_ms: ms(directFirstLine, 95),
        model_calls_per_run: round(modelCallsPerRun),
        claude_code: tools.tools?.['claude-code']?.version ?? null,
        runtime: `docker, ${IMAGE}, sealed path (sidecar + gateway) to a fake Anthropic provider`,
        setup_ms: Math.round(setupMs),
        fakeRuntimeP50Ms: round(fakeRuntime.p50),
        fakeRuntimeP95Ms: round(fakeRuntime.p95),
        fakeRuntimeDirectP50Ms: round(fakeRuntime.directP50),
        bench_s: round((performance.now() - benchStarted) / 1000),
      },
    };
  } finally {
    if (server && crewId)
      await server.request('DELETE', `/api/v1/crews/${crewId}`, { token }).catch(() => {});
    if (crewId) await docker.remove(crewId).catch(() => {});
    if (server) await server.stop();
    else await docker.close?.();
    if (crewId) await removeVolume(socket, crewHomeVolumeName(crewId));
    rmSync(dataDir, { recursive: true, force: true });
    await provider.close();
  }
});
