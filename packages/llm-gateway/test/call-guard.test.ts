import { request } from 'node:http';
import { agentDummyKey, type LlmProvider } from '@crewship/contracts';
import { createFakeProvider, type FakeProvider } from '@crewship/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryCredential } from '../src/testing/index.js';
import {
  type CountingGuard,
  createCountingGuard,
  openResponse,
  pause,
  waitUntil,
} from './governance-helpers.js';
import {
  authHeaders,
  createHarness,
  type Harness,
  socketRequest,
  startFakeUpstream,
  WORKSPACE_ID,
} from './harness.js';

const KEY_1 = 'sk-ant-api03-REAL-KEY-ONE';
const KEY_2 = 'sk-ant-api03-REAL-KEY-TWO';
const CREDENTIALS: MemoryCredential[] = [
  { id: 'cred-ant-1', workspaceId: WORKSPACE_ID, provider: 'anthropic', value: KEY_1, priority: 10 },
  { id: 'cred-ant-2', workspaceId: WORKSPACE_ID, provider: 'anthropic', value: KEY_2, priority: 5 },
  { id: 'cred-openai', workspaceId: WORKSPACE_ID, provider: 'openai', value: 'sk-proj-REAL' },
  { id: 'cred-google', workspaceId: WORKSPACE_ID, provider: 'google', value: 'AIzaREAL' },
];

let anthropic: FakeProvider;
let openai: FakeProvider;
let gemini: FakeProvider;
let harness: Harness;
let guard: CountingGuard;
let socketPath: string;
let token: string;

beforeAll(async () => {
  [anthropic, openai, gemini] = await Promise.all([
    createFakeProvider({ kind: 'anthropic' }),
    createFakeProvider({ kind: 'openai' }),
    createFakeProvider({ kind: 'gemini' }),
  ]);
});
afterAll(async () => {
  await Promise.all([anthropic.close(), openai.close(), gemini.close()]);
});
afterEach(async () => {
  await harness?.close();
  for (const fake of [anthropic, openai, gemini]) {
    fake.requests.length = 0;
    fake.setScript([{ text: 'ok' }]);
  }
});

async function setup(upstreams: Partial<Record<LlmProvider, string>> = {}) {
  const lazyGuard = {
    admit: (...args: Parameters<CountingGuard['admit']>) => guard.admit(...args),
  };
  harness = createHarness(CREDENTIALS, {
    upstreams: { anthropic: anthropic.url, openai: openai.url, google: gemini.url, ...upstreams },
    callGuard: lazyGuard,
  });
  guard = createCountingGuard(harness.metering);
  ({ socketPath, token } = await harness.serve('crew-a'));
}

const anthropicRequest = (body: object = { model: 'claude-sonnet-4-5', stream: true }) => ({
  path: '/provider/anthropic/v1/messages',
  headers: authHeaders(token, { 'content-type': 'application/json', 'x-api-key': agentDummyKey('ada') }),
  body: JSON.stringify(body),
});

/** Every admission was released exactly once, and only after the call's metering events were recorded. */
async function expectReleasedAfter(meteringEvents: number) {
  await waitUntil(() => guard.releases.length >= 1, 'admission released');
  expect(guard.held).toBe(0);
  expect(guard.releases).toEqual([meteringEvents]);
  expect(harness.metering.events).toHaveLength(meteringEvents);
  // Still exactly one release after the gateway has served another request.
  guard.refuse = { status: 429, message: 'probe' };
  await socketRequest(socketPath, { method: 'POST', ...anthropicRequest() });
  expect(guard.releases).toHaveLength(1);
}

describe('call guard: admission and release', () => {
  it('admits once per request with the call subject and releases after the metered stream', async () => {
    await setup();
    const response = await socketRequest(socketPath, { method: 'POST', ...anthropicRequest() });
    expect(response.status).toBe(200);
    expect(guard.admits).toEqual([
      {
        workspaceId: WORKSPACE_ID,
        crewId: 'crew-a',
        agentId: 'agent-ada',
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
      },
    ]);
    await expectReleasedAfter(1);
  });

  it('releases after metering an upstream 500', async () => {
    await setup();
    anthropic.setScript([{ error: { status: 500, message: 'boom' } }]);
    const response = await socketRequest(socketPath, { method: 'POST', ...anthropicRequest() });
    expect(response.status).toBe(500);
    expect(guard.admits).toHaveLength(1);
    await expectReleasedAfter(1);
    expect(harness.metering.events[0]?.status).toBe(500);
  });

  it('releases when the upstream is unreachable (no metering event, one llm.call)', async () => {
    const dead = await startFakeUpstream();
    await dead.close();
    await setup({ anthropic: dead.url });
    const response = await socketRequest(socketPath, { method: 'POST', ...anthropicRequest() });
    expect(response.status).toBe(502);
    await expectReleasedAfter(0);
    expect(await harness.journal.waitFor('llm.call')).toHaveLength(1);
  });

  it('admits once across a 401 failover and releases after both calls are metered', async () => {
    await setup();
    anthropic.setScript((request) =>
      request.headers['x-api-key'] === KEY_1
        ? { error: { status: 401, message: 'invalid x-api-key' } }
        : { text: 'second key works' },
    );
    const response = await socketRequest(socketPath, { method: 'POST', ...anthropicRequest() });
    expect(response.status).toBe(200);
    expect(anthropic.requests.map((request) => request.headers['x-api-key'])).toEqual([KEY_1, KEY_2]);
    expect(guard.admits).toHaveLength(1);
    await expectReleasedAfter(2);
    expect(harness.metering.events.map((event) => event.status)).toEqual([401, 200]);
  });

  it('releases after metering when the client goes away mid-stream', async () => {
    await setup();
    anthropic.setScript([{ text: 'one two three four five six seven eight', delayMs: 50 }]);
    const live = await openResponse(socketPath, anthropicRequest());
    await waitUntil(() => live.received().includes('message_start'), 'first event');
    live.abort();
    await waitUntil(() => guard.releases.length === 1, 'released after abort');
    expect(guard.held).toBe(0);
    expect(guard.releases).toEqual([1]);
    const [event] = harness.metering.events;
    expect(event?.usage.inputTokens).toBe(11);
  });

  it('releases when the client left while the admission was still pending', async () => {
    await setup();
    let open!: () => void;
    guard.gate = new Promise((resolve) => {
      open = resolve;
    });
    const { path, headers, body } = anthropicRequest();
    const outgoing = request({ socketPath, method: 'POST', path, headers });
    outgoing.on('error', () => undefined);
    outgoing.end(body);
    await waitUntil(() => guard.admits.length === 1, 'admit called');
    outgoing.destroy();
    // Give the gateway a moment to see the client go, so the admission arrives for a gone client.
    await pause(20);
    open();
    await waitUntil(() => guard.releases.length === 1, 'released');
    expect(guard.held).toBe(0);
    expect(guard.releases).toHaveLength(1);
  });

  it('releases when an exception escapes after admission (a vault that throws)', async () => {
    await setup();
    anthropic.setScript([{ error: { status: 401, message: 'invalid x-api-key' } }]);
    harness.vault.reportFailure = () => {
      throw new Error('vault exploded');
    };
    const response = await socketRequest(socketPath, { method: 'POST', ...anthropicRequest() });
    expect(response.status).toBe(500);
    await waitUntil(() => guard.releases.length === 1, 'released');
    expect(guard.held).toBe(0);
  });

  it('a guard that throws answers 503 in the provider shape and calls nobody', async () => {
    await setup();
    guard.admit = async () => {
      throw new Error('paymaster down');
    };
    const response = await socketRequest(socketPath, { method: 'POST', ...anthropicRequest() });
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(anthropic.requests).toHaveLength(0);
  });
});

describe('call guard: refusal', () => {
  const cases: {
    provider: LlmProvider;
    fake: () => FakeProvider;
    path: string;
    headers: () => Record<string, string>;
    body: object;
    model: string;
    error: unknown;
  }[] = [
    {
      provider: 'anthropic',
      fake: () => anthropic,
      path: '/provider/anthropic/v1/messages',
      headers: () => ({ 'x-api-key': agentDummyKey('ada') }),
      body: { model: 'claude-opus-4-5', stream: true },
      model: 'claude-opus-4-5',
      error: { type: 'error', error: { type: 'rate_limit_error', message: 'crew budget exceeded' } },
    },
    {
      provider: 'openai',
      fake: () => openai,
      path: '/provider/openai/v1/responses',
      headers: () => ({ authorization: `Bearer ${agentDummyKey('ada')}` }),
      body: { model: 'gpt-5' },
      model: 'gpt-5',
      error: {
        error: {
          message: 'crew budget exceeded',
          type: 'rate_limit_error',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    },
    {
      provider: 'google',
      fake: () => gemini,
      path: '/provider/google/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      headers: () => ({ 'x-goog-api-key': agentDummyKey('ada') }),
      body: { contents: [] },
      model: 'gemini-2.5-pro',
      error: { error: { code: 429, message: 'crew budget exceeded', status: 'RESOURCE_EXHAUSTED' } },
    },
  ];

  for (const { provider, fake, path, headers, body, model, error } of cases) {
    it(`${provider}: answers the provider-shaped error, journals llm.blocked, never calls upstream`, async () => {
      await setup();
      guard.refuse = { status: 429, message: 'crew budget exceeded' };
      const response = await socketRequest(socketPath, {
        method: 'POST',
        path,
        headers: authHeaders(token, { 'content-type': 'application/json', ...headers() }),
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(429);
      expect(JSON.parse(response.body)).toEqual(error);
      expect(fake().requests).toHaveLength(0);
      const [entry] = await harness.journal.waitFor('llm.blocked');
      expect(entry).toMatchObject({
        workspaceId: WORKSPACE_ID,
        crewId: 'crew-a',
        agentId: 'agent-ada',
        severity: 'warn',
        actor: 'agent:ada',
        payload: { provider, model, status: 429, message: 'crew budget exceeded' },
      });
      expect(harness.journal.entries.filter((e) => e.entryType === 'llm.call')).toHaveLength(0);
      expect(harness.metering.events).toHaveLength(0);
      expect(guard.held).toBe(0);
    });
  }
});
