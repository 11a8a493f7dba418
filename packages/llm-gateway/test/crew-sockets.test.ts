import { existsSync, lstatSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { agentDummyKey, INTERNAL_TOKEN_HEADER } from '@crewship/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { ANTHROPIC_JSON } from '../src/testing/provider-fixtures.js';
import {
  authHeaders,
  createHarness,
  type FakeUpstream,
  type Harness,
  newToken,
  socketRequest,
  startFakeUpstream,
  WORKSPACE_ID,
} from './harness.js';

let harness: Harness;
let upstream: FakeUpstream | undefined;
afterEach(async () => {
  await harness?.close();
  await upstream?.close();
  upstream = undefined;
});

describe('internal token', () => {
  it('401 without a token or with a wrong one; one journal entry for a burst of them', async () => {
    harness = createHarness([]);
    const { socketPath, token } = await harness.serve('crew-a');
    const missing = await socketRequest(socketPath, { path: '/healthz' });
    const wrong = await socketRequest(socketPath, {
      path: '/healthz?key=abc',
      headers: { [INTERNAL_TOKEN_HEADER]: `${token.slice(0, -1)}x` },
    });
    const empty = await socketRequest(socketPath, {
      path: '/healthz',
      headers: { [INTERNAL_TOKEN_HEADER]: '' },
    });
    expect([missing.status, wrong.status, empty.status]).toEqual([401, 401, 401]);
    const ok = await socketRequest(socketPath, { path: '/healthz', headers: authHeaders(token) });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, crewId: 'crew-a' });
    const entries = await harness.journal.waitFor('gateway.unauthorized');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      workspaceId: WORKSPACE_ID,
      crewId: 'crew-a',
      severity: 'warn',
      payload: { method: 'GET', target: '/healthz', reason: 'missing_token' },
    });
  });

  it('checks the token on CONNECT too', async () => {
    harness = createHarness([]);
    const { socketPath } = await harness.serve('crew-a', { networkMode: 'free' });
    const { connectThrough } = await import('./egress-client.js');
    const answer = await connectThrough(socketPath, 'api.anthropic.com:443', undefined);
    expect(answer.status).toBe(401);
  });

  it('keeps crews apart: a token only opens its own socket, and agents only resolve in their crew', async () => {
    upstream = await startFakeUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(ANTHROPIC_JSON.body);
    });
    harness = createHarness(
      [
        { id: 'cred-a', workspaceId: WORKSPACE_ID, provider: 'anthropic', value: 'sk-ant-api03-A' },
        { id: 'cred-b', workspaceId: WORKSPACE_ID, provider: 'anthropic', value: 'sk-ant-api03-B' },
      ],
      { upstreams: { anthropic: upstream.url } },
    );
    const a = await harness.serve('crew-a');
    const b = await harness.serve('crew-b');
    expect(a.socketPath).not.toBe(b.socketPath);
    const call = (socketPath: string, token: string, slug: string) =>
      socketRequest(socketPath, {
        method: 'POST',
        path: '/provider/anthropic/v1/messages',
        headers: authHeaders(token, { 'x-api-key': agentDummyKey(slug) }),
        body: '{"model":"m"}',
      });
    expect((await call(a.socketPath, b.token, 'ada')).status).toBe(401);
    expect((await call(b.socketPath, a.token, 'cy')).status).toBe(401);
    expect((await call(b.socketPath, b.token, 'ada')).status).toBe(401);
    expect((await call(a.socketPath, a.token, 'ada')).status).toBe(200);
    expect((await call(b.socketPath, b.token, 'cy')).status).toBe(200);
    const events = await harness.metering.waitFor(2);
    expect(events.map((event) => [event.crewId, event.agentId])).toEqual([
      ['crew-a', 'agent-ada'],
      ['crew-b', 'agent-cy'],
    ]);
  });
});

describe('socket files', () => {
  it('creates the socket with mode 0600, owned by the sidecar user by default or the given owner', async () => {
    harness = createHarness([]);
    const { socketPath } = await harness.serve('crew-a');
    const stat = lstatSync(socketPath);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
    expect([stat.uid, stat.gid]).toEqual([1002, 1002]);

    const custom = join(harness.directory, 'custom.sock');
    await harness.gateway.serveCrew(
      { crewId: 'crew-b', workspaceId: WORKSPACE_ID, networkMode: 'restricted', allowedDomains: [] },
      { path: custom, uid: 4321, gid: 8765 },
      newToken(),
    );
    const customStat = lstatSync(custom);
    expect(customStat.mode & 0o777).toBe(0o600);
    expect([customStat.uid, customStat.gid]).toEqual([4321, 8765]);
  });

  it('replaces a stale socket file, refuses a live one or a regular file', async () => {
    harness = createHarness([]);
    const stale = harness.socketPath('crew-a');
    // A socket file nobody listens on any more: bind elsewhere, move it into place, stop listening.
    const old = createServer();
    await new Promise<void>((resolve) => old.listen(join(harness.directory, 'old.sock'), resolve));
    renameSync(join(harness.directory, 'old.sock'), stale);
    await new Promise<void>((resolve) => old.close(() => resolve()));
    expect(lstatSync(stale).isSocket()).toBe(true);
    const { token } = await harness.serve('crew-a');
    expect((await socketRequest(stale, { path: '/healthz', headers: authHeaders(token) })).status).toBe(200);

    const live = createServer();
    const livePath = join(harness.directory, 'live.sock');
    await new Promise<void>((resolve) => live.listen(livePath, resolve));
    const crew = {
      crewId: 'crew-b',
      workspaceId: WORKSPACE_ID,
      networkMode: 'restricted',
      allowedDomains: [],
    };
    await expect(harness.gateway.serveCrew(crew, { path: livePath }, newToken())).rejects.toMatchObject({
      kind: 'conflict',
    });
    await new Promise<void>((resolve) => live.close(() => resolve()));

    const regular = join(harness.directory, 'file.sock');
    writeFileSync(regular, 'not a socket');
    await expect(harness.gateway.serveCrew(crew, { path: regular }, newToken())).rejects.toMatchObject({
      kind: 'conflict',
    });
    await expect(harness.gateway.serveCrew(crew, { path: stale }, newToken())).rejects.toMatchObject({
      kind: 'conflict',
    });
    await expect(harness.serve('crew-a')).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('validates its inputs', async () => {
    harness = createHarness([]);
    const crew = {
      crewId: 'crew-a',
      workspaceId: WORKSPACE_ID,
      networkMode: 'restricted',
      allowedDomains: [],
    };
    await expect(
      harness.gateway.serveCrew(crew, { path: 'relative.sock' }, newToken()),
    ).rejects.toMatchObject({
      kind: 'invalid_input',
    });
    await expect(
      harness.gateway.serveCrew(crew, { path: harness.socketPath('x') }, 'short'),
    ).rejects.toMatchObject({
      kind: 'invalid_input',
    });
  });

  it('closing a crew or the whole gateway removes the socket files', async () => {
    harness = createHarness([]);
    const a = await harness.serve('crew-a');
    const b = await harness.serve('crew-b');
    await a.crew.close();
    expect(existsSync(a.socketPath)).toBe(false);
    expect(harness.gateway.crew('crew-a')).toBeUndefined();
    expect(harness.gateway.crew('crew-b')?.token).toBe(b.token);
    await harness.gateway.close();
    expect(existsSync(b.socketPath)).toBe(false);
    await expect(harness.serve('crew-c')).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
