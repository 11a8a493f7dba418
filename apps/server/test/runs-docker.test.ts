import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createFakeProvider,
  type FakeProvider,
  type FakeReply,
  type RecordedRequest,
} from '@crewship/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapOwner,
  dockerTestsRun,
  makeDataDir,
  type StreamEvent,
  startTestServer,
  type TestServer,
} from './harness.js';

const dockerTests = await dockerTestsRun();

/** Per CLI: its adapter, model, provider, and the shell tool its provider asks for to write a file. */
const AGENTS = [
  {
    slug: 'claude',
    adapter: 'CLAUDE_CODE',
    model: null,
    provider: 'anthropic',
    shell: (command: string) => ({ name: 'Bash', input: { command, description: 'Write the file' } }),
  },
  {
    slug: 'codex',
    adapter: 'CODEX_CLI',
    model: 'gpt-5.5',
    provider: 'openai',
    shell: (command: string) => ({ name: 'exec_command', input: { cmd: command } }),
  },
  {
    slug: 'gemini',
    adapter: 'GEMINI_CLI',
    model: 'gemini-2.5-flash',
    provider: 'google',
    shell: (command: string) => ({
      name: 'run_shell_command',
      input: { command, description: 'Write the file' },
    }),
  },
  {
    slug: 'opencode',
    adapter: 'OPENCODE',
    model: null,
    provider: 'anthropic',
    shell: (command: string) => ({ name: 'bash', input: { command, description: 'Write the file' } }),
  },
] as const;

/** Replies taken from a queue the test fills before each run; OpenCode's title requests (no tools) get a title. */
function queuedScript(queue: FakeReply[]) {
  return (request: RecordedRequest): FakeReply => {
    const body = request.body as { tools?: unknown[] } | undefined;
    if (request.path.startsWith('/v1/messages') && !(body?.tools && body.tools.length > 0)) {
      return { text: 'A title' };
    }
    return queue.shift() ?? { text: 'nothing more to say' };
  };
}

describe.skipIf(!dockerTests)('agent runs of the real CLIs in a real crew container', () => {
  const dataDir = makeDataDir();
  const crewSlug = `runs-${Math.random().toString(36).slice(2, 8)}`;
  const queues: Record<'anthropic' | 'openai' | 'google', FakeReply[]> = {
    anthropic: [],
    openai: [],
    google: [],
  };
  const providers: FakeProvider[] = [];
  let server: TestServer;
  let token: string;
  let crewId: string;

  async function ask(agent: string, content: string) {
    const chat = await server.request('POST', `/api/v1/agents/${crewSlug}-${agent}/chats`, {
      token,
      body: {},
    });
    expect(chat.status, chat.text).toBe(201);
    const posted = await server.request('POST', `/api/v1/chats/${chat.json.id}/messages`, {
      token,
      body: { content },
    });
    expect(posted.status, posted.text).toBe(201);
    const { run, stream_after_seq } = posted.json;
    const response = await fetch(
      `${server.url}/api/v1/chats/${chat.json.id}/stream?run=${run.id}&after_seq=${stream_after_seq}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(response.status).toBe(200);
    const lines: StreamEvent[] = (await response.text())
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line));
    const done = lines.at(-1);
    expect(done?.done, JSON.stringify(lines.slice(-5))).toBe(true);
    const events = lines.filter((line) => line.event?.kind === 'agent.event').map((line) => line.event.event);
    const messages = await server.request('GET', `/api/v1/chats/${chat.json.id}/messages`, { token });
    return { run: done.run, events, lines, messages: messages.json.items };
  }

  beforeAll(async () => {
    const anthropic = await createFakeProvider({ kind: 'anthropic', script: queuedScript(queues.anthropic) });
    const openai = await createFakeProvider({ kind: 'openai', script: queuedScript(queues.openai) });
    const gemini = await createFakeProvider({ kind: 'gemini', script: queuedScript(queues.google) });
    providers.push(anthropic, openai, gemini);
    server = await startTestServer(
      {
        CREWSHIP_CONTAINERS: 'docker',
        CREWSHIP_SEALED_PATH: 'true',
        CREWSHIP_UPSTREAM_ANTHROPIC: anthropic.url,
        CREWSHIP_UPSTREAM_OPENAI: openai.url,
        CREWSHIP_UPSTREAM_GOOGLE: gemini.url,
      },
      dataDir,
      { agentTools: undefined },
    );
    ({ token } = await bootstrapOwner(server));
    const crew = await server.request('POST', '/api/v1/crews', {
      token,
      body: { name: crewSlug, runtime_image: 'crewship-base:bookworm', memory_mb: 2048, cpus: 2 },
    });
    expect(crew.status, crew.text).toBe(201);
    crewId = crew.json.id;
    for (const agent of AGENTS) {
      const created = await server.request('POST', '/api/v1/agents', {
        token,
        body: {
          crew: crewId,
          name: `${crewSlug}-${agent.slug}`,
          slug: `${crewSlug}-${agent.slug}`,
          cli_adapter: agent.adapter,
          model: agent.model,
        },
      });
      expect(created.status, created.text).toBe(201);
    }
    for (const provider of ['anthropic', 'openai', 'google'] as const) {
      const credential = await server.request('POST', '/api/v1/credentials', {
        token,
        body: { name: `${provider}-key`, provider, value: `test-key-${provider}-0123456789abcdef` },
      });
      expect(credential.status, credential.text).toBe(201);
      const assigned = await server.request('POST', `/api/v1/credentials/${credential.json.id}/assign`, {
        token,
        body: {
          agents: AGENTS.filter((agent) => agent.provider === provider).map(
            (agent) => `${crewSlug}-${agent.slug}`,
          ),
        },
      });
      expect(assigned.status, assigned.text).toBe(200);
    }
    const started = await server.request('POST', `/api/v1/crews/${crewId}/container-start`, { token });
    expect(started.status, started.text).toBe(200);
  }, 900_000);

  afterAll(async () => {
    await server?.request('DELETE', `/api/v1/crews/${crewId}`, { token }).catch(() => {});
    await server?.stop();
    for (const provider of providers) await provider.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const agent of AGENTS) {
    it(`${agent.adapter}: a plain answer streams live, lands in the chat and the journal`, {
      timeout: 240_000,
    }, async () => {
      const answer = `plain answer from ${agent.slug} ${Math.random().toString(36).slice(2, 8)}`;
      queues[agent.provider].push({ text: answer });
      const { run, events, messages } = await ask(agent.slug, 'say something');
      expect(run.status, JSON.stringify(run)).toBe('completed');
      const text = events
        .filter((event: StreamEvent) => event.type === 'text' || event.type === 'result')
        .map((event: StreamEvent) => event.text)
        .join('\n');
      expect(text).toContain(answer);
      expect(events.at(-1)?.type).toBe('result');
      expect(messages.map((message: StreamEvent) => message.role)).toEqual(['user', 'assistant']);
      expect(messages[1].content).toContain(answer);
      const found = await server.request(
        'GET',
        `/api/v1/journal?q=${encodeURIComponent(`"${answer.split(' ').at(-1)}"`)}`,
        { token },
      );
      expect(found.json.items.some((entry: StreamEvent) => entry.trace_id === run.id)).toBe(true);
    });

    it(`${agent.adapter}: a scripted tool-use turn writes a file that appears in /output/{slug} on the host`, {
      timeout: 240_000,
    }, async () => {
      const slug = `${crewSlug}-${agent.slug}`;
      const marker = `written by ${agent.slug} ${Math.random().toString(36).slice(2, 8)}`;
      queues[agent.provider].push(
        { toolUse: agent.shell(`echo '${marker}' > /output/${slug}/proof.txt`) },
        { text: 'the file is written' },
      );
      const { run, events } = await ask(agent.slug, 'write the proof file');
      expect(run.status, JSON.stringify(events.slice(-4))).toBe('completed');
      expect(events.some((event: StreamEvent) => event.type === 'tool_use')).toBe(true);
      const hostFile = join(dataDir, 'crews', crewId, 'output', slug, 'proof.txt');
      expect(existsSync(hostFile)).toBe(true);
      expect(readFileSync(hostFile, 'utf8').trim()).toBe(marker);
    });
  }

  it('verifies the journal chain after all runs and lists them', async () => {
    const verify = await server.request('GET', '/api/v1/journal/verify', { token });
    expect(verify.json).toMatchObject({ ok: true, broken_at_seq: null });
    const runs = await server.request('GET', '/api/v1/runs?status=completed&limit=100', { token });
    expect(runs.json.items.length).toBe(AGENTS.length * 2);
    const stats = await server.request('GET', '/api/v1/runs/stats', { token });
    expect(stats.json.by_status.completed).toBe(AGENTS.length * 2);
  });
});
