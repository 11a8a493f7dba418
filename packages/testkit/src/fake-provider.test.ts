import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { isCrewshipError, type Logger } from '@crewship/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFakeProvider,
  type FakeProvider,
  type FakeProviderOptions,
  type FakeReply,
  readServerSentEvents,
} from './index.js';

/** JSON.parse keeps response bodies loosely typed, as test assertions want them. */
const json = async (response: Response) => JSON.parse(await response.text());

const providers: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close()));
});

async function start(options: FakeProviderOptions): Promise<FakeProvider> {
  const provider = await createFakeProvider(options);
  providers.push(provider);
  return provider;
}

async function ask(provider: FakeProvider, content = 'hi'): Promise<string> {
  const response = await fetch(`${provider.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content }] }),
  });
  const body = await json(response);
  return body.content?.[0]?.text ?? `error ${response.status}`;
}

function recordingLogger() {
  const warnings: { message: string; fields: unknown }[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn(message, fields) {
      warnings.push({ message, fields });
    },
    error() {},
    child() {
      return logger;
    },
  };
  return { logger, warnings };
}

describe('createFakeProvider', () => {
  it('listens on 127.0.0.1 and replies "ok" without a script', async () => {
    const provider = await start({ kind: 'anthropic' });
    expect(provider.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await ask(provider)).toBe('ok');
    expect(await ask(provider)).toBe('ok');
  });

  it('consumes scripted replies in order and repeats the last one', async () => {
    const provider = await start({ kind: 'anthropic', script: [{ text: 'one' }, { text: 'two' }] });
    expect([await ask(provider), await ask(provider), await ask(provider)]).toEqual(['one', 'two', 'two']);
    provider.setScript([{ text: 'three' }, { error: { status: 500, message: 'boom' } }]);
    expect([await ask(provider), await ask(provider), await ask(provider)]).toEqual([
      'three',
      'error 500',
      'error 500',
    ]);
  });

  it('asks a script function for each reply with the recorded request', async () => {
    const provider = await start({
      kind: 'anthropic',
      script: (request) => {
        const body = request.body as { messages: { content: string }[] };
        return { text: `echo ${body.messages[0]?.content}` };
      },
    });
    expect(await ask(provider, 'alpha')).toBe('echo alpha');
    expect(await ask(provider, 'beta')).toBe('echo beta');
  });

  it('rejects malformed scripts with invalid_input', async () => {
    const invalid = [
      [],
      [{ text: 1 }],
      [{ error: { status: 200, message: 'x' } }],
      [{ text: 'a', usage: { inputTokens: -1 } }],
      [{ text: 'a', toolUse: { name: 'x', input: {} } }],
    ] as unknown as FakeReply[][];
    for (const script of invalid) {
      const failure = await createFakeProvider({ kind: 'openai', script }).catch((error: unknown) => error);
      expect(isCrewshipError(failure) && failure.kind).toBe('invalid_input');
    }
    const provider = await start({ kind: 'openai' });
    expect(() => provider.setScript([{ nope: true } as unknown as FakeReply])).toThrow(
      /Invalid fake provider reply/,
    );
  });

  it('answers 500 in the provider shape when a script function returns garbage', async () => {
    const provider = await start({ kind: 'gemini', script: () => ({ wrong: 1 }) as unknown as FakeReply });
    const response = await fetch(`${provider.url}/v1beta/models/m:generateContent`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(500);
    expect((await json(response)).error).toMatchObject({ code: 500, status: 'INTERNAL' });
  });

  it('records method, path, query, lower-cased headers and the body before replying', async () => {
    const provider = await start({ kind: 'openai', script: [{ text: 'hi', delayMs: 60_000 }] });
    const controller = new AbortController();
    const pending = fetch(`${provider.url}/v1/responses?trace=1&key=k`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-test', 'X-Custom': 'A' },
      body: JSON.stringify({ model: 'gpt-5.5', input: 'x' }),
      signal: controller.signal,
    }).catch(() => 'aborted');
    await expect.poll(() => provider.requests.length).toBe(1);
    const [recorded] = provider.requests;
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/v1/responses',
      query: { trace: '1', key: 'k' },
      body: { model: 'gpt-5.5', input: 'x' },
    });
    expect(recorded?.headers).toMatchObject({ authorization: 'Bearer sk-test', 'x-custom': 'A' });
    expect(Number.isNaN(Date.parse(recorded?.at ?? ''))).toBe(false);
    controller.abort();
    expect(await pending).toBe('aborted');
  });

  it('decodes gzip bodies and keeps non-JSON bodies as text', async () => {
    const provider = await start({ kind: 'anthropic' });
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(
        `${provider.url}/v1/messages`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
        (response) => response.resume().on('end', resolve),
      );
      request.on('error', reject);
      request.end(gzipSync(JSON.stringify({ model: 'zipped', messages: [] })));
    });
    await fetch(`${provider.url}/v1/messages/count_tokens`, { method: 'POST', body: 'not json' });
    expect(provider.requests.map((entry) => entry.body)).toEqual([
      { model: 'zipped', messages: [] },
      'not json',
    ]);
  });

  it('logs unknown routes and answers 404 in the provider error shape', async () => {
    const { logger, warnings } = recordingLogger();
    const provider = await start({ kind: 'anthropic', logger });
    const response = await fetch(`${provider.url}/api/hello`);
    expect(response.status).toBe(404);
    expect((await json(response)).type).toBe('error');
    expect(warnings).toEqual([
      {
        message: 'fake provider: unknown route',
        fields: { kind: 'anthropic', method: 'GET', path: '/api/hello' },
      },
    ]);
    expect(provider.requests.map((entry) => entry.path)).toEqual(['/api/hello']);
  });

  it('writes SSE events one at a time, so the first arrives while later ones are still delayed', async () => {
    const provider = await start({ kind: 'anthropic', script: [{ text: 'a b c', delayMs: 60_000 }] });
    const controller = new AbortController();
    const response = await fetch(`${provider.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true, messages: [] }),
      signal: controller.signal,
    });
    const events = readServerSentEvents(response);
    const first = await events.next();
    expect(first.value?.event).toBe('message_start');
    controller.abort();
    await events.return(undefined).catch(() => undefined);
    provider.setScript([{ text: 'still serving' }]);
    expect(await ask(provider)).toBe('still serving');
  });

  it('streams replies far longer than the call stack (200,000 deltas) on every streaming route', async () => {
    const text = 'word '.repeat(200_000);
    const anthropic = await start({ kind: 'anthropic', script: [{ text }] });
    const openai = await start({ kind: 'openai', script: [{ text }] });
    const streams = [
      [anthropic, '/v1/messages', 'content_block_delta'],
      [openai, '/v1/responses', 'response.output_text.delta'],
      [openai, '/v1/chat/completions', undefined],
    ] as const;
    for (const [provider, path, deltaEvent] of streams) {
      const response = await fetch(`${provider.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'go' }] }),
      });
      expect(response.status).toBe(200);
      let deltas = 0;
      for await (const event of readServerSentEvents(response))
        if (event.event === deltaEvent && event.data.includes('"word')) deltas++;
      expect(deltas, path).toBeGreaterThanOrEqual(200_000);
    }
  });

  it('stops accepting connections after close', async () => {
    const provider = await createFakeProvider({ kind: 'gemini' });
    await provider.close();
    await expect(fetch(`${provider.url}/v1beta/models`)).rejects.toThrow();
  });
});
