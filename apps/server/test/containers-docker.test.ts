import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createNpmAgentToolsInstaller, DEFAULT_AGENT_TOOL_VERSIONS } from '@crewship/agent-tools';
import { type ContainerRuntime, silentLogger } from '@crewship/contracts';
import { createDatabase } from '@crewship/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapOwner,
  createTestDockerRuntime,
  detectTestDockerEngine,
  makeDataDir,
  postNdjson,
  type StreamEvent,
  startTestServer,
  type TestServer,
} from './harness.js';

const IMAGE = 'crewship-base:bookworm';
const engine = await detectTestDockerEngine().catch(() => null);
const mustRun = process.env.CI === 'true';

/** The real Docker runtime, built by the server's own adapter. */
async function dockerRuntime(dataDir: string): Promise<ContainerRuntime> {
  if (!engine) throw new Error('no Docker engine answered; the test environment must provide one in CI');
  return createTestDockerRuntime(engine.socket, dataDir);
}

/** Uses a runtime of its own, then closes it (its idle timer). */
async function withRuntime<T>(dataDir: string, use: (runtime: ContainerRuntime) => Promise<T>): Promise<T> {
  const runtime = (await dockerRuntime(dataDir)) as ContainerRuntime & { close?(): Promise<void> };
  try {
    return await use(runtime);
  } finally {
    await runtime.close?.();
  }
}

type Event = StreamEvent;

/** The NDJSON events of a POST, failing on a non-2xx answer; `abortWhen` ends the request early. */
async function ndjson(
  server: TestServer,
  token: string,
  path: string,
  body: unknown,
  abortWhen?: (event: Event) => boolean,
): Promise<Event[]> {
  const { status, events } = await postNdjson(server, token, path, body, (event, abort) => {
    if (abortWhen?.(event)) abort();
  });
  if (status >= 300) throw new Error(`${path} answered ${status}: ${JSON.stringify(events[0])}`);
  return events;
}

const exec = (
  server: TestServer,
  token: string,
  crew: string,
  body: unknown,
  abortWhen?: (event: Event) => boolean,
) => ndjson(server, token, `/api/v1/crews/${crew}/exec`, body, abortWhen);

const regexEscape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const stdout = (events: Event[]) =>
  events.filter((event) => event.stream === 'stdout').map((event) => event.line);

describe.skipIf(!engine && !mustRun)('crew containers on the real Docker engine', () => {
  const dataDir = makeDataDir();
  const slug = `it-${Math.random().toString(36).slice(2, 8)}`;
  let server: TestServer;
  let token: string;
  let crewId: string;
  let containerId: string;

  const startOn = async () =>
    startTestServer({ CREWSHIP_STATS_INTERVAL_MS: '1000' }, dataDir, {
      containerRuntime: await dockerRuntime(dataDir),
      // The real installer: with no npm tool needed it only provides the node runtime.
      agentTools: createNpmAgentToolsInstaller({ toolsDir: join(dataDir, 'tools'), logger: silentLogger }),
    });

  beforeAll(async () => {
    server = await startOn();
    ({ token } = await bootstrapOwner(server));
    const crew = await server.request('POST', '/api/v1/crews', {
      token,
      body: { name: slug, runtime_image: IMAGE, memory_mb: 512, cpus: 1 },
    });
    expect(crew.status).toBe(201);
    crewId = crew.json.id;
    for (const name of ['ada', 'bob']) {
      const agent = await server.request('POST', '/api/v1/agents', {
        token,
        body: { crew: crewId, name: `${slug}-${name}`, slug: `${slug}-${name}`, cli_adapter: 'CURSOR_CLI' },
      });
      expect(agent.status).toBe(201);
    }
  });

  afterAll(async () => {
    if (engine) await withRuntime(dataDir, (runtime) => runtime.remove(crewId)).catch(() => {});
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the crew container and reports it running, with stats when the engine gives them', async () => {
    const started = await server.request('POST', `/api/v1/crews/${crewId}/container-start`, { token });
    expect(started.status, started.text).toBe(200);
    expect(started.json).toMatchObject({
      crew_id: crewId,
      state: 'running',
      container: { name: `crewship-crew-${slug}`, image: IMAGE },
    });
    containerId = started.json.container.id;
    const status = await server.request('GET', `/api/v1/crews/${slug}/container-status`, { token });
    expect(status.json.state).toBe('running');
    // Some engines (nested, cgroup v1 hybrids) never answer a stats request; the probe then times out
    // after 3 s and the status says so with null instead of hanging.
    if (status.json.stats !== null) {
      expect(status.json.stats.memory_limit_bytes).toBe(512 * 1024 * 1024);
      expect(status.json.stats.pids).toBeGreaterThanOrEqual(1);
    }
  });

  it('streams stdout and stderr and the exit code, as the agent user with its own group', async () => {
    const events = await exec(server, token, crewId, {
      cmd: ['sh', '-c', 'echo one; echo two >&2; id -u; id -g; exit 4'],
      agent: `${slug}-bob`,
    });
    expect(stdout(events)).toEqual(['one', '1001', '2002']);
    expect(events.filter((event) => event.stream === 'stderr').map((event) => event.line)).toEqual(['two']);
    expect(events.at(-1)).toMatchObject({ exit_code: 4, timed_out: false, cancelled: false });

    const plain = await exec(server, token, crewId, { cmd: ['id', '-u'] });
    expect(stdout(plain)).toEqual(['1001']);
    const root = await exec(server, token, crewId, { cmd: ['id', '-u'], user: 'root' });
    expect(stdout(root)).toEqual(['0']);
  });

  it('installs the agent CLIs from npm through the API and runs each in the container as the agent user', {
    timeout: 600_000,
  }, async () => {
    // Real npm installs into this server's fresh tools dir, which the running container mounts at
    // /opt/crewship; npm's own cache makes repeated runs quicker.
    const install = await ndjson(server, token, '/api/v1/tools/install', {
      tools: ['claude-code', 'codex', 'gemini', 'opencode'],
    });
    expect(install.at(-1), JSON.stringify(install.at(-1))).toHaveProperty('tools');
    expect(install.at(-1).tools.map((tool: Event) => [tool.name, tool.installed])).toEqual([
      ['claude-code', true],
      ['codex', true],
      ['gemini', true],
      ['opencode', true],
    ]);
    const script = [
      'id -u',
      'for cli in claude codex gemini opencode; do',
      '  printf "%s %s " "$cli" "$(command -v "$cli")"',
      '  "$cli" --version 2>&1 | tail -n 1',
      'done',
    ].join('\n');
    const events = await exec(server, token, crewId, { cmd: ['sh', '-c', script], agent: `${slug}-ada` });
    expect(events.at(-1), JSON.stringify(events)).toMatchObject({ exit_code: 0 });
    const [uid, ...versions] = stdout(events);
    expect(uid).toBe('1001');
    const pinned = DEFAULT_AGENT_TOOL_VERSIONS;
    expect(versions).toEqual([
      expect.stringMatching(
        new RegExp(`^claude /opt/crewship/bin/claude ${regexEscape(pinned['claude-code'])}\\b`),
      ),
      expect.stringMatching(new RegExp(`^codex /opt/crewship/bin/codex .*${regexEscape(pinned.codex)}$`)),
      `gemini /opt/crewship/bin/gemini ${pinned.gemini}`,
      `opencode /opt/crewship/bin/opencode ${pinned.opencode}`,
    ]);
  });

  it('shows a file written to /output/{slug} through the files API', async () => {
    const agent = `${slug}-ada`;
    const events = await exec(server, token, crewId, {
      cmd: [
        'sh',
        '-c',
        `mkdir -p /output/${agent}/reports && printf 'hello from ada' > /output/${agent}/reports/hi.txt`,
      ],
      agent,
    });
    expect(events.at(-1)).toMatchObject({ exit_code: 0 });
    const listing = await server.request('GET', `/api/v1/agents/${agent}/files`, { token });
    expect(listing.json.items).toEqual([
      { path: 'reports/hi.txt', size: 14, modified_at: expect.any(String) },
    ]);
    const content = await server.request('GET', `/api/v1/agents/${agent}/files/content?path=reports/hi.txt`, {
      token,
    });
    expect(content.text).toBe('hello from ada');

    const linkOut = await exec(server, token, crewId, {
      cmd: ['sh', '-c', `ln -s /etc/passwd /output/${agent}/passwd`],
      agent,
    });
    expect(linkOut.at(-1)).toMatchObject({ exit_code: 0 });
    const refused = await server.request('GET', `/api/v1/agents/${agent}/files/content?path=passwd`, {
      token,
    });
    expect(refused.status).toBe(400);
  });

  it('kills the command and everything it started when the client disconnects', async () => {
    const marker = `sleep 3${Math.floor(Math.random() * 90 + 10)}`;
    const events = await exec(
      server,
      token,
      crewId,
      { cmd: ['sh', '-c', `${marker} & ${marker} & echo started; wait`] },
      (event) => event.line === 'started',
    );
    expect(stdout(events)).toEqual(['started']);
    const survivors = async () => {
      const listing = await exec(server, token, crewId, {
        cmd: ['sh', '-c', 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f" 2>/dev/null; echo; done'],
        user: 'root',
      });
      return stdout(listing).filter((line) => line.trim() === marker).length;
    };
    const deadline = Date.now() + 10_000;
    let left = await survivors();
    while (left > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      left = await survivors();
    }
    expect(left).toBe(0);
  });

  it('adopts the running container after a server restart and removes the container of a vanished crew', async () => {
    const orphan = await server.request('POST', '/api/v1/crews', {
      token,
      body: { name: `${slug}-orphan`, runtime_image: IMAGE, memory_mb: 256, cpus: 0.5 },
    });
    const orphanStart = await server.request('POST', `/api/v1/crews/${orphan.json.id}/container-start`, {
      token,
    });
    expect(orphanStart.json.state).toBe('running');
    await server.stop();
    const database = createDatabase({ file: join(dataDir, 'crewship.db') });
    database.sqlite.prepare('DELETE FROM crews WHERE id = ?').run(orphan.json.id);
    database.close();
    server = await startOn();
    const orphanState = await withRuntime(
      dataDir,
      async (runtime) => (await runtime.status(orphan.json.id)).state,
    );
    expect(orphanState).toBe('missing');
    const status = await server.request('GET', `/api/v1/crews/${crewId}/container-status`, { token });
    expect(status.json).toMatchObject({ state: 'running', container: { id: containerId } });
    const events = await exec(server, token, crewId, { cmd: ['cat', `/output/${slug}-ada/reports/hi.txt`] });
    expect(stdout(events)).toEqual(['hello from ada']);
  });

  it('stops the container', async () => {
    const stopped = await server.request('POST', `/api/v1/crews/${crewId}/container-stop`, { token });
    expect(stopped.status).toBe(200);
    expect(stopped.json).toMatchObject({ state: 'stopped', stats: null });
  });
});
