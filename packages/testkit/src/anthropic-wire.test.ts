import { afterEach, describe, expect, it } from 'vitest';
import { createFakeProvider, type FakeProvider, type FakeReply, parseServerSentEvents } from './index.js';

/** JSON.parse keeps response bodies loosely typed, as test assertions want them. */
const json = async (response: Response) => JSON.parse(await response.text());

let provider: FakeProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

async function start(script?: FakeReply[]): Promise<FakeProvider> {
  provider = await createFakeProvider({ kind: 'anthropic', ...(script ? { script } : {}) });
  return provider;
}

function post(url: string, body: unknown, path = '/v1/messages?beta=true'): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'sk-ant-dummy',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
}

const request = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('anthropic fake provider', () => {
  it('streams a text reply as Messages API events', async () => {
    const { url } = await start([{ text: 'Hello there, friend' }]);
    const response = await post(url, { ...request, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseServerSentEvents(await response.text());
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((event) => JSON.parse(event.data));
    for (const [index, event] of events.entries()) expect(data[index].type).toBe(event.event);
    expect(data[0].message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      stop_reason: null,
      usage: { input_tokens: 11, cache_creation_input_tokens: 2, cache_read_input_tokens: 3 },
    });
    expect(data[0].message.id).toMatch(/^msg_/);
    expect(data[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    const text = data
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => {
        expect(event.delta.type).toBe('text_delta');
        return event.delta.text;
      })
      .join('');
    expect(text).toBe('Hello there, friend');
    expect(data[7]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 7 },
    });
  });

  it('streams a tool use as a tool_use block with input_json_delta chunks', async () => {
    const { url } = await start([
      { toolUse: { name: 'Bash', input: { command: 'echo hi', description: 'Print hi' }, id: 'toolu_1' } },
    ]);
    const events = parseServerSentEvents(await (await post(url, { ...request, stream: true })).text());
    const data = events.map((event) => JSON.parse(event.data));
    expect(data[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} },
    });
    const deltas = data.filter((event) => event.type === 'content_block_delta');
    expect(deltas.length).toBeGreaterThan(1);
    const partialJson = deltas
      .map((event) => {
        expect(event.delta.type).toBe('input_json_delta');
        return event.delta.partial_json;
      })
      .join('');
    expect(JSON.parse(partialJson)).toEqual({ command: 'echo hi', description: 'Print hi' });
    expect(data.find((event) => event.type === 'message_delta').delta.stop_reason).toBe('tool_use');
    expect(data.at(-1)).toEqual({ type: 'message_stop' });
  });

  it('answers without stream with a Message JSON', async () => {
    const { url } = await start([
      { text: 'plain', usage: { inputTokens: 100, outputTokens: 50 } },
      { toolUse: { name: 'Read', input: { path: 'a' } } },
    ]);
    const first = await json(await post(url, request));
    expect(first).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'plain' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 100,
        output_tokens: 50,
        cache_read_input_tokens: 3,
        cache_creation_input_tokens: 2,
      },
    });
    const second = await json(await post(url, request));
    expect(second.stop_reason).toBe('tool_use');
    expect(second.content).toEqual([
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'Read', input: { path: 'a' } },
    ]);
  });

  it('answers errors with the Anthropic error shape and status', async () => {
    const { url } = await start([
      { error: { status: 429, message: 'slow down' } },
      { error: { status: 529, message: 'busy', type: 'overloaded_error' } },
    ]);
    const limited = await post(url, { ...request, stream: true });
    expect(limited.status).toBe(429);
    expect(await json(limited)).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down' },
    });
    const overloaded = await post(url, request);
    expect(overloaded.status).toBe(529);
    expect(await json(overloaded)).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'busy' },
    });
  });

  it('records the request, auth header included, and answers probes without consuming the script', async () => {
    const fake = await start([{ text: 'first' }, { text: 'second' }]);
    expect((await fetch(`${fake.url}/`, { method: 'HEAD' })).status).toBe(200);
    const count = await post(fake.url, request, '/v1/messages/count_tokens');
    expect(await json(count)).toEqual({ input_tokens: 11 });
    const models = await json(await fetch(`${fake.url}/v1/models`));
    expect(models.data.map((model: { id: string }) => model.id)).toContain('claude-sonnet-4-5');
    const message = await json(await post(fake.url, request));
    expect(message.content[0].text).toBe('first');

    const recorded = fake.requests.at(-1);
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      query: { beta: 'true' },
      body: request,
    });
    expect(recorded?.headers['x-api-key']).toBe('sk-ant-dummy');
    expect(recorded?.headers['anthropic-version']).toBe('2023-06-01');
    expect(fake.requests.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'HEAD /',
      'POST /v1/messages/count_tokens',
      'GET /v1/models',
      'POST /v1/messages',
    ]);
  });
});
