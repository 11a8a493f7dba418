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
  provider = await createFakeProvider({ kind: 'openai', ...(script ? { script } : {}) });
  return provider;
}

function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-dummy-openai' },
    body: JSON.stringify(body),
  });
}

async function events(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  return parseServerSentEvents(await response.text());
}

const responsesRequest = { model: 'gpt-5.5', input: 'say hi', stream: true };
const chatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'say hi' }] };

describe('openai fake provider: Responses API', () => {
  it('streams a text reply with the Responses event sequence and usage', async () => {
    const { url } = await start([{ text: 'Hello from fake' }]);
    const stream = await events(await post(url, '/v1/responses', responsesRequest));
    expect(stream.map((event) => event.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const data = stream.map((event) => JSON.parse(event.data));
    expect(data.map((event) => event.sequence_number)).toEqual(data.map((_, index) => index));
    for (const [index, event] of stream.entries()) expect(data[index].type).toBe(event.event);
    expect(data[0].response).toMatchObject({ object: 'response', status: 'in_progress', model: 'gpt-5.5' });
    const deltas = data
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta);
    expect(deltas.join('')).toBe('Hello from fake');
    expect(data[7].text).toBe('Hello from fake');
    const completed = data.at(-1).response;
    expect(completed.status).toBe('completed');
    expect(completed.output).toEqual([
      {
        id: expect.stringMatching(/^msg_/),
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Hello from fake' }],
      },
    ]);
    expect(completed.usage).toEqual({
      input_tokens: 11,
      input_tokens_details: { cached_tokens: 3 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 18,
    });
  });

  it('streams a tool use as a function_call item with argument deltas', async () => {
    const { url } = await start([
      { toolUse: { name: 'exec_command', input: { cmd: 'echo hi' }, id: 'call_7' } },
    ]);
    const stream = await events(await post(url, '/v1/responses', responsesRequest));
    const names = stream.map((event) => event.event);
    expect(names.slice(0, 3)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
    ]);
    expect(names.slice(-4)).toEqual([
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const data = stream.map((event) => JSON.parse(event.data));
    const added = data[2].item;
    expect(added).toMatchObject({
      type: 'function_call',
      name: 'exec_command',
      call_id: 'call_7',
      arguments: '',
    });
    const deltas = data.filter((event) => event.type === 'response.function_call_arguments.delta');
    expect(deltas.length).toBeGreaterThan(1);
    for (const delta of deltas) expect(delta.item_id).toBe(added.id);
    expect(JSON.parse(deltas.map((event) => event.delta).join(''))).toEqual({ cmd: 'echo hi' });
    expect(data.at(-1).response.output[0]).toMatchObject({
      type: 'function_call',
      status: 'completed',
      arguments: '{"cmd":"echo hi"}',
    });
  });

  it('answers without stream with a Response object', async () => {
    const { url } = await start([
      { text: 'plain', usage: { inputTokens: 40, cacheReadTokens: 30, reasoningTokens: 5 } },
    ]);
    const body = await json(await post(url, '/v1/responses', { ...responsesRequest, stream: false }));
    expect(body).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-5.5' });
    expect(body.output[0].content[0].text).toBe('plain');
    expect(body.usage).toEqual({
      input_tokens: 40,
      input_tokens_details: { cached_tokens: 30 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 5 },
      total_tokens: 47,
    });
  });
});

describe('openai fake provider: Chat Completions', () => {
  it('streams text chunks, a usage chunk when asked, then [DONE]', async () => {
    const { url } = await start([{ text: 'Hi there you' }]);
    const stream = await events(
      await post(url, '/v1/chat/completions', {
        ...chatRequest,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(stream.every((event) => event.event === undefined)).toBe(true);
    expect(stream.at(-1)?.data).toBe('[DONE]');
    const chunks = stream.slice(0, -1).map((event) => JSON.parse(event.data));
    for (const chunk of chunks)
      expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-4.1' });
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const text = chunks.flatMap((chunk) =>
      chunk.choices.map((choice: { delta: { content?: string } }) => choice.delta.content ?? ''),
    );
    expect(text.join('')).toBe('Hi there you');
    const finish = chunks.at(-2);
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(finish.usage).toBeNull();
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({
      prompt_tokens: 11,
      completion_tokens: 7,
      total_tokens: 18,
      prompt_tokens_details: { cached_tokens: 3 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('omits the usage chunk unless stream_options.include_usage is set', async () => {
    const { url } = await start();
    const stream = await events(await post(url, '/v1/chat/completions', { ...chatRequest, stream: true }));
    const chunks = stream.slice(0, -1).map((event) => JSON.parse(event.data));
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('streams tool calls as delta.tool_calls', async () => {
    const { url } = await start([{ toolUse: { name: 'shell', input: { command: ['echo', 'hi'] } } }]);
    const stream = await events(await post(url, '/v1/chat/completions', { ...chatRequest, stream: true }));
    const chunks = stream.slice(0, -1).map((event) => JSON.parse(event.data));
    const calls = chunks.flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'shell' },
    });
    expect(
      JSON.parse(calls.map((call: { function: { arguments: string } }) => call.function.arguments).join('')),
    ).toEqual({
      command: ['echo', 'hi'],
    });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers without stream with a chat.completion', async () => {
    const { url } = await start([{ text: 'plain' }, { toolUse: { name: 'shell', input: { a: 1 } } }]);
    const text = await json(await post(url, '/v1/chat/completions', chatRequest));
    expect(text).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4.1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'plain' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    });
    const tool = await json(await post(url, '/v1/chat/completions', chatRequest));
    expect(tool.choices[0].finish_reason).toBe('tool_calls');
    expect(tool.choices[0].message.tool_calls[0]).toMatchObject({
      type: 'function',
      function: { name: 'shell', arguments: '{"a":1}' },
    });
  });
});

describe('openai fake provider: errors, models, recording', () => {
  it('answers errors with the OpenAI error shape', async () => {
    const { url } = await start([{ error: { status: 401, message: 'Incorrect API key provided' } }]);
    for (const path of ['/v1/responses', '/v1/chat/completions']) {
      const response = await post(url, path, responsesRequest);
      expect(response.status).toBe(401);
      expect(await json(response)).toEqual({
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
    }
  });

  it('lists models and records the bearer token', async () => {
    const fake = await start();
    const models = await json(
      await fetch(`${fake.url}/v1/models`, { headers: { authorization: 'Bearer x' } }),
    );
    expect(models.object).toBe('list');
    expect(models.data.length).toBeGreaterThan(0);
    await post(fake.url, '/v1/responses', responsesRequest);
    expect(fake.requests.map((entry) => entry.path)).toEqual(['/v1/models', '/v1/responses']);
    expect(fake.requests[1]?.headers.authorization).toBe('Bearer sk-dummy-openai');
    expect(fake.requests[1]?.body).toEqual(responsesRequest);
  });
});
