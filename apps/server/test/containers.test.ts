import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_AGENT_TOOL_VERSIONS } from '@crewship/agent-tools';
import { createFakeAgentToolsInstaller } from '@crewship/agent-tools/testing';
import { createFakeContainerRuntime } from '@crewship/container-runtime/testing';
import type { ContainerRuntime, ExecOptions, LogFields, Logger } from '@crewship/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapOwner, postNdjson, type StreamEvent, startTestServer, type TestServer } from './harness.js';

/** The fake runtime, with every exec's options recorded. */
function recordingRuntime() {
  const fake = createFakeContainerRuntime();
  const execs: ExecOptions[] = [];
  const runtime: ContainerRuntime = {
    ensureCrewContainer: (spec) => fake.ensureCrewContainer(spec),
    exec(container, options) {
      execs.push(options);
      return fake.exec(container, options);
    },
    stop: (crewId) => fake.stop(crewId),
    remove: (crewId) => fake.remove(crewId),
    status: (crewId) => fake.status(crewId),
    stats: (crewId) => fake.stats(crewId),
    list: () => fake.list(),
  };
  return { runtime, execs };
}

function capturingLogger() {
  const entries: { level: string; message: string; fields: LogFields }[] = [];
  const make = (bound: LogFields): Logger => ({
    debug: (message, fields) => entries.push({ level: 'debug', message, fields: { ...bound, ...fields } }),
    info: (message, fields) => entries.push({ level: 'info', message, fields: { ...bound, ...fields } }),
    warn: (message, fields) => entries.push({ level: 'warn', message, fields: { ...bound, ...fields } }),
    error: (message, fields) => entries.push({ level: 'error', message, fields: { ...bound, ...fields } }),
    child: (fields) => make({ ...bound, ...fields }),
  });
  return { logger: make({}), entries };
}

type Event = StreamEvent;

/** POSTs an exec and reads the NDJSON stream; `onEvent` may abort the request. */
const execStream = (
  server: TestServer,
  token: string,
  crew: string,
  body: unknown,
  onEvent?: (event: Event, abort: () => void) => void,
) => postNdjson(server, token, `/api/v1/crews/${crew}/exec`, body, onEvent);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

describe('crew container routes on the fake runtime', () => {
  let server: TestServer;
  let token: string;
  let crewId: string;
  const { runtime, execs } = recordingRuntime();
  const { logger, entries } = capturingLogger();

  beforeAll(async () => {
    server = await startTestServer({}, undefined, { containerRuntime: runtime, logger });
    ({ token } = await bootstrapOwner(server));
    const crew = await server.request('POST', '/api/v1/crews', { token, body: { name: 'Builders' } });
    crewId = crew.json.id;
    for (const name of ['zed', 'ada']) {
      await server.request('POST', '/api/v1/agents', { token, body: { crew: crewId, name } });
    }
  });

  afterAll(async () => {
    await server.cleanup();
  });

  it('reports a missing container, starts it, shows it running with stats, and stops it', async () => {
    const before = await server.request('GET', `/api/v1/crews/builders/container-status`, { token });
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ crew_id: crewId, state: 'missing', container: null, stats: null });

    const started = await server.request('POST', `/api/v1/crews/builders/container-start`, { token });
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({
      crew_id: crewId,
      state: 'running',
      container: { name: 'crewship-crew-builders', image: 'debian:bookworm-slim' },
      stats: { pids: 1 },
    });
    expect(started.json.container.config_hash).toMatch(/^[0-9a-f]{16}$/);

    const status = await server.request('GET', `/api/v1/crews/${crewId}/container-status`, { token });
    expect(status.json).toMatchObject({ state: 'running', stats: { cpu_percent: 0, memory_bytes: 0 } });

    const stopped = await server.request('POST', `/api/v1/crews/${crewId}/container-stop`, { token });
    expect(stopped.status).toBe(200);
    expect(stopped.json).toMatchObject({ state: 'stopped', stats: null });
  });

  it('streams stdout and stderr as NDJSON lines, then the exit code, starting the container when needed', async () => {
    await server.request('POST', `/api/v1/crews/${crewId}/container-stop`, { token });
    const { status, events, contentType } = await execStream(server, token, crewId, {
      cmd: ['sh', '-c', 'echo one; echo two >&2; printf "$GREETING"; cat; exit 7'],
      env: { GREETING: 'hi\n' },
      stdin: 'from stdin',
    });
    expect(status).toBe(200);
    expect(contentType).toContain('application/x-ndjson');
    const lines = (stream: string) =>
      events.filter((event) => event.stream === stream).map((event) => event.line);
    expect(lines('stdout')).toEqual(['one', 'hi', 'from stdin']);
    expect(lines('stderr')).toEqual(['two']);
    expect(events.slice(0, -1)).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ exit_code: 7, timed_out: false, cancelled: false });
    expect(typeof events.at(-1).duration_ms).toBe('number');
    expect((await runtime.status(crewId)).state).toBe('running');
  });

  it('runs as the agent user by default, as the named agent with its own group and tmux session, or as root', async () => {
    execs.length = 0;
    await execStream(server, token, crewId, { cmd: ['true'] });
    await execStream(server, token, crewId, { cmd: ['true'], agent: 'zed' });
    await execStream(server, token, crewId, { cmd: ['true'], agent: 'ada' });
    await execStream(server, token, crewId, { cmd: ['true'], user: 'root', cwd: '/tmp', timeout_ms: 5000 });
    expect(execs.map((options) => options.user)).toEqual(['1001:1001', '1001:2002', '1001:2001', '0:0']);
    expect(execs[3]).toMatchObject({ cwd: '/tmp', timeoutMs: 5000 });
    expect(execs.map((options) => options.tmuxSession)).toEqual([
      undefined,
      'agent-zed',
      'agent-ada',
      undefined,
    ]);
  });

  it('logs each exec without its output', async () => {
    entries.length = 0;
    await execStream(server, token, crewId, { cmd: ['echo', 'very-private-output'] });
    const logged = entries.filter((entry) => entry.message.startsWith('crew exec'));
    expect(logged.map((entry) => entry.message)).toEqual(['crew exec started', 'crew exec finished']);
    expect(logged[0]?.fields).toMatchObject({ crewId, command: 'echo', user: '1001:1001' });
    expect(logged[1]?.fields).toMatchObject({ exitCode: 0 });
    expect(JSON.stringify(entries)).not.toContain('very-private-output');
  });

  it('kills the whole process group when the client disconnects', async () => {
    let pid = 0;
    let child = 0;
    const { events } = await execStream(
      server,
      token,
      crewId,
      { cmd: ['sh', '-c', 'sleep 300 & echo $$ $!; wait'] },
      (event, abort) => {
        [pid, child] = String(event.line).split(' ').map(Number) as [number, number];
        abort();
      },
    );
    expect(events).toHaveLength(1);
    expect(pid).toBeGreaterThan(0);
    expect(await until(() => !alive(pid) && !alive(child))).toBe(true);
  });

  it('reports a timeout in the final line', async () => {
    const { events } = await execStream(server, token, crewId, { cmd: ['sleep', '30'], timeout_ms: 100 });
    expect(events.at(-1)).toMatchObject({ timed_out: true, cancelled: false });
    expect(events.at(-1).exit_code).not.toBe(0);
  });

  it('ends the stream with an error line when the command cannot run', async () => {
    const { status, events } = await execStream(server, token, crewId, {
      cmd: ['/definitely/not/a/command'],
    });
    expect(status).toBe(200);
    expect(events.at(-1)).toMatchObject({ error: { kind: 'invalid_input' } });
  });

  it('refuses an agent of another crew and invalid exec requests', async () => {
    await server.request('POST', '/api/v1/crews', { token, body: { name: 'Others' } });
    await server.request('POST', '/api/v1/agents', { token, body: { crew: 'others', name: 'stranger' } });
    const foreign = await execStream(server, token, crewId, { cmd: ['true'], agent: 'stranger' });
    expect(foreign.status).toBe(404);
    for (const body of [
      { cmd: [] },
      { cmd: ['a\u0000b'] },
      { cmd: ['x'.repeat(64 * 1024 + 1)] },
      { cmd: Array.from({ length: 257 }, () => 'x') },
      { cmd: ['true'], user: 'admin' },
      { cmd: ['true'], cwd: 'relative' },
      { cmd: ['true'], env: { 'lower-case': 'x' } },
      { cmd: ['true'], env: { '1ABC': 'x' } },
      { cmd: ['true'], timeout_ms: 0 },
      { cmd: ['true'], timeout_ms: 86_400_001 },
      { cmd: ['true'], stdin: 'x'.repeat(1024 * 1024 + 1) },
      { cmd: ['true'], agent: 'Not A Slug' },
    ]) {
      const response = await execStream(server, token, crewId, body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    const big = await execStream(server, token, crewId, { cmd: ['true'], stdin: 'x'.repeat(1024 * 1024) });
    expect(big.status).toBe(200);
  });

  it('lists and serves files of the agent output directory', async () => {
    const output = join(server.dataDir, 'crews', crewId, 'output', 'ada');
    mkdirSync(join(output, 'reports'), { recursive: true });
    writeFileSync(join(output, 'reports', 'summary.md'), '# Done\n');
    const agents = await server.request('GET', '/api/v1/agents?crew=builders', { token });
    const ada = agents.json.items.find((agent: { slug: string }) => agent.slug === 'ada');
    const listing = await server.request('GET', `/api/v1/agents/${ada.id}/files`, { token });
    expect(listing.json.items).toEqual([
      { path: 'reports/summary.md', size: 7, modified_at: expect.any(String) },
    ]);
    const file = await server.request('GET', '/api/v1/agents/ada/files/content?path=reports/summary.md', {
      token,
    });
    expect(file.text).toBe('# Done\n');
    const empty = await server.request('GET', '/api/v1/agents/zed/files', { token });
    expect(empty.json).toEqual({ items: [], truncated: false });
  });

  it('removes the container of a deleted crew, and of every crew of a deleted workspace', async () => {
    const doomed = await server.request('POST', '/api/v1/crews', { token, body: { name: 'Doomed' } });
    await server.request('POST', '/api/v1/crews/doomed/container-start', { token });
    expect((await runtime.status(doomed.json.id)).state).toBe('running');
    expect((await server.request('DELETE', '/api/v1/crews/doomed', { token })).status).toBe(204);
    expect((await runtime.status(doomed.json.id)).state).toBe('missing');

    const workspace = await server.request('POST', '/api/v1/workspaces', { token, body: { name: 'Gone' } });
    const inside = await server.request('POST', '/api/v1/crews', {
      token,
      workspace: workspace.json.id,
      body: { name: 'Inside' },
    });
    await server.request('POST', '/api/v1/crews/inside/container-start', {
      token,
      workspace: workspace.json.id,
    });
    expect((await runtime.status(inside.json.id)).state).toBe('running');
    const deleted = await server.request('DELETE', `/api/v1/workspaces/${workspace.json.id}`, { token });
    expect(deleted.status).toBe(204);
    expect((await runtime.status(inside.json.id)).state).toBe('missing');
  });

  it('lists at most 1000 files and says so', async () => {
    const output = join(server.dataDir, 'crews', crewId, 'output', 'zed');
    mkdirSync(output, { recursive: true });
    for (let index = 0; index < 1005; index++) writeFileSync(join(output, `f${index}.txt`), '');
    const listing = await server.request('GET', '/api/v1/agents/zed/files', { token });
    expect(listing.json.items).toHaveLength(1000);
    expect(listing.json.truncated).toBe(true);
  });
});

describe('crew container routes without a runtime', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ CREWSHIP_CONTAINERS: 'off' });
    ({ token } = await bootstrapOwner(server));
    await server.request('POST', '/api/v1/crews', { token, body: { name: 'Idle' } });
    await server.request('POST', '/api/v1/agents', { token, body: { crew: 'idle', name: 'ada' } });
  });

  afterAll(async () => {
    await server.cleanup();
  });

  it('answers 503 unavailable with the reason, while files and everything else still work', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/v1/crews/idle/container-start', undefined],
      ['POST', '/api/v1/crews/idle/container-stop', undefined],
      ['GET', '/api/v1/crews/idle/container-status', undefined],
      ['POST', '/api/v1/crews/idle/exec', { cmd: ['true'] }],
    ] as const) {
      const response = await server.request(method, path, { token, body });
      expect(response.status, path).toBe(503);
      expect(response.json.kind).toBe('unavailable');
      expect(response.json.detail).toContain('CREWSHIP_CONTAINERS=off');
    }
    expect((await server.request('GET', '/api/v1/crews/nope/container-status', { token })).status).toBe(404);
    expect((await server.request('GET', '/api/v1/agents/ada/files', { token })).status).toBe(200);
    expect((await server.request('GET', '/readyz')).status).toBe(200);
  });
});

describe('agent tools routes', () => {
  let server: TestServer;
  let token: string;
  const installer = createFakeAgentToolsInstaller({
    fail: (name) => (name === 'gemini' ? 'E404 registry unreachable' : undefined),
  });
  const runtime = createFakeContainerRuntime();

  beforeAll(async () => {
    server = await startTestServer({}, undefined, { containerRuntime: runtime, agentTools: installer });
    ({ token } = await bootstrapOwner(server));
  });

  afterAll(async () => {
    await server.cleanup();
  });

  async function ndjson(path: string, body: unknown) {
    const response = await server.request('POST', path, { token, body });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      events: response.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    };
  }

  it('lists the tools with their pinned versions', async () => {
    const list = await server.request('GET', '/api/v1/tools', { token });
    expect(list.status).toBe(200);
    expect(list.json.items.map((tool: { name: string }) => tool.name)).toEqual([
      'claude-code',
      'codex',
      'gemini',
      'opencode',
    ]);
    expect(list.json.items[0]).toMatchObject({ installed: false, binary: 'claude' });
  });

  it('streams progress lines, then the installed tools', async () => {
    const { status, contentType, events } = await ndjson('/api/v1/tools/install', {
      tools: ['codex', 'opencode'],
    });
    expect(status).toBe(200);
    expect(contentType).toContain('application/x-ndjson');
    expect(events.slice(0, -1).map((event) => event.progress)).toEqual([
      expect.stringMatching(/^installing codex \(@openai\/codex@/),
      expect.stringMatching(/^installed codex /),
      expect.stringMatching(/^installing opencode /),
      expect.stringMatching(/^installed opencode /),
    ]);
    expect(
      events.at(-1).tools.map((tool: { name: string; installed: boolean }) => [tool.name, tool.installed]),
    ).toEqual([
      ['codex', true],
      ['opencode', true],
    ]);
    const list = await server.request('GET', '/api/v1/tools', { token });
    expect(list.json.items.filter((tool: { installed: boolean }) => tool.installed)).toHaveLength(2);
  });

  it('ends with an error line when npm fails, and refuses unknown tools with 400', async () => {
    const { events } = await ndjson('/api/v1/tools/install', { tools: ['gemini'] });
    expect(events.at(-1)).toEqual({
      error: { kind: 'unavailable', detail: expect.stringContaining('E404 registry unreachable') },
    });
    for (const body of [{ tools: [] }, { tools: ['cursor'] }, { tools: ['codex'], force: true }]) {
      expect((await server.request('POST', '/api/v1/tools/install', { token, body })).status).toBe(400);
    }
  });

  it('installs the CLIs of its agents before a crew container starts, and fails the start when npm does', async () => {
    await server.request('POST', '/api/v1/crews', { token, body: { name: 'Mixed' } });
    for (const [name, adapter] of [
      ['one', 'CLAUDE_CODE'],
      ['two', 'CLAUDE_CODE'],
      ['three', 'CURSOR_CLI'],
    ]) {
      await server.request('POST', '/api/v1/agents', {
        token,
        body: { crew: 'mixed', name, cli_adapter: adapter },
      });
    }
    const started = await server.request('POST', '/api/v1/crews/mixed/container-start', { token });
    expect(started.status).toBe(200);
    expect(installer.installs).toContain('claude-code');
    expect(installer.installs.filter((name) => name === 'claude-code')).toHaveLength(1);

    await server.request('POST', '/api/v1/agents', {
      token,
      body: { crew: 'mixed', name: 'four', cli_adapter: 'GEMINI_CLI' },
    });
    const failed = await server.request('POST', '/api/v1/crews/mixed/container-start', { token });
    expect(failed.status).toBe(503);
    expect(failed.json.detail).toContain('gemini');
  });
});

describe('agent tool versions from the server config', () => {
  it('pins the versions CREWSHIP_AGENT_TOOL_VERSIONS names and keeps the defaults for the rest', async () => {
    // The server's own npm installer (no fake): listing needs no network.
    const server = await startTestServer({ CREWSHIP_AGENT_TOOL_VERSIONS: 'codex=0.170.0' }, undefined, {
      agentTools: undefined,
    });
    try {
      const { token } = await bootstrapOwner(server);
      const list = await server.request('GET', '/api/v1/tools', { token });
      const versions = Object.fromEntries(
        list.json.items.map((tool: { name: string; version: string }) => [tool.name, tool.version]),
      );
      expect(versions).toEqual({ ...DEFAULT_AGENT_TOOL_VERSIONS, codex: '0.170.0' });
    } finally {
      await server.cleanup();
    }
  });
});
