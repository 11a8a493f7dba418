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
  provider = await createFakeProvider({ kind: 'gemini', ...(script ? { script } : {}) });
  return provider;
}

function post(url: string, path: string, body: unknown = request): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'dummy-gemini-key' },
    body: JSON.stringify(body),
  });
}

const request = { contents: [{ role: 'user', parts: [{ text: 'say hi' }] }] };
const streamPath = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';

describe('gemini fake provider', () => {
  it('streams text as SSE GenerateContentResponse chunks with usage on the last one', async () => {
    const { url } = await start([{ text: 'Hello from the fake' }]);
    const response = await post(url, streamPath);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const raw = await response.text();
    expect(raw.startsWith('data: {')).toBe(true);
    const chunks = parseServerSentEvents(raw).map((event) => JSON.parse(event.data));
    expect(chunks).toHaveLength(4);
    const text = chunks.map((chunk) => chunk.candidates[0].content.parts[0].text).join('');
    expect(text).toBe('Hello from the fake');
    for (const chunk of chunks) {
      expect(chunk.candidates[0].content.role).toBe('model');
      expect(chunk.modelVersion).toBe('gemini-2.5-flash');
    }
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates[0].finishReason === undefined)).toBe(true);
    const last = chunks.at(-1);
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.usageMetadata).toMatchObject({
      promptTokenCount: 11,
      candidatesTokenCount: 7,
      totalTokenCount: 18,
      cachedContentTokenCount: 3,
    });
  });

  it('streams a function call part', async () => {
    const { url } = await start([{ toolUse: { name: 'run_shell_command', input: { command: 'echo hi' } } }]);
    const chunks = parseServerSentEvents(await (await post(url, streamPath)).text()).map((event) =>
      JSON.parse(event.data),
    );
    expect(chunks).toHaveLength(1);
    expect(chunks[0].candidates[0]).toMatchObject({
      content: {
        role: 'model',
        parts: [{ functionCall: { name: 'run_shell_command', args: { command: 'echo hi' } } }],
      },
      finishReason: 'STOP',
    });
    expect(chunks[0].usageMetadata.candidatesTokenCount).toBe(7);
  });

  it('answers generateContent with one response, and streamGenerateContent without alt=sse as a JSON array', async () => {
    const { url } = await start([{ text: 'one two', usage: { reasoningTokens: 4 } }]);
    const single = await json(await post(url, '/v1beta/models/gemini-2.5-pro:generateContent'));
    expect(single.candidates[0].content.parts).toEqual([{ text: 'one two' }]);
    expect(single.modelVersion).toBe('gemini-2.5-pro');
    expect(single.usageMetadata).toMatchObject({ totalTokenCount: 22, thoughtsTokenCount: 4 });
    const array = await json(await post(url, '/v1beta/models/gemini-2.5-pro:streamGenerateContent'));
    expect(
      array.map(
        (chunk: { candidates: { content: { parts: { text: string }[] } }[] }) =>
          chunk.candidates[0]?.content.parts[0]?.text,
      ),
    ).toEqual(['one ', 'two']);
  });

  it('answers errors with the Gemini error shape', async () => {
    const { url } = await start([
      { error: { status: 429, message: 'Quota exceeded' } },
      { error: { status: 400, message: 'API key not valid', type: 'INVALID_ARGUMENT' } },
    ]);
    const limited = await post(url, streamPath);
    expect(limited.status).toBe(429);
    expect(await json(limited)).toEqual({
      error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' },
    });
    const invalid = await post(url, '/v1beta/models/gemini-2.5-flash:generateContent');
    expect(invalid.status).toBe(400);
    expect(await json(invalid)).toEqual({
      error: { code: 400, message: 'API key not valid', status: 'INVALID_ARGUMENT' },
    });
  });

  it('counts tokens, lists models and records ?key= and x-goog-api-key', async () => {
    const fake = await start([{ text: 'first' }]);
    const count = await json(
      await post(fake.url, '/v1beta/models/gemini-2.5-flash:countTokens?key=query-key'),
    );
    expect(count.totalTokens).toBe(11);
    const list = await json(await fetch(`${fake.url}/v1beta/models`));
    expect(list.models.map((model: { name: string }) => model.name)).toContain('models/gemini-2.5-flash');
    const one = await json(await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash`));
    expect(one.name).toBe('models/gemini-2.5-flash');
    await post(fake.url, streamPath);
    expect(fake.requests[0]?.query).toEqual({ key: 'query-key' });
    const generate = fake.requests.at(-1);
    expect(generate).toMatchObject({
      method: 'POST',
      path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
      query: { alt: 'sse' },
      body: request,
    });
    expect(generate?.headers['x-goog-api-key']).toBe('dummy-gemini-key');
  });
});
