import { request } from 'node:http';
import { connect, createServer as createNetServer, type Server } from 'node:net';
import { gzipSync } from 'node:zlib';
import { agentDummyKey } from '@crewship/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryCredential } from '../src/testing/index.js';
import {
  ANTHROPIC_JSON,
  ANTHROPIC_SSE,
  GEMINI_JSON,
  GEMINI_JSON_ARRAY,
  GEMINI_SSE,
  OPENAI_CHAT_JSON,
  OPENAI_CHAT_SSE,
  OPENAI_RESPONSES_JSON,
  OPENAI_RESPONSES_SSE,
  type UsageFixture,
} from '../src/testing/provider-fixtures.js';
import {
  authHeaders,
  createHarness,
  type FakeUpstream,
  type Harness,
  type RecordedRequest,
  socketRequest,
  startFakeUpstream,
  WORKSPACE_ID,
} from './harness.js';

const ANTHROPIC_KEY = 'sk-ant-api03-REAL-ANTHROPIC-KEY-0001';
const ANTHROPIC_KEY_2 = 'sk-ant-api03-REAL-ANTHROPIC-KEY-0002';
const ANTHROPIC_OAUTH = 'sk-ant-oat01-REAL-OAUTH-TOKEN-0003';
const OPENAI_KEY = 'sk-proj-REAL-OPENAI-KEY-0004';
const GOOGLE_KEY = 'AIzaREAL-GOOGLE-KEY-0005';

const CREDENTIALS: MemoryCredential[] = [
  { id: 'cred-ant', workspaceId: WORKSPACE_ID, provider: 'anthropic', value: ANTHROPIC_KEY, priority: 10 },
  { id: 'cred-openai', workspaceId: WORKSPACE_ID, provider: 'openai', value: OPENAI_KEY },
  { id: 'cred-google', workspaceId: WORKSPACE_ID, provider: 'google', value: GOOGLE_KEY },
];

let upstream: FakeUpstream;
let harness: Harness;
let socketPath: string;
let token: string;

async function setup(credentials: readonly MemoryCredential[] = CREDENTIALS, journalBodies = false) {
  harness = createHarness(credentials, {
    upstreams: { anthropic: upstream.url, openai: `${upstream.url}/openai-base/`, google: upstream.url },
    journalBodies,
  });
  ({ socketPath, token } = await harness.serve('crew-a'));
}

function respondWith(fixture: UsageFixture, status = 200) {
  upstream.handle = (_request, response) => {
    response.writeHead(status, { 'content-type': fixture.contentType });
    response.end(fixture.body);
  };
}

function anthropicCall(
  extraHeaders: Record<string, string> = {},
  body: object = { model: 'claude-sonnet-4' },
) {
  return socketRequest(socketPath, {
    method: 'POST',
    path: '/provider/anthropic/v1/messages?beta=true',
    headers: authHeaders(token, {
      'content-type': 'application/json',
      'x-api-key': agentDummyKey('ada'),
      ...extraHeaders,
    }),
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await harness?.close();
  upstream.requests.length = 0;
  upstream.handle = (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{}');
  };
});

function lastRequest(): RecordedRequest {
  const last = upstream.requests.at(-1);
  if (!last) throw new Error('upstream got no request');
  return last;
}

describe('credential injection', () => {
  it('anthropic API key: x-api-key, default version, client auth and internal token stripped', async () => {
    await setup();
    respondWith(ANTHROPIC_JSON);
    const response = await anthropicCall({
      authorization: 'Bearer crewship-agent-ada',
      'anthropic-beta': 'x-1',
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual(JSON.parse(ANTHROPIC_JSON.body));
    const seen = lastRequest();
    expect(seen.url).toBe('/v1/messages?beta=true');
    expect(seen.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers['anthropic-beta']).toBe('x-1');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-crewship-internal-token']).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain('crewship-agent-');
    expect(JSON.parse(seen.body)).toEqual({ model: 'claude-sonnet-4' });
  });

  it('anthropic also finds the agent from a Bearer dummy key and keeps the client version', async () => {
    await setup();
    respondWith(ANTHROPIC_JSON);
    const response = await socketRequest(socketPath, {
      method: 'POST',
      path: '/provider/anthropic/v1/messages',
      headers: authHeaders(token, {
        authorization: `Bearer ${agentDummyKey('ada')}`,
        'anthropic-version': '2099-01-01',
      }),
      body: '{"model":"claude-opus-4"}',
    });
    expect(response.status).toBe(200);
    expect(lastRequest().headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(lastRequest().headers['anthropic-version']).toBe('2099-01-01');
    const [event] = await harness.metering.waitFor(1);
    expect(event).toMatchObject({ agentId: 'agent-ada', model: 'claude-opus-4', billingMode: 'api' });
  });

  it('anthropic OAuth token: Bearer, oauth beta appended, no x-api-key, billed as subscription', async () => {
    await setup([
      { id: 'cred-oauth', workspaceId: WORKSPACE_ID, provider: 'anthropic', value: ANTHROPIC_OAUTH },
    ]);
    respondWith(ANTHROPIC_JSON);
    await anthropicCall({ 'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14' });
    const seen = lastRequest();
    expect(seen.headers.authorization).toBe(`Bearer ${ANTHROPIC_OAUTH}`);
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers['anthropic-beta']).toBe('fine-grained-tool-streaming-2025-05-14,oauth-2025-04-20');
    const [event] = await harness.metering.waitFor(1);
    expect(event?.billingMode).toBe('subscription');
    expect(event?.credentialId).toBe('cred-oauth');
  });

  it('openai: Bearer to the upstream base path', async () => {
    await setup();
    respondWith(OPENAI_RESPONSES_JSON);
    const response = await socketRequest(socketPath, {
      method: 'POST',
      path: '/provider/openai/v1/responses',
      headers: authHeaders(token, { authorization: `Bearer ${agentDummyKey('bob')}` }),
      body: '{"model":"gpt-5"}',
    });
    expect(response.status).toBe(200);
    const seen = lastRequest();
    expect(seen.url).toBe('/openai-base/v1/responses');
    expect(seen.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    const [event] = await harness.metering.waitFor(1);
    expect(event).toMatchObject({
      provider: 'openai',
      agentId: 'agent-bob',
      model: 'gpt-5',
      credentialId: 'cred-openai',
    });
  });

  it('google: dummy ?key= removed, real key only in x-goog-api-key, other query kept, model from the path', async () => {
    await setup();
    respondWith(GEMINI_SSE);
    const response = await socketRequest(socketPath, {
      method: 'POST',
      path: `/provider/google/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=${agentDummyKey('ada')}`,
      headers: authHeaders(token),
      body: '{"contents":[]}',
    });
    expect(response.status).toBe(200);
    const seen = lastRequest();
    expect(seen.url).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(seen.headers['x-goog-api-key']).toBe(GOOGLE_KEY);
    const [event] = await harness.metering.waitFor(1);
    expect(event).toMatchObject({ provider: 'google', model: 'gemini-2.5-pro', streamed: true });
  });

  it('google: the x-goog-api-key dummy header is replaced', async () => {
    await setup();
    respondWith(GEMINI_JSON);
    await socketRequest(socketPath, {
      method: 'POST',
      path: '/provider/google/v1beta/models/gemini-2.5-flash:generateContent',
      headers: authHeaders(token, { 'x-goog-api-key': agentDummyKey('ada') }),
      body: '{}',
    });
    expect(lastRequest().headers['x-goog-api-key']).toBe(GOOGLE_KEY);
    expect(lastRequest().url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
  });
});

describe('agent and credential resolution', () => {
  it('rejects a request without a dummy key, in the provider error shape', async () => {
    await setup();
    const response = await socketRequest(socketPath, {
      method: 'POST',
      path: '/provider/openai/v1/responses',
      headers: authHeaders(token, { authorization: 'Bearer sk-someone-elses-key' }),
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('rejects an agent of another crew', async () => {
    await setup();
    const response = await anthropicCall({ 'x-api-key': agentDummyKey('cy') });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'agent cy is not part of this crew' },
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('answers 403 in the provider shape when no credential is assigned', async () => {
    await setup([]);
    const response = await socketRequest(socketPath, {
      method: 'POST',
      path: '/provider/google/v1beta/models/gemini-2.5-pro:generateContent',
      headers: authHeaders(token, { 'x-goog-api-key': agentDummyKey('ada') }),
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 403,
        status: 'PERMISSION_DENIED',
        message: 'no google credential is assigned to agent ada in this workspace',
      },
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('404 for an unknown provider', async () => {
    await setup();
    const response = await socketRequest(socketPath, {
      path: '/provider/mistral/v1/x',
      headers: authHeaders(token),
    });
    expect(response.status).toBe(404);
  });
});

describe('usage, metering and journal', () => {
  const cases: { fixture: UsageFixture; path: string; body: object }[] = [
    {
      fixture: ANTHROPIC_SSE,
      path: '/provider/anthropic/v1/messages',
      body: { model: 'claude-sonnet-4', stream: true },
    },
    { fixture: ANTHROPIC_JSON, path: '/provider/anthropic/v1/messages', body: { model: 'claude-sonnet-4' } },
    {
      fixture: OPENAI_RESPONSES_SSE,
      path: '/provider/openai/v1/responses',
      body: { model: 'gpt-5', stream: true },
    },
    { fixture: OPENAI_RESPONSES_JSON, path: '/provider/openai/v1/responses', body: { model: 'gpt-5' } },
    {
      fixture: OPENAI_CHAT_SSE,
      path: '/provider/openai/v1/chat/completions',
      body: { model: 'gpt-4o', stream: true },
    },
    { fixture: OPENAI_CHAT_JSON, path: '/provider/openai/v1/chat/completions', body: { model: 'gpt-4o' } },
    {
      fixture: GEMINI_SSE,
      path: '/provider/google/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      body: {},
    },
    { fixture: GEMINI_JSON, path: '/provider/google/v1beta/models/gemini-2.5-pro:generateContent', body: {} },
    {
      fixture: GEMINI_JSON_ARRAY,
      path: '/provider/google/v1beta/models/gemini-2.5-pro:streamGenerateContent',
      body: {},
    },
  ];

  for (const { fixture, path, body } of cases) {
    it(`meters ${fixture.name} with exact numbers and passes the body through unchanged`, async () => {
      await setup();
      respondWith(fixture);
      const keyHeader: Record<string, string> =
        fixture.provider === 'anthropic'
          ? { 'x-api-key': agentDummyKey('ada') }
          : fixture.provider === 'openai'
            ? { authorization: `Bearer ${agentDummyKey('ada')}` }
            : { 'x-goog-api-key': agentDummyKey('ada') };
      const response = await socketRequest(socketPath, {
        method: 'POST',
        path,
        headers: authHeaders(token, { 'content-type': 'application/json', ...keyHeader }),
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      expect(response.body).toBe(fixture.body);
      const [event] = await harness.metering.waitFor(1);
      expect(event).toMatchObject({
        workspaceId: WORKSPACE_ID,
        crewId: 'crew-a',
        agentId: 'agent-ada',
        provider: fixture.provider,
        usage: fixture.usage,
        status: 200,
        streamed: fixture.contentType.includes('event-stream') || path.includes('streamGenerateContent'),
        billingMode: 'api',
      });
      const [entry] = await harness.journal.waitFor('llm.call');
      expect(entry).toMatchObject({
        workspaceId: WORKSPACE_ID,
        crewId: 'crew-a',
        agentId: 'agent-ada',
        severity: 'info',
        actor: 'agent:ada',
        summary: `${fixture.provider} ${event?.model} 200 ${fixture.usage.inputTokens}+${fixture.usage.outputTokens} tokens`,
      });
      expect(entry?.payload).toMatchObject({ provider: fixture.provider, status: 200, usage: fixture.usage });
      expect(entry?.payload).not.toHaveProperty('requestBody');
      const everything = JSON.stringify({
        journal: harness.journal.entries,
        metering: harness.metering.events,
      });
      for (const secret of [ANTHROPIC_KEY, OPENAI_KEY, GOOGLE_KEY]) expect(everything).not.toContain(secret);
    });
  }

  it('journals bodies only when asked to', async () => {
    await setup(CREDENTIALS, true);
    respondWith(ANTHROPIC_JSON);
    await anthropicCall(
      {},
      { model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'hello there' }] },
    );
    const [entry] = await harness.journal.waitFor('llm.call');
    expect(String(entry?.payload.requestBody)).toContain('hello there');
    expect(entry?.payload.responseBody).toBe(ANTHROPIC_JSON.body);
  });

  it('reads usage from a gzip body when the upstream compresses anyway', async () => {
    await setup();
    upstream.handle = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(ANTHROPIC_JSON.body));
    };
    const response = await anthropicCall();
    expect(response.status).toBe(200);
    expect(lastRequest().headers['accept-encoding']).toBe('identity');
    const [event] = await harness.metering.waitFor(1);
    expect(event?.usage).toEqual(ANTHROPIC_JSON.usage);
  });

  it('reads the model from a gzip-compressed request body', async () => {
    await setup();
    respondWith(ANTHROPIC_JSON);
    await socketRequest(socketPath, {
      method: 'POST',
      path: '/provider/anthropic/v1/messages',
      headers: authHeaders(token, { 'x-api-key': agentDummyKey('ada'), 'content-encoding': 'gzip' }),
      body: gzipSync('{"model":"claude-haiku-4"}'),
    });
    const [event] = await harness.metering.waitFor(1);
    expect(event?.model).toBe('claude-haiku-4');
  });
});

describe('streaming', () => {
  it('passes SSE events through as they come, before the upstream finishes', async () => {
    await setup();
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const [first, ...rest] = ANTHROPIC_SSE.body.split(/(?<=\n\n)/);
    upstream.handle = async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(first);
      await released;
      for (const event of rest) response.write(event);
      response.end();
    };
    const received = await new Promise<string>((resolve, reject) => {
      const outgoing = request(
        {
          socketPath,
          method: 'POST',
          path: '/provider/anthropic/v1/messages',
          headers: authHeaders(token, { 'x-api-key': agentDummyKey('ada') }),
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
            // The upstream holds the rest back until the client has seen the first event.
            if (text === first) release();
          });
          response.on('end', () => resolve(text));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end('{"model":"claude-sonnet-4","stream":true}');
    });
    expect(received).toBe(ANTHROPIC_SSE.body);
    const [event] = await harness.metering.waitFor(1);
    expect(event?.usage).toEqual(ANTHROPIC_SSE.usage);
    expect(event?.streamed).toBe(true);
  }, 15_000);

  it('meters partial usage when the client goes away mid-stream, and keeps serving', async () => {
    await setup();
    const [first] = ANTHROPIC_SSE.body.split(/(?<=\n\n)/);
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      upstreamClosed = resolve;
    });
    upstream.handle = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(first);
      response.on('close', upstreamClosed);
    };
    await new Promise<void>((resolve) => {
      const outgoing = request(
        {
          socketPath,
          method: 'POST',
          path: '/provider/anthropic/v1/messages',
          headers: authHeaders(token, { 'x-api-key': agentDummyKey('ada') }),
        },
        (response) => {
          response.once('data', () => {
            outgoing.destroy();
            resolve();
          });
        },
      );
      outgoing.on('error', () => undefined);
      outgoing.end('{"model":"claude-sonnet-4","stream":true}');
    });
    await closed;
    const [event] = await harness.metering.waitFor(1);
    expect(event?.usage).toEqual({
      inputTokens: 1234,
      outputTokens: 1,
      cacheReadTokens: 3000,
      cacheWriteTokens: 200,
    });
    const [entry] = await harness.journal.waitFor('llm.call');
    expect(entry?.severity).toBe('warn');
    expect(String(entry?.payload.error)).toMatch(/^stream ended early: /);
    respondWith(ANTHROPIC_JSON);
    expect((await anthropicCall()).status).toBe(200);
  }, 15_000);
});

describe('failover', () => {
  const twoKeys: MemoryCredential[] = [
    { id: 'cred-1', workspaceId: WORKSPACE_ID, provider: 'anthropic', value: ANTHROPIC_KEY, priority: 10 },
    { id: 'cred-2', workspaceId: WORKSPACE_ID, provider: 'anthropic', value: ANTHROPIC_KEY_2, priority: 5 },
  ];

  for (const status of [401, 429]) {
    it(`retries once with the next credential after a ${status} and reports the failure`, async () => {
      await setup(twoKeys);
      upstream.handle = (seen, response) => {
        if (seen.headers['x-api-key'] === ANTHROPIC_KEY) {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end('{"type":"error","error":{"type":"authentication_error","message":"bad key"}}');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(ANTHROPIC_JSON.body);
      };
      const response = await anthropicCall();
      expect(response.status).toBe(200);
      expect(upstream.requests.map((seen) => seen.headers['x-api-key'])).toEqual([
        ANTHROPIC_KEY,
        ANTHROPIC_KEY_2,
      ]);
      expect(upstream.requests[1]?.body).toBe(upstream.requests[0]?.body);
      expect(harness.vault.failures).toEqual([{ credentialId: 'cred-1', status }]);
      const events = await harness.metering.waitFor(2);
      expect(events.map((event) => [event.credentialId, event.status])).toEqual([
        ['cred-1', status],
        ['cred-2', 200],
      ]);
      expect(events[1]?.usage).toEqual(ANTHROPIC_JSON.usage);
      const entries = await harness.journal.waitFor('llm.call', 2);
      expect(entries.map((entry) => entry.severity)).toEqual(['warn', 'info']);
    });
  }

  it('does not retry when there is no other credential, and answers the upstream error', async () => {
    await setup();
    upstream.handle = (_seen, response) => {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      response.end('{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}');
    };
    const response = await anthropicCall();
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(upstream.requests).toHaveLength(1);
    expect(harness.vault.failures).toEqual([{ credentialId: 'cred-ant', status: 429 }]);
  });

  it('retries at most once', async () => {
    await setup([
      ...twoKeys,
      {
        id: 'cred-3',
        workspaceId: WORKSPACE_ID,
        provider: 'anthropic',
        value: 'sk-ant-api03-third',
        priority: 1,
      },
    ]);
    upstream.handle = (_seen, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{}');
    };
    const response = await anthropicCall();
    expect(response.status).toBe(401);
    expect(upstream.requests).toHaveLength(2);
    expect(harness.vault.failures.map((failure) => failure.credentialId)).toEqual(['cred-1', 'cred-2']);
  });
});

describe('limits and failures', () => {
  it('413 for a declared body over 10 MB, without reading it', async () => {
    await setup();
    const response = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        {
          socketPath,
          method: 'POST',
          path: '/provider/anthropic/v1/messages',
          headers: authHeaders(token, {
            'x-api-key': agentDummyKey('ada'),
            'content-length': String(11 * 1024 * 1024),
          }),
        },
        (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.flushHeaders();
      setTimeout(() => reject(new Error('no response')), 10_000).unref();
    });
    expect(response).toBe(413);
    expect(upstream.requests).toHaveLength(0);
  });

  it('413 for a chunked body that grows over 10 MB', async () => {
    await setup();
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        {
          socketPath,
          method: 'POST',
          path: '/provider/openai/v1/responses',
          headers: authHeaders(token, { authorization: `Bearer ${agentDummyKey('ada')}` }),
        },
        (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode ?? 0);
        },
      );
      outgoing.on('error', () => undefined);
      const chunk = Buffer.alloc(1024 * 1024, 120);
      let sent = 0;
      const pump = () => {
        while (sent < 12) {
          sent++;
          if (!outgoing.write(chunk)) {
            outgoing.once('drain', pump);
            return;
          }
        }
        outgoing.end();
      };
      pump();
      setTimeout(() => reject(new Error('no response')), 10_000).unref();
    });
    expect(status).toBe(413);
    expect(upstream.requests).toHaveLength(0);
  });

  it('502 in the provider shape when the upstream is unreachable, journaled as an error', async () => {
    const dead = await startFakeUpstream();
    const deadUrl = dead.url;
    await dead.close();
    harness = createHarness(CREDENTIALS, { upstreams: { openai: deadUrl } });
    ({ socketPath, token } = await harness.serve('crew-a'));
    const response = await socketRequest(socketPath, {
      method: 'POST',
      path: '/provider/openai/v1/responses',
      headers: authHeaders(token, { authorization: `Bearer ${agentDummyKey('ada')}` }),
      body: '{"model":"gpt-5"}',
    });
    expect(response.status).toBe(502);
    expect(JSON.parse(response.body).error.type).toBe('server_error');
    const [entry] = await harness.journal.waitFor('llm.call');
    expect(entry?.severity).toBe('error');
    expect(harness.metering.events).toHaveLength(0);
  });

  it('an upstream that breaks HTTP: 502 for a bad head, a cut stream ends early, silence times out', async () => {
    const broken: Server = createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', (data: Buffer) => {
        const path = data.toString('latin1').split(' ')[1] ?? '';
        const sse =
          'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
        if (path.endsWith('/garbage'))
          socket.end('HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n');
        else if (path.endsWith('/cut')) socket.end(`${sse}9\r\ndata: a\n\n\r\nzz\r\n`);
        // Any other path: the upstream says nothing.
      });
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = broken.address() as { port: number };
      harness = createHarness(CREDENTIALS, {
        upstreams: { openai: `http://127.0.0.1:${port}` },
        upstreamIdleTimeoutMs: 300,
      });
      ({ socketPath, token } = await harness.serve('crew-a'));
      const call = (path: string) =>
        socketRequest(socketPath, {
          method: 'POST',
          path: `/provider/openai/v1/${path}`,
          headers: authHeaders(token, { authorization: `Bearer ${agentDummyKey('ada')}` }),
          body: '{"model":"gpt-5","stream":true}',
        });

      const garbage = await call('garbage');
      expect(garbage.status).toBe(502);
      expect(JSON.parse(garbage.body).error.type).toBe('server_error');

      // Headers were sent before the stream broke: the client's response is cut, never completed.
      await expect(call('cut')).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);

      const silent = await call('silent');
      expect(silent.status).toBe(502);
      expect(JSON.parse(silent.body).error.message).toContain('no data from upstream for 300 ms');

      const entries = await harness.journal.waitFor('llm.call', 3);
      expect(entries.map((entry) => entry.severity)).toEqual(['error', 'warn', 'error']);
      expect(String(entries[1]?.payload.error)).toMatch(/^stream ended early: /);
    } finally {
      broken.close();
    }
  });

  it('survives garbage, half-closed sockets and aborted uploads', async () => {
    await setup();
    for (const garbage of ['\x00\x01\x02 nonsense\r\n\r\n', 'GET / HTTP/1.1\r\nbad header line\r\n\r\n']) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(socketPath);
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString();
        });
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
        socket.end(garbage);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
    }
    await new Promise<void>((resolve) => {
      const socket = connect(socketPath, () => {
        socket.write(
          `POST /provider/anthropic/v1/messages HTTP/1.1\r\nhost: x\r\nx-crewship-internal-token: ${token}\r\nx-api-key: ${agentDummyKey('ada')}\r\ncontent-length: 1000\r\n\r\n{"model"`,
        );
        setImmediate(() => {
          socket.destroy();
          resolve();
        });
      });
    });
    respondWith(ANTHROPIC_JSON);
    expect((await anthropicCall()).status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
  });
});
