import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@crewship/db';
import { createFakeProvider, type FakeProvider } from '@crewship/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerTestsRun, makeDataDir, PASSWORD, request } from './harness.js';

const dockerTests = await dockerTestsRun();
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** crewshipd as its own process (so it can be killed with SIGKILL), on a random port; resolves with its URL. */
function spawnServer(
  dataDir: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, ...env, CREWSHIP_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"crewship started".*?"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve({ child, url: match[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`crewshipd exited with ${code}: ${output.slice(-2000)}`)));
  });
}

describe.skipIf(!dockerTests)('kill -9 of the server in the middle of a run', () => {
  const dataDir = makeDataDir();
  const slug = `crash-${Math.random().toString(36).slice(2, 8)}`;
  let provider: FakeProvider;
  let server: { child: ChildProcess; url: string } | undefined;
  let token: string;
  let crewId: string;
  let env: Record<string, string>;
  const call = (method: string, path: string, body?: unknown) =>
    request(server?.url ?? '', method, path, { token, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    // The provider answers the first call slowly: the run is still in flight when the server dies.
    provider = await createFakeProvider({
      kind: 'anthropic',
      script: [{ text: 'this answer never finishes', delayMs: 600_000 }, { text: 'the second run answers' }],
    });
    env = {
      CREWSHIP_CONTAINERS: 'docker',
      CREWSHIP_SEALED_PATH: 'true',
      CREWSHIP_UPSTREAM_ANTHROPIC: provider.url,
      CREWSHIP_RATE_LIMIT_AUTH: '100000',
      CREWSHIP_RATE_LIMIT_API: '10000000',
    };
    server = await spawnServer(dataDir, env);
    const boot = await request(server.url, 'POST', '/api/v1/bootstrap', {
      body: { email: 'owner@example.com', password: PASSWORD, name: 'Owner', workspace_name: 'Crash' },
    });
    expect(boot.status, boot.text).toBe(201);
    const login = await request(server.url, 'POST', '/api/v1/auth/token', {
      body: { email: 'owner@example.com', password: PASSWORD, name: 'test' },
    });
    token = login.json.token;
    const crew = await call('POST', '/api/v1/crews', {
      name: slug,
      runtime_image: 'crewship-base:bookworm',
      memory_mb: 1024,
      cpus: 1,
    });
    crewId = crew.json.id;
    expect(
      (await call('POST', '/api/v1/agents', { crew: crewId, name: `${slug}-ada`, slug: `${slug}-ada` }))
        .status,
    ).toBe(201);
    const credential = await call('POST', '/api/v1/credentials', {
      name: 'anthropic',
      provider: 'anthropic',
      value: 'sk-ant-api03-crash-test-0123456789abcdefghij',
    });
    await call('POST', `/api/v1/credentials/${credential.json.id}/assign`, { agents: [`${slug}-ada`] });
    const started = await call('POST', `/api/v1/crews/${crewId}/container-start`);
    expect(started.status, started.text).toBe(200);
  }, 900_000);

  afterAll(async () => {
    await call('DELETE', `/api/v1/crews/${crewId}`).catch(() => {});
    server?.child.kill('SIGTERM');
    await provider?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves a consistent database and the run closed as failed (server_restart) after the restart', {
    timeout: 600_000,
  }, async () => {
    const chat = await call('POST', `/api/v1/agents/${slug}-ada/chats`, {});
    const posted = await call('POST', `/api/v1/chats/${chat.json.id}/messages`, {
      content: 'take your time',
    });
    expect(posted.status, posted.text).toBe(201);
    const runId: string = posted.json.run.id;
    // Wait until the agent's call reached the provider: the run is really in flight.
    for (let attempt = 0; attempt < 600 && provider.requests.length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(provider.requests.length).toBeGreaterThan(0);
    expect((await call('GET', `/api/v1/runs/${runId}`)).json.status).toBe('running');

    const exited = new Promise((resolve) => server?.child.once('exit', resolve));
    server?.child.kill('SIGKILL');
    await exited;

    const { sqlite } = createDatabase({ file: join(dataDir, 'crewship.db') });
    try {
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const started = sqlite
        .prepare(
          "SELECT count(*) AS n FROM journal_entries WHERE trace_id = ? AND entry_type = 'run.started'",
        )
        .get(runId) as { n: number };
      expect(started.n).toBe(1);
    } finally {
      sqlite.close();
    }

    server = await spawnServer(dataDir, env);
    const run = await call('GET', `/api/v1/runs/${runId}`);
    expect(run.json).toMatchObject({ status: 'failed', reason: 'server_restart' });
    const verify = await call('GET', '/api/v1/journal/verify');
    expect(verify.json).toMatchObject({ ok: true, broken_at_seq: null });
    // The chat is free again: a new message starts a run that completes.
    const again = await call('POST', `/api/v1/chats/${chat.json.id}/messages`, { content: 'and now?' });
    expect(again.status, again.text).toBe(201);
    let status = 'running';
    for (let attempt = 0; attempt < 600 && status === 'running'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await call('GET', `/api/v1/runs/${again.json.run.id}`)).json.status;
    }
    expect(status).toBe('completed');
  });
});
