import {
  type FakeErrorReply,
  type FakeTextReply,
  type FakeToolUseReply,
  isTextReply,
  isToolUseReply,
  resolveUsage,
  splitIntoChunks,
  splitJson,
} from './fake-reply.js';
import { appendEach, namedEvent, sendEmpty, sendJson, sendStream } from './http-reply.js';
import { bodyFlag, type Exchange, requestedModel, type WireFormat } from './wire.js';

const DEFAULT_MODEL = 'claude-sonnet-4-5';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const MODELS = ['claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5'];

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function contentOf(exchange: Exchange, reply: FakeTextReply | FakeToolUseReply): ContentBlock {
  if (isTextReply(reply)) return { type: 'text', text: reply.text };
  return {
    type: 'tool_use',
    id: reply.toolUse.id ?? exchange.newId('toolu_fake_'),
    name: reply.toolUse.name,
    input: reply.toolUse.input,
  };
}

function usageFields(reply: FakeTextReply | FakeToolUseReply) {
  const usage = resolveUsage(reply);
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    output_tokens: usage.outputTokens,
    service_tier: 'standard',
  };
}

function streamEvents(
  message: Record<string, unknown>,
  block: ContentBlock,
  usage: ReturnType<typeof usageFields>,
): string[] {
  const stopReason = block.type === 'tool_use' ? 'tool_use' : 'end_turn';
  const events: string[] = [
    namedEvent({
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ];
  if (block.type === 'text') {
    appendEach(events, [
      namedEvent({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      namedEvent({ type: 'ping' }),
      ...splitIntoChunks(block.text).map((text) =>
        namedEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
      ),
    ]);
  } else {
    appendEach(events, [
      namedEvent({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      }),
      namedEvent({ type: 'ping' }),
      namedEvent({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '' },
      }),
      ...splitJson(JSON.stringify(block.input)).map((partial_json) =>
        namedEvent({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json },
        }),
      ),
    ]);
  }
  events.push(
    namedEvent({ type: 'content_block_stop', index: 0 }),
    namedEvent({
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
    namedEvent({ type: 'message_stop' }),
  );
  return events;
}

async function answerMessages(exchange: Exchange): Promise<void> {
  const reply = exchange.nextReply();
  if (!isTextReply(reply) && !isToolUseReply(reply)) return sendAnthropicError(exchange, reply);
  const requestId = exchange.newId('req_fake_');
  const block = contentOf(exchange, reply);
  const usage = usageFields(reply);
  const message = {
    id: exchange.newId('msg_fake_'),
    type: 'message',
    role: 'assistant',
    model: requestedModel(exchange.request, DEFAULT_MODEL),
  };
  const headers = { 'request-id': requestId, 'anthropic-organization-id': 'org_fake' };
  if (bodyFlag(exchange.request, 'stream') === true) {
    await sendStream(exchange.response, streamEvents(message, block, usage), {
      contentType: 'text/event-stream; charset=utf-8',
      delayMs: reply.delayMs,
      headers,
    });
    return;
  }
  await sendJson(
    exchange.response,
    200,
    {
      ...message,
      content: [block],
      stop_reason: block.type === 'tool_use' ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage,
    },
    { delayMs: reply.delayMs, headers },
  );
}

async function sendAnthropicError(exchange: Exchange, reply: FakeErrorReply): Promise<void> {
  const { status, message, type } = reply.error;
  await sendJson(
    exchange.response,
    status,
    { type: 'error', error: { type: type ?? ERROR_TYPES[status] ?? 'api_error', message } },
    { delayMs: reply.delayMs, headers: { 'request-id': exchange.newId('req_fake_') } },
  );
}

/** Anthropic Messages API: `/v1/messages` (streaming and not), count_tokens, models, root probes. */
export const anthropicWire: WireFormat = {
  async handle(exchange) {
    const { method, path } = exchange.request;
    if (method === 'POST' && path === '/v1/messages') {
      await answerMessages(exchange);
      return true;
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      await sendJson(exchange.response, 200, { input_tokens: 11 });
      return true;
    }
    if (method === 'GET' && path === '/v1/models') {
      await sendJson(exchange.response, 200, {
        data: MODELS.map((id) => ({
          type: 'model',
          id,
          display_name: id,
          created_at: '2025-01-01T00:00:00Z',
        })),
        has_more: false,
        first_id: MODELS[0],
        last_id: MODELS.at(-1),
      });
      return true;
    }
    if ((method === 'HEAD' || method === 'GET') && path === '/') {
      sendEmpty(exchange.response, 200);
      return true;
    }
    return false;
  },
  sendError: sendAnthropicError,
};
