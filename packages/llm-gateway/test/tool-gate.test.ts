import { gunzipSync, gzipSync } from 'node:zlib';
import { agentDummyKey, type LlmProvider, type LlmUsage } from '@crewship/contracts';
import { createFakeProvider, type FakeProvider } from '@crewship/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryCredential } from '../src/testing/index.js';
import { ANTHROPIC_SSE } from '../src/testing/provider-fixtures.js';
import {
  type CountingGuard,
  createCountingGuard,
  createDeferredGate,
  type DeferredGate,
  type LiveResponse,
  openResponse,
  pause,
  waitUntil,
} from './governance-helpers.js';
import {
  authHeaders,
  createHarness,
  type FakeUpstream,
  type Harness,
  socketRequest,
  startFakeUpstream,
  WORKSPACE_ID,
} from './harness.js';

const CREDENTIALS: MemoryCredential[] = [
  { id: 'cred-ant', workspaceId: WORKSPACE_ID, provider: 'anthropic', value: 'sk-ant-api03-REAL' },
  { id: 'cred-openai', workspaceId: WORKSPACE_ID, provider: 'openai', value: 'sk-proj-REAL' },
  { id: 'cred-google', workspaceId: WORKSPACE_ID, provider: 'google', value: 'AIzaREAL' },
];
const TOOL = { name: 'Bash', input: { command: 'ls -la /workspace' } };

let anthropic: FakeProvider;
let openai: FakeProvider;
let gemini: FakeProvider;
let custom: FakeUpstream;
let harness: Harness;
let gate: DeferredGate;
let guard: CountingGuard;
let socketPath: string;
let token: string;

beforeAll(async () => {
  [anthropic, openai, gemini, custom] = await Promise.all([
    createFakeProvider({ kind: 'anthropic' }),
    createFakeProvider({ kind: 'openai' }),
    createFakeProvider({ kind: 'gemini' }),
    startFakeUpstream(),
  ]);
});
afterAll(async () => {
  await Promise.all([anthropic.close(), openai.close(), gemini.close(), custom.close()]);
});
afterEach(async () => {
  // No test may leave an admission behind.
  if (guard) expect(guard.held).toBe(0);
  await harness?.close();
  for (const fake of [anthropic, openai, gemini]) {
    fake.requests.length = 0;
    fake.setScript([{ text: 'ok' }]);
  }
  custom.requests.length = 0;
});

async function setup(options: { anthropicUrl?: string; withGate?: boolean } = {}) {
  gate = createDeferredGate();
  harness = createHarness(CREDENTIALS, {
    upstreams: { anthropic: options.anthropicUrl ?? anthropic.url, openai: openai.url, google: gemini.url },
    journalBodies: true,
    callGuard: { admit: (call) => guard.admit(call) },
    ...(options.withGate === false ? {} : { toolGate: gate }),
  });
  guard = createCountingGuard(harness.metering);
  ({ socketPath, token } = await harness.serve('crew-a'));
}

interface WireCase {
  name: string;
  provider: LlmProvider;
  fake: () => FakeProvider;
  path: string;
  key: () => Record<string, string>;
  body: object;
  /** The last event the client gets before the tool call; null when the tool call comes first. */
  before: string | null;
  /** Where the tool call starts in the body; null for a JSON body (held from its first byte). */
  toolStart: string | null;
  usage: LlmUsage;
}

const anthropicKey = () => ({ 'x-api-key': agentDummyKey('ada') });
const openAiKey = () => ({ authorization: `Bearer ${agentDummyKey('ada')}` });
const googleKey = () => ({ 'x-goog-api-key': agentDummyKey('ada') });
const ANTHROPIC_USAGE = { inputTokens: 11, outputTokens: 7, cacheReadTokens: 3, cacheWriteTokens: 2 };
const CACHED_IN_INPUT_USAGE = { inputTokens: 8, outputTokens: 7, cacheReadTokens: 3, cacheWriteTokens: 0 };

const CASES: WireCase[] = [
  {
    name: 'anthropic messages SSE',
    provider: 'anthropic',
    fake: () => anthropic,
    path: '/provider/anthropic/v1/messages?beta=true',
    key: anthropicKey,
    body: { model: 'claude-sonnet-4-5', stream: true },
    before: 'event: message_start',
    toolStart: 'event: content_block_start',
    usage: ANTHROPIC_USAGE,
  },
  {
    name: 'anthropic messages JSON',
    provider: 'anthropic',
    fake: () => anthropic,
    path: '/provider/anthropic/v1/messages',
    key: anthropicKey,
    body: { model: 'claude-sonnet-4-5' },
    before: null,
    toolStart: null,
    usage: ANTHROPIC_USAGE,
  },
  {
    name: 'openai responses SSE',
    provider: 'openai',
    fake: () => openai,
    path: '/provider/openai/v1/responses',
    key: openAiKey,
    body: { model: 'gpt-5', stream: true },
    before: 'event: response.in_progress',
    toolStart: 'event: response.output_item.added',
    usage: CACHED_IN_INPUT_USAGE,
  },
  {
    name: 'openai responses JSON',
    provider: 'openai',
    fake: () => openai,
    path: '/provider/openai/v1/responses',
    key: openAiKey,
    body: { model: 'gpt-5' },
    before: null,
    toolStart: null,
    usage: CACHED_IN_INPUT_USAGE,
  },
  {
    name: 'openai chat completions SSE',
    provider: 'openai',
    fake: () => openai,
    path: '/provider/openai/v1/chat/completions',
    key: openAiKey,
    body: { model: 'gpt-5', stream: true, stream_options: { include_usage: true } },
    before: null,
    toolStart: 'data: ',
    usage: CACHED_IN_INPUT_USAGE,
  },
  {
    name: 'openai chat completions JSON',
    provider: 'openai',
    fake: () => openai,
    path: '/provider/openai/v1/chat/completions',
    key: openAiKey,
    body: { model: 'gpt-5' },
    before: null,
    toolStart: null,
    usage: CACHED_IN_INPUT_USAGE,
  },
  {
    name: 'gemini streamGenerateContent SSE',
    provider: 'google',
    fake: () => gemini,
    path: '/provider/google/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    key: googleKey,
    body: { contents: [] },
    before: null,
    toolStart: 'data: ',
    usage: CACHED_IN_INPUT_USAGE,
  },
  {
    name: 'gemini streamGenerateContent JSON array',
    provider: 'google',
    fake: () => gemini,
    path: '/provider/google/v1beta/models/gemini-2.5-pro:streamGenerateContent',
    key: googleKey,
    body: { contents: [] },
    before: null,
    toolStart: null,
    usage: CACHED_IN_INPUT_USAGE,
  },
  {
    name: 'gemini generateContent JSON',
    provider: 'google',
    fake: () => gemini,
    path: '/provider/google/v1beta/models/gemini-2.5-flash:generateContent',
    key: googleKey,
    body: { contents: [] },
    before: null,
    toolStart: null,
    usage: CACHED_IN_INPUT_USAGE,
  },
];

function open(wire: WireCase, extraHeaders: Record<string, string> = {}): Promise<LiveResponse> {
  return openResponse(socketPath, {
    path: wire.path,
    headers: authHeaders(token, { 'content-type': 'application/json', ...wire.key(), ...extraHeaders }),
    body: JSON.stringify(wire.body),
  });
}

/** Waits for the gate to be asked and for the pre-tool events; returns what the client had by then. */
async function heldSnapshot(live: LiveResponse, before: string | null): Promise<string> {
  await waitUntil(() => gate.calls.length === 1, 'tool gate asked');
  if (before) {
    await waitUntil(() => {
      const text = live.received().toString('utf8');
      return text.includes(before) && text.endsWith('\n\n');
    }, `client got ${before}`);
  }
  // Room for any byte the gateway wrongly let through to arrive before the snapshot.
  await pause(30);
  return live.received().toString('utf8');
}

async function journaledResponseBody(): Promise<string> {
  const [entry] = await harness.journal.waitFor('llm.call');
  return String(entry?.payload.responseBody);
}

describe('tool gate: every wire format', () => {
  for (const wire of CASES) {
    it(`${wire.name}: holds the tool call until the gate allows, then sends the response byte for byte`, async () => {
      await setup();
      wire.fake().setScript([{ toolUse: TOOL }]);
      const live = await open(wire);
      expect(live.status).toBe(200);
      const snapshot = await heldSnapshot(live, wire.before);
      expect(snapshot).not.toContain('Bash');
      expect(snapshot).not.toContain('ls -la');
      // Metered (and the admission released) while the response is still held.
      expect(harness.metering.events).toHaveLength(1);
      expect(harness.metering.events[0]?.usage).toEqual(wire.usage);
      expect(guard.releases).toEqual([1]);
      expect(gate.calls[0]).toEqual({
        workspaceId: WORKSPACE_ID,
        crewId: 'crew-a',
        agentId: 'agent-ada',
        provider: wire.provider,
        toolCalls: [TOOL],
      });

      gate.answer({ allowed: true });
      const { complete, body } = await live.done;
      expect(complete).toBe(true);
      const text = body.toString('utf8');
      expect(text).toBe(await journaledResponseBody());
      expect(text).toContain('"Bash"');
      const start = wire.toolStart === null ? 0 : text.indexOf(wire.toolStart);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(snapshot).toBe(text.slice(0, start));
      expect(harness.journal.entries.filter((entry) => entry.entryType === 'llm.tool_denied')).toEqual([]);
    });

    it(`${wire.name}: on deny the connection is cut and the tool call never arrives`, async () => {
      await setup();
      wire.fake().setScript([{ toolUse: TOOL }]);
      const live = await open(wire);
      await heldSnapshot(live, wire.before);
      gate.answer({ allowed: false, reason: 'rule no-shell denied Bash' });
      const { complete, body } = await live.done;
      expect(complete).toBe(false);
      expect(body.toString('utf8')).not.toContain('Bash');
      const [entry] = await harness.journal.waitFor('llm.tool_denied');
      expect(entry).toMatchObject({
        severity: 'warn',
        actor: 'agent:ada',
        agentId: 'agent-ada',
        crewId: 'crew-a',
        payload: { provider: wire.provider, tools: ['Bash'], reason: 'rule no-shell denied Bash' },
      });
      expect(guard.releases).toEqual([1]);
    });

    it(`${wire.name}: a response without tool calls is not sent to the gate`, async () => {
      await setup();
      wire.fake().setScript([{ text: 'nothing to run here' }]);
      const live = await open(wire);
      const { complete, body } = await live.done;
      expect(complete).toBe(true);
      expect(body.toString('utf8')).toBe(await journaledResponseBody());
      expect(gate.calls).toHaveLength(0);
      await waitUntil(() => guard.releases.length === 1, 'released');
    });
  }
});

/** A custom upstream that writes `events` one by one, each after `release(index)` resolves. */
function scriptedUpstream(
  events: readonly (string | Buffer)[],
  headers: Record<string, string>,
  waitBefore: (index: number) => Promise<void> = async () => undefined,
) {
  const written: Buffer[] = [];
  custom.handle = async (_request, response) => {
    response.writeHead(200, headers);
    response.flushHeaders();
    for (const [index, event] of events.entries()) {
      await waitBefore(index);
      const bytes = Buffer.from(event);
      written.push(bytes);
      response.write(bytes);
    }
    response.end();
  };
  return written;
}

const anthropicEvent = (data: Record<string, unknown>) =>
  `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
const TEXT_EVENTS = [
  anthropicEvent({ type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } }),
  anthropicEvent({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  anthropicEvent({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'Let me look.' },
  }),
  anthropicEvent({ type: 'content_block_stop', index: 0 }),
];
const TOOL_EVENTS = [
  anthropicEvent({
    type: 'content_block_start',
    index: 1,
    content_block: { type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} },
  }),
  anthropicEvent({
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: '{"path":"/etc/' },
  }),
  anthropicEvent({
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: 'hosts"}' },
  }),
  anthropicEvent({ type: 'content_block_stop', index: 1 }),
  anthropicEvent({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 30 } }),
  anthropicEvent({ type: 'message_stop' }),
];

function anthropicStream(live?: { headers?: Record<string, string> }): Promise<LiveResponse> {
  return openResponse(socketPath, {
    path: '/provider/anthropic/v1/messages',
    headers: authHeaders(token, {
      'content-type': 'application/json',
      'x-api-key': agentDummyKey('ada'),
      ...live?.headers,
    }),
    body: '{"model":"claude-sonnet-4-5","stream":true}',
  });
}

describe('tool gate: streaming behaviour', () => {
  it('streams text events live and holds from the first tool_use event on', async () => {
    await setup({ anthropicUrl: custom.url });
    let client: LiveResponse | undefined;
    const textLength = Buffer.byteLength(TEXT_EVENTS.join(''));
    const written = scriptedUpstream(
      [...TEXT_EVENTS, ...TOOL_EVENTS],
      { 'content-type': 'text/event-stream' },
      async (index) => {
        // The tool call is only produced once the client has seen every text event: they were not held.
        if (index === TEXT_EVENTS.length) {
          await waitUntil(
            () => client !== undefined && client.received().length === textLength,
            'text events live',
          );
        }
      },
    );
    client = await anthropicStream();
    const snapshot = await heldSnapshot(client, null);
    expect(snapshot).toBe(TEXT_EVENTS.join(''));
    expect(gate.calls[0]?.toolCalls).toEqual([{ name: 'Read', input: { path: '/etc/hosts' } }]);
    expect(harness.metering.events[0]?.usage.outputTokens).toBe(30);
    gate.answer({ allowed: true });
    const { complete, body } = await client.done;
    expect(complete).toBe(true);
    expect(body.equals(Buffer.concat(written))).toBe(true);
  });

  it('a text-only stream is never held: each event reaches the client before the next is produced', async () => {
    await setup({ anthropicUrl: custom.url });
    const events = ANTHROPIC_SSE.body.split(/(?<=\n\n)/);
    let client: LiveResponse | undefined;
    let expected = 0;
    scriptedUpstream(events, { 'content-type': 'text/event-stream' }, async (index) => {
      if (index > 0) {
        expected += Buffer.byteLength(events[index - 1]!);
        await waitUntil(
          () => client !== undefined && client.received().length === expected,
          `event ${index}`,
        );
      }
    });
    client = await anthropicStream();
    const { complete, body } = await client.done;
    expect(complete).toBe(true);
    expect(body.toString('utf8')).toBe(ANTHROPIC_SSE.body);
    expect(gate.calls).toHaveLength(0);
    expect((await harness.metering.waitFor(1))[0]?.usage).toEqual(ANTHROPIC_SSE.usage);
  });

  it('asks upstream for identity even when the client accepts gzip, and still holds a gzip stream', async () => {
    await setup({ anthropicUrl: custom.url });
    const { createGzip } = await import('node:zlib');
    const gzip = createGzip();
    const compressed: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => compressed.push(chunk));
    const flushed = async (text: string) => {
      gzip.write(text);
      await new Promise<void>((resolve) => gzip.flush(() => resolve()));
      return Buffer.concat(compressed.splice(0));
    };
    const textPart = await flushed(TEXT_EVENTS.join(''));
    const toolPart = await flushed(TOOL_EVENTS.join(''));
    gzip.end();
    await new Promise((resolve) => gzip.once('end', resolve));
    const tail = Buffer.concat(compressed.splice(0));
    let client: LiveResponse | undefined;
    const written = scriptedUpstream(
      [textPart, toolPart, tail],
      { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' },
      async (index) => {
        if (index === 1) {
          await waitUntil(
            () => client !== undefined && client.received().length === textPart.length,
            'text chunk',
          );
        }
      },
    );
    client = await anthropicStream({ headers: { 'accept-encoding': 'gzip, br' } });
    expect(custom.requests[0]?.headers['accept-encoding']).toBe('identity');
    const snapshot = await heldSnapshot(client, null);
    expect(Buffer.from(snapshot, 'latin1').length).toBeGreaterThan(0);
    expect(client.received().equals(textPart)).toBe(true);
    expect(gate.calls[0]?.toolCalls).toEqual([{ name: 'Read', input: { path: '/etc/hosts' } }]);
    gate.answer({ allowed: true });
    const { complete, body } = await client.done;
    expect(complete).toBe(true);
    expect(body.equals(Buffer.concat(written))).toBe(true);
    expect(gunzipSync(body).toString('utf8')).toBe([...TEXT_EVENTS, ...TOOL_EVENTS].join(''));
    expect(harness.metering.events[0]?.usage.outputTokens).toBe(30);
  });

  it('holds a gzip JSON body and decides on its decoded tool calls', async () => {
    await setup({ anthropicUrl: custom.url });
    const json = JSON.stringify({
      content: [{ type: 'tool_use', id: 't1', name: 'Write', input: { path: '/x', text: 'y' } }],
      usage: { input_tokens: 3, output_tokens: 4 },
    });
    scriptedUpstream([gzipSync(json)], { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    const client = await anthropicStream();
    const snapshot = await heldSnapshot(client, null);
    expect(snapshot).toBe('');
    expect(gate.calls[0]?.toolCalls).toEqual([{ name: 'Write', input: { path: '/x', text: 'y' } }]);
    gate.answer({ allowed: false, reason: 'no writes' });
    expect((await client.done).complete).toBe(false);
  });

  it('a client that leaves while held frees everything; the late verdict is ignored', async () => {
    await setup();
    anthropic.setScript([{ toolUse: TOOL }]);
    const live = await open(CASES[0]!);
    await heldSnapshot(live, 'event: message_start');
    live.abort();
    await live.done;
    await waitUntil(() => guard.releases.length === 1, 'released');
    expect(guard.held).toBe(0);
    gate.answer({ allowed: true });
    await pause(20);
    expect(harness.journal.entries.filter((entry) => entry.entryType === 'llm.tool_denied')).toEqual([]);
    anthropic.setScript([{ text: 'still serving' }]);
    const next = await open(CASES[0]!);
    expect((await next.done).body.toString('utf8')).toContain('serving');
  });

  it('a client that leaves while upstream is still streaming the held tool call frees everything', async () => {
    await setup({ anthropicUrl: custom.url });
    let client: LiveResponse | undefined;
    let upstreamGone = false;
    custom.handle = async (_request, response) => {
      response.on('close', () => {
        upstreamGone = true;
      });
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(TEXT_EVENTS[0]);
      response.write(TOOL_EVENTS[0]);
      await waitUntil(() => client !== undefined && client.received().length > 0, 'client got the text');
      client?.abort();
    };
    client = await anthropicStream();
    await waitUntil(() => upstreamGone, 'upstream cut');
    await waitUntil(() => guard.releases.length === 1, 'released');
    expect(client.received().toString('utf8')).toBe(TEXT_EVENTS[0]);
    expect(gate.calls).toHaveLength(0);
    expect(harness.metering.events[0]?.usage.inputTokens).toBe(5);
  });

  it('fails closed when the gate throws', async () => {
    await setup();
    anthropic.setScript([{ toolUse: TOOL }]);
    const live = await open(CASES[0]!);
    await heldSnapshot(live, 'event: message_start');
    gate.answer(new Error('approvals database locked'));
    const { complete, body } = await live.done;
    expect(complete).toBe(false);
    expect(body.toString('utf8')).not.toContain('Bash');
    const [entry] = await harness.journal.waitFor('llm.tool_denied');
    expect(entry?.payload).toMatchObject({ tools: ['Bash'], reason: 'the tool gate failed' });
  });

  it('passes error responses through without asking the gate', async () => {
    await setup();
    anthropic.setScript([{ error: { status: 400, message: 'bad tool schema' } }]);
    const response = await socketRequest(socketPath, {
      method: 'POST',
      path: '/provider/anthropic/v1/messages',
      headers: authHeaders(token, anthropicKey()),
      body: '{"model":"claude-sonnet-4-5"}',
    });
    expect(response.status).toBe(400);
    expect(gate.calls).toHaveLength(0);
  });

  it('without a tool gate, tool calls stream straight through', async () => {
    await setup({ withGate: false });
    anthropic.setScript([{ toolUse: TOOL }]);
    const live = await open(CASES[0]!);
    const { complete, body } = await live.done;
    expect(complete).toBe(true);
    expect(body.toString('utf8')).toContain('"Bash"');
    expect(gate.calls).toHaveLength(0);
  });
});
