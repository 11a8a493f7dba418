import type { LlmProvider, LlmUsage } from '@crewship/contracts';

/** A response body in a provider's real wire format, with the usage the gateway must read from it. */
export interface UsageFixture {
  name: string;
  provider: LlmProvider;
  contentType: string;
  body: string;
  usage: LlmUsage;
}

const sse = (events: readonly (readonly [string | null, unknown])[]) =>
  events
    .map(
      ([event, data]) =>
        `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
    )
    .join('');

export const ANTHROPIC_SSE: UsageFixture = {
  name: 'anthropic messages stream',
  provider: 'anthropic',
  contentType: 'text/event-stream; charset=utf-8',
  body: sse([
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id: 'msg_01',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4',
          content: [],
          stop_reason: null,
          usage: {
            input_tokens: 1234,
            cache_creation_input_tokens: 200,
            cache_read_input_tokens: 3000,
            output_tokens: 1,
          },
        },
      },
    ],
    [
      'content_block_start',
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    ],
    ['ping', { type: 'ping' }],
    [
      'content_block_delta',
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Héllo ✓' } },
    ],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 56 },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  ]),
  usage: { inputTokens: 1234, outputTokens: 56, cacheReadTokens: 3000, cacheWriteTokens: 200 },
};

export const ANTHROPIC_JSON: UsageFixture = {
  name: 'anthropic messages json',
  provider: 'anthropic',
  contentType: 'application/json',
  body: JSON.stringify({
    id: 'msg_02',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4',
    content: [{ type: 'text', text: 'Hello' }],
    stop_reason: 'end_turn',
    usage: {
      input_tokens: 321,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 17,
      output_tokens: 9,
    },
  }),
  usage: { inputTokens: 321, outputTokens: 9, cacheReadTokens: 17, cacheWriteTokens: 0 },
};

export const OPENAI_RESPONSES_SSE: UsageFixture = {
  name: 'openai responses stream',
  provider: 'openai',
  contentType: 'text/event-stream',
  body: sse([
    [
      'response.created',
      { type: 'response.created', response: { id: 'resp_1', status: 'in_progress', usage: null } },
    ],
    ['response.output_text.delta', { type: 'response.output_text.delta', item_id: 'msg_1', delta: 'Hi' }],
    [
      'response.completed',
      {
        type: 'response.completed',
        response: {
          id: 'resp_1',
          status: 'completed',
          usage: {
            input_tokens: 900,
            input_tokens_details: { cached_tokens: 100 },
            output_tokens: 42,
            output_tokens_details: { reasoning_tokens: 10 },
            total_tokens: 942,
          },
        },
      },
    ],
  ]),
  usage: { inputTokens: 800, outputTokens: 42, cacheReadTokens: 100, cacheWriteTokens: 0 },
};

export const OPENAI_RESPONSES_JSON: UsageFixture = {
  name: 'openai responses json',
  provider: 'openai',
  contentType: 'application/json',
  body: JSON.stringify({
    id: 'resp_2',
    object: 'response',
    status: 'completed',
    output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hi' }] }],
    usage: {
      input_tokens: 77,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 5,
      total_tokens: 82,
    },
  }),
  usage: { inputTokens: 77, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
};

export const OPENAI_CHAT_SSE: UsageFixture = {
  name: 'openai chat completions stream',
  provider: 'openai',
  contentType: 'text/event-stream',
  body: sse([
    [
      null,
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' } }],
        usage: null,
      },
    ],
    [
      null,
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        usage: null,
      },
    ],
    [
      null,
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        choices: [],
        usage: {
          prompt_tokens: 300,
          completion_tokens: 20,
          total_tokens: 320,
          prompt_tokens_details: { cached_tokens: 50 },
        },
      },
    ],
    [null, '[DONE]'],
  ]),
  usage: { inputTokens: 250, outputTokens: 20, cacheReadTokens: 50, cacheWriteTokens: 0 },
};

export const OPENAI_CHAT_JSON: UsageFixture = {
  name: 'openai chat completions json',
  provider: 'openai',
  contentType: 'application/json',
  body: JSON.stringify({
    id: 'chatcmpl-2',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 64, completion_tokens: 8, total_tokens: 72 },
  }),
  usage: { inputTokens: 64, outputTokens: 8, cacheReadTokens: 0, cacheWriteTokens: 0 },
};

const geminiChunks = [
  {
    candidates: [{ content: { parts: [{ text: 'Hel' }], role: 'model' } }],
    usageMetadata: { promptTokenCount: 500, candidatesTokenCount: 2, totalTokenCount: 502 },
    modelVersion: 'gemini-2.5-pro',
  },
  {
    candidates: [{ content: { parts: [{ text: 'lo' }], role: 'model' }, finishReason: 'STOP' }],
    usageMetadata: {
      promptTokenCount: 500,
      candidatesTokenCount: 30,
      thoughtsTokenCount: 12,
      cachedContentTokenCount: 100,
      totalTokenCount: 642,
    },
    modelVersion: 'gemini-2.5-pro',
  },
];

export const GEMINI_SSE: UsageFixture = {
  name: 'gemini streamGenerateContent alt=sse',
  provider: 'google',
  contentType: 'text/event-stream',
  body: geminiChunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join(''),
  usage: { inputTokens: 400, outputTokens: 42, cacheReadTokens: 100, cacheWriteTokens: 0 },
};

export const GEMINI_JSON: UsageFixture = {
  name: 'gemini generateContent json',
  provider: 'google',
  contentType: 'application/json; charset=UTF-8',
  body: JSON.stringify({
    candidates: [{ content: { parts: [{ text: 'Hello' }], role: 'model' }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 6, totalTokenCount: 46 },
  }),
  usage: { inputTokens: 40, outputTokens: 6, cacheReadTokens: 0, cacheWriteTokens: 0 },
};

export const GEMINI_JSON_ARRAY: UsageFixture = {
  name: 'gemini streamGenerateContent json array',
  provider: 'google',
  contentType: 'application/json; charset=UTF-8',
  body: `[${geminiChunks.map((chunk) => JSON.stringify(chunk)).join(',\r\n')}]`,
  usage: { inputTokens: 400, outputTokens: 42, cacheReadTokens: 100, cacheWriteTokens: 0 },
};

export const USAGE_FIXTURES: readonly UsageFixture[] = [
  ANTHROPIC_SSE,
  ANTHROPIC_JSON,
  OPENAI_RESPONSES_SSE,
  OPENAI_RESPONSES_JSON,
  OPENAI_CHAT_SSE,
  OPENAI_CHAT_JSON,
  GEMINI_SSE,
  GEMINI_JSON,
  GEMINI_JSON_ARRAY,
];
