import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentDummyKey, silentLogger } from '@crewship/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmGateway, type LlmGateway } from '../src/index.js';
import { createMemoryVault } from '../src/testing/index.js';
import { ANTHROPIC_JSON } from '../src/testing/provider-fixtures.js';
import { authHeaders, type FakeUpstream, newToken, socketRequest, startFakeUpstream } from './harness.js';

let gateway: LlmGateway | undefined;
let upstream: FakeUpstream | undefined;
let directory: string | undefined;
afterEach(async () => {
  await gateway?.close();
  await upstream?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

async function serveWith(overrides: { findAgent?: () => Promise<never> }) {
  upstream = await startFakeUpstream((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(ANTHROPIC_JSON.body);
  });
  directory = mkdtempSync(join(tmpdir(), 'gw-'));
  gateway = createLlmGateway({
    vault: createMemoryVault([
      { id: 'c', workspaceId: 'ws', provider: 'anthropic', value: 'sk-ant-api03-x' },
    ]),
    findAgent: overrides.findAgent ?? (async (_crewId, slug) => ({ id: `agent-${slug}`, slug })),
    metering: {
      record() {
        throw new Error('metering down');
      },
    },
    journal: {
      append() {
        throw new Error('journal down');
      },
    },
    logger: silentLogger,
    upstreams: { anthropic: upstream.url },
  });
  const token = newToken();
  const socketPath = join(directory, 'crew.sock');
  await gateway.serveCrew(
    { crewId: 'c', workspaceId: 'ws', networkMode: 'restricted', allowedDomains: [] },
    { path: socketPath },
    token,
  );
  const call = () =>
    socketRequest(socketPath, {
      method: 'POST',
      path: '/provider/anthropic/v1/messages',
      headers: authHeaders(token, { 'x-api-key': agentDummyKey('ada') }),
      body: '{"model":"m"}',
    });
  return { call, socketPath, token };
}

describe('failing ports', () => {
  it('a throwing journal or metering sink never fails the call', async () => {
    const { call, socketPath } = await serveWith({});
    for (let index = 0; index < 3; index++) {
      const response = await call();
      expect(response.status).toBe(200);
      expect(response.body).toBe(ANTHROPIC_JSON.body);
    }
    expect((await socketRequest(socketPath, { path: '/healthz' })).status).toBe(401);
  });

  it('a failing agent lookup answers 500 and the socket keeps serving', async () => {
    const { call, socketPath, token } = await serveWith({
      findAgent: () => Promise.reject(new Error('database locked')),
    });
    expect((await call()).status).toBe(500);
    expect((await socketRequest(socketPath, { path: '/healthz', headers: authHeaders(token) })).status).toBe(
      200,
    );
  });
});
