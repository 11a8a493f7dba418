import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeContainerRuntime } from '@crewship/container-runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bootstrapOwner, type StreamEvent, startTestServer, type TestServer } from './harness.js';

/** Real Claude Code output recorded against the fake provider, replayed by a stand-in `claude`. */
const FIXTURE = fileURLToPath(
  new URL('../../../packages/agent-clis/fixtures/claude-text.jsonl', import.meta.url),
);
const bin = mkdtempSync(join(tmpdir(), 'crewship-live-bin-'));
writeFileSync(join(bin, 'claude'), `#!/bin/sh\ncat >/dev/null\ncat '${FIXTURE}'\n`, { mode: 0o755 });
const runtime = createFakeContainerRuntime({ path: [bin] });

interface Received {
  op: string;
  channel?: string;
  seq?: number;
  type?: string;
  data?: StreamEvent;
  last_seq?: number;
}

/** A WebSocket client that records every message; `until` waits for one matching a predicate. */
async function connect(server: TestServer, token: string) {
  const issued = await server.request('GET', '/api/v1/ws-token', { token });
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${issued.json.token}`);
  const messages: Received[] = [];
  const waiters: { match: (message: Received) => boolean; resolve: () => void }[] = [];
  ws.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as Received;
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    messages,
    send: (message: unknown) => ws.send(JSON.stringify(message)),
    until: (match: (message: Received) => boolean) =>
      messages.some(match)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ match, resolve })),
    close: () => ws.close(),
  };
}

const runEnded = (channel: string) => (message: Received) =>
  message.channel === channel &&
  message.type === 'run.status' &&
  ['completed', 'failed', 'cancelled', 'timeout'].includes(message.data?.status);

describe('live run events over the WebSocket of a real server', () => {
  let server: TestServer;
  let token: string;
  let workspaceId: string;
  let chatId: string;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer({ CREWSHIP_STATS_INTERVAL_MS: '500' }, undefined, {
      containerRuntime: runtime,
    });
    const boot = await bootstrapOwner(server);
    token = boot.token;
    workspaceId = boot.workspace.id;
    userId = boot.user.id;
    const crew = await server.request('POST', '/api/v1/crews', { token, body: { name: 'live' } });
    await server.request('POST', '/api/v1/agents', { token, body: { crew: crew.json.id, name: 'ada' } });
    chatId = (await server.request('POST', '/api/v1/agents/ada/chats', { token, body: {} })).json.id;
  });

  afterAll(async () => {
    await server?.cleanup();
    rmSync(bin, { recursive: true, force: true });
    rmSync(runtime.root, { recursive: true, force: true });
  });

  it('gives two clients the same ordered events and replays the rest to a client that comes back with its last seq', async () => {
    const channel = `chat:${chatId}`;
    const first = await connect(server, token);
    const second = await connect(server, token);
    for (const client of [first, second]) {
      client.send({ op: 'subscribe', channel });
      await client.until((message) => message.op === 'subscribed');
    }
    const posted = await server.request('POST', `/api/v1/chats/${chatId}/messages`, {
      token,
      body: { content: 'say hello' },
    });
    expect(posted.status, posted.text).toBe(201);
    await Promise.all([first.until(runEnded(channel)), second.until(runEnded(channel))]);

    const events = (client: typeof first) => client.messages.filter((message) => message.op === 'event');
    const seqs = events(first).map((message) => message.seq);
    expect(seqs.length, JSON.stringify(events(first))).toBeGreaterThan(4);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    expect(events(second)).toEqual(events(first));
    const text = events(first)
      .filter((message) => message.data?.kind === 'agent.event' && message.data.event.type === 'result')
      .map((message) => message.data?.event.text);
    expect(text).toEqual([
      JSON.parse(readFileSync(FIXTURE, 'utf8').trim().split('\n').at(-1) ?? '{}').result,
    ]);

    // A client that dropped after seq 3 resumes exactly where it was.
    const third = await connect(server, token);
    third.send({ op: 'subscribe', channel, after_seq: 3 });
    await third.until(runEnded(channel));
    expect(events(third)).toEqual(events(first).slice(3));
    for (const client of [first, second, third]) client.close();
  });

  it('publishes run status and container stats on the workspace channel', async () => {
    const client = await connect(server, token);
    const channel = `workspace:${workspaceId}`;
    client.send({ op: 'subscribe', channel });
    await client.until((message) => message.op === 'subscribed');
    await server.request('POST', `/api/v1/chats/${chatId}/messages`, { token, body: { content: 'again' } });
    await client.until(runEnded(channel));
    await client.until((message) => message.type === 'container.stats');
    const stats = client.messages.find((message) => message.type === 'container.stats');
    expect(stats?.data).toMatchObject({ pids: 1, cpu_percent: 0 });
    client.close();
  });

  it('refuses a channel of another workspace and a bad token', async () => {
    const client = await connect(server, token);
    client.send({ op: 'subscribe', channel: 'workspace:someone-else' });
    await client.until((message) => message.op === 'error');
    expect(client.messages.at(-1)).toMatchObject({ op: 'error', channel: 'workspace:someone-else' });
    client.close();
    const refused = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=forged`);
    const status = await new Promise<number | undefined>((resolve) =>
      refused.once('unexpected-response', (_request, response) => resolve(response.statusCode)),
    );
    expect(status).toBe(401);
  });

  it('pushes the unread inbox count on the user channel, and only to that user', async () => {
    const client = await connect(server, token);
    const channel = `user:${userId}`;
    client.send({ op: 'subscribe', channel });
    await client.until((message) => message.op === 'subscribed');
    client.send({ op: 'subscribe', channel: 'user:someone-else' });
    await client.until((message) => message.op === 'error' && message.channel === 'user:someone-else');
    const counts = () =>
      client.messages
        .filter((message) => message.type === 'inbox.count')
        .map((message) => message.data?.unread);

    // A run that must be approved before it starts: its approval lands in the inbox.
    const rules = await server.request('PUT', '/api/v1/approvals/rules', {
      token,
      body: { rules: [{ name: 'ask-first', on: 'run_start', mode: 'sync' }] },
    });
    expect(rules.status, rules.text).toBe(200);
    const posted = await server.request('POST', `/api/v1/chats/${chatId}/messages`, {
      token,
      body: { content: 'may I?' },
    });
    await client.until((message) => message.type === 'inbox.count' && message.data?.unread === 1);
    const pending = await server.request(
      'GET',
      `/api/v1/approvals?status=pending&run=${posted.json.run.id}`,
      {
        token,
      },
    );
    // Denying resolves the approval item (0 unread), then the failed run arrives (1 unread).
    await server.request('POST', `/api/v1/approvals/${pending.json.items[0].id}/decide`, {
      token,
      body: { decision: 'deny' },
    });
    await client.until(() => counts().join(',') === '1,0,1');
    const inbox = await server.request('GET', '/api/v1/inbox?status=unread', { token });
    expect(inbox.json.items.map((item: StreamEvent) => item.kind)).toEqual(['failed_run']);
    expect((await server.request('GET', '/api/v1/inbox/count', { token })).json).toEqual({ unread: 1 });
    await server.request('PUT', '/api/v1/approvals/rules', { token, body: { rules: [] } });
    client.close();
  });
});
