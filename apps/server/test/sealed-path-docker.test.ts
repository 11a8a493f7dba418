import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { detectDockerEngine } from '@crewship/container-runtime';
import { createFakeProvider, type FakeProvider } from '@crewship/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapOwner,
  makeDataDir,
  postNdjson,
  type StreamEvent,
  startTestServer,
  type TestServer,
} from './harness.js';

const engine = await detectDockerEngine({
  dockerHost: process.env.DOCKER_HOST,
  home: homedir(),
  uid: process.getuid?.() ?? 0,
}).catch(() => null);
const mustRun = process.env.CI === 'true';
const CANARY = `sk-ant-api03-CANARY${Math.random().toString(36).slice(2, 12)}abcdefghijklmnop`;

type Event = StreamEvent;

describe.skipIf(!engine && !mustRun)('the sealed path on the real Docker engine', () => {
  const dataDir = makeDataDir();
  const slug = `sp-${Math.random().toString(36).slice(2, 8)}`;
  let provider: FakeProvider;
  let server: TestServer;
  let token: string;
  let crewId: string;

  async function exec(body: unknown): Promise<Event[]> {
    const { status, events } = await postNdjson(server, token, `/api/v1/crews/${crewId}/exec`, body);
    if (status !== 200) throw new Error(`exec answered ${status}: ${JSON.stringify(events[0])}`);
    return events;
  }
  const stdout = (events: Event[]) =>
    events.filter((event) => event.stream === 'stdout').map((event) => event.line);

  beforeAll(async () => {
    provider = await createFakeProvider({
      kind: 'anthropic',
      script: [{ text: 'hello from the fake provider' }],
    });
    server = await startTestServer(
      {
        CREWSHIP_CONTAINERS: 'docker',
        CREWSHIP_SEALED_PATH: 'true',
        CREWSHIP_UPSTREAM_ANTHROPIC: provider.url,
      },
      dataDir,
      { agentTools: undefined },
    );
    ({ token } = await bootstrapOwner(server));
    const crew = await server.request('POST', '/api/v1/crews', {
      token,
      body: { name: slug, runtime_image: 'crewship-base:bookworm', memory_mb: 1024, cpus: 1 },
    });
    crewId = crew.json.id;
    const agent = await server.request('POST', '/api/v1/agents', {
      token,
      body: { crew: crewId, name: `${slug}-ada`, slug: `${slug}-ada`, cli_adapter: 'CLAUDE_CODE' },
    });
    expect(agent.status, agent.text).toBe(201);
    const credential = await server.request('POST', '/api/v1/credentials', {
      token,
      body: { name: 'anthropic-main', provider: 'anthropic', value: CANARY },
    });
    expect(credential.status, credential.text).toBe(201);
    const assigned = await server.request('POST', `/api/v1/credentials/${credential.json.id}/assign`, {
      token,
      body: { agents: [`${slug}-ada`] },
    });
    expect(assigned.status, assigned.text).toBe(200);
    const started = await server.request('POST', `/api/v1/crews/${crewId}/container-start`, { token });
    expect(started.status, started.text).toBe(200);
  }, 600_000);

  afterAll(async () => {
    await server?.request('DELETE', `/api/v1/crews/${crewId}`, { token }).catch(() => {});
    await server?.stop();
    await provider?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs Claude Code in the container through sidecar, socket and gateway to the provider, which gets the real key', {
    timeout: 180_000,
  }, async () => {
    const events = await exec({
      agent: `${slug}-ada`,
      cmd: ['claude', '--print', '--output-format', 'stream-json', '--verbose', '--', 'say hi'],
      timeout_ms: 120_000,
    });
    expect(events.at(-1), JSON.stringify(events.slice(-5))).toMatchObject({ exit_code: 0 });
    expect(stdout(events).join('\n')).toContain('hello from the fake provider');
    const call = provider.requests.find((request) => request.path.startsWith('/v1/messages'));
    expect(call?.headers['x-api-key']).toBe(CANARY);
  });

  it('keeps the key out of the container files and processes, the sidecar socket away from UID 1001, and out of the database file and the API', {
    timeout: 120_000,
  }, async () => {
    const search = await exec({
      user: 'root',
      cmd: [
        'sh',
        '-c',
        `grep -rl -D skip --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev -- '${CANARY}' / 2>/dev/null; for f in /proc/[0-9]*/environ; do grep -l -- '${CANARY}' "$f" 2>/dev/null; done; echo searched`,
      ],
    });
    expect(stdout(search)).toEqual(['searched']);
    const sidecarPid = stdout(await exec({ user: 'root', cmd: ['cat', '/run/crewship/sidecar.pid'] }))[0];
    const asAgent = await exec({ agent: `${slug}-ada`, cmd: ['cat', `/proc/${sidecarPid}/environ`] });
    expect(asAgent.at(-1).exit_code).not.toBe(0);
    const socket = await exec({
      agent: `${slug}-ada`,
      cmd: [
        'node',
        '-e',
        "require('net').connect('/run/crewship/gateway.sock').on('error', (e) => { console.log(e.code); process.exit(3) })",
      ],
    });
    expect(stdout(socket)).toEqual(['EACCES']);
    const database = readFileSync(join(dataDir, 'crewship.db'));
    const wal = readFileSync(join(dataDir, 'crewship.db-wal'));
    expect(database.includes(CANARY)).toBe(false);
    expect(wal.includes(CANARY)).toBe(false);
    const list = await server.request('GET', '/api/v1/credentials', { token });
    expect(list.text).not.toContain(CANARY);
  });
});
