import {
  type FakeErrorReply,
  type FakeTextReply,
  type FakeToolUseReply,
  isTextReply,
  isToolUseReply,
  type ResolvedUsage,
  resolveUsage,
  splitIntoChunks,
  splitJson,
} from './fake-reply.js';
import { appendEach, dataEvent, namedEvent, sendJson, sendStream } from './http-reply.js';
import { bodyFlag, type Exchange, nowSeconds, requestedModel, type WireFormat } from './wire.js';

const DEFAULT_MODEL = 'gpt-5';
const MODELS = ['gpt-5', 'gpt-5-mini', 'gpt-5-codex', 'gpt-4.1'];
const SSE = 'text/event-stream; charset=utf-8';

const ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: null },
};

type ModelReply = FakeTextReply | FakeToolUseReply;

function responsesUsage(usage: ResolvedUsage) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function chatUsage(usage: ResolvedUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function responseSkeleton(exchange: Exchange) {
  return {
    id: exchange.newId('resp_fake_'),
    object: 'response',
    created_at: nowSeconds(),
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: requestedModel(exchange.request, DEFAULT_MODEL),
    output: [] as unknown[],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: null as unknown,
    metadata: {},
  };
}

function responsesItem(exchange: Exchange, reply: ModelReply) {
  if (isTextReply(reply)) {
    return {
      id: exchange.newId('msg_fake_'),
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text: reply.text }],
    } as const;
  }
  return {
    id: exchange.newId('fc_fake_'),
    type: 'function_call',
    status: 'completed',
    arguments: JSON.stringify(reply.toolUse.input),
    call_id: reply.toolUse.id ?? exchange.newId('call_fake_'),
    name: reply.toolUse.name,
  } as const;
}

function responsesStream(
  skeleton: ReturnType<typeof responseSkeleton>,
  item: ReturnType<typeof responsesItem>,
  usage: ResolvedUsage,
): string[] {
  let sequence = 0;
  const event = (data: { type: string; [key: string]: unknown }) =>
    namedEvent({ ...data, sequence_number: sequence++ });
  const events = [
    event({ type: 'response.created', response: skeleton }),
    event({ type: 'response.in_progress', response: skeleton }),
  ];
  const base = { item_id: item.id, output_index: 0 };
  if (item.type === 'message') {
    const part = item.content[0];
    appendEach(events, [
      event({
        type: 'response.output_item.added',
        output_index: 0,
        item: { ...item, status: 'in_progress', content: [] },
      }),
      event({ type: 'response.content_part.added', ...base, content_index: 0, part: { ...part, text: '' } }),
      ...splitIntoChunks(part.text).map((delta) =>
        event({ type: 'response.output_text.delta', ...base, content_index: 0, delta, logprobs: [] }),
      ),
      event({ type: 'response.output_text.done', ...base, content_index: 0, text: part.text, logprobs: [] }),
      event({ type: 'response.content_part.done', ...base, content_index: 0, part }),
    ]);
  } else {
    appendEach(events, [
      event({
        type: 'response.output_item.added',
        output_index: 0,
        item: { ...item, status: 'in_progress', arguments: '' },
      }),
      ...splitJson(item.arguments).map((delta) =>
        event({ type: 'response.function_call_arguments.delta', ...base, delta }),
      ),
      event({
        type: 'response.function_call_arguments.done',
        ...base,
        name: item.name,
        arguments: item.arguments,
      }),
    ]);
  }
  events.push(
    event({ type: 'response.output_item.done', output_index: 0, item }),
    event({
      type: 'response.completed',
      response: { ...skeleton, status: 'completed', output: [item], usage: responsesUsage(usage) },
    }),
  );
  return events;
}

async function answerResponses(exchange: Exchange): Promise<void> {
  const reply = exchange.nextReply();
  if (!isTextReply(reply) && !isToolUseReply(reply)) return sendOpenAiError(exchange, reply);
  const skeleton = responseSkeleton(exchange);
  const item = responsesItem(exchange, reply);
  const usage = resolveUsage(reply);
  const headers = { 'x-request-id': exchange.newId('req_fake_'), 'openai-processing-ms': '5' };
  if (bodyFlag(exchange.request, 'stream') === true) {
    await sendStream(exchange.response, responsesStream(skeleton, item, usage), {
      contentType: SSE,
      delayMs: reply.delayMs,
      headers,
    });
    return;
  }
  await sendJson(
    exchange.response,
    200,
    { ...skeleton, status: 'completed', output: [item], usage: responsesUsage(usage) },
    { delayMs: reply.delayMs, headers },
  );
}

function chatStream(
  exchange: Exchange,
  reply: ModelReply,
  head: { id: string; object: string; created: number; model: string; system_fingerprint: string },
  includeUsage: boolean,
): string[] {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    dataEvent({
      ...head,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const events: string[] = [];
  if (isTextReply(reply)) {
    events.push(chunk({ role: 'assistant', content: '', refusal: null }));
    for (const content of splitIntoChunks(reply.text)) events.push(chunk({ content }));
    events.push(chunk({}, 'stop'));
  } else {
    const call = { id: reply.toolUse.id ?? exchange.newId('call_fake_'), type: 'function' };
    appendEach(events, [
      chunk({
        role: 'assistant',
        content: null,
        tool_calls: [{ index: 0, ...call, function: { name: reply.toolUse.name, arguments: '' } }],
        refusal: null,
      }),
      ...splitJson(JSON.stringify(reply.toolUse.input)).map((args) =>
        chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] }),
      ),
      chunk({}, 'tool_calls'),
    ]);
  }
  if (includeUsage) events.push(dataEvent({ ...head, choices: [], usage: chatUsage(resolveUsage(reply)) }));
  events.push(dataEvent('[DONE]'));
  return events;
}

async function answerChatCompletions(exchange: Exchange): Promise<void> {
  const reply = exchange.nextReply();
  if (!isTextReply(reply) && !isToolUseReply(reply)) return sendOpenAiError(exchange, reply);
  const id = exchange.newId('chatcmpl-fake');
  const model = requestedModel(exchange.request, DEFAULT_MODEL);
  const created = nowSeconds();
  const headers = { 'x-request-id': exchange.newId('req_fake_'), 'openai-processing-ms': '5' };
  if (bodyFlag(exchange.request, 'stream') === true) {
    const options = bodyFlag(exchange.request, 'stream_options');
    const includeUsage =
      typeof options === 'object' &&
      options !== null &&
      (options as Record<string, unknown>).include_usage === true;
    const head = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake' };
    await sendStream(exchange.response, chatStream(exchange, reply, head, includeUsage), {
      contentType: SSE,
      delayMs: reply.delayMs,
      headers,
    });
    return;
  }
  const message = isTextReply(reply)
    ? { role: 'assistant', content: reply.text, refusal: null, annotations: [] }
    : {
        role: 'assistant',
        content: null,
        refusal: null,
        annotations: [],
        tool_calls: [
          {
            id: reply.toolUse.id ?? exchange.newId('call_fake_'),
            type: 'function',
            function: { name: reply.toolUse.name, arguments: JSON.stringify(reply.toolUse.input) },
          },
        ],
      };
  await sendJson(
    exchange.response,
    200,
    {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        { index: 0, message, logprobs: null, finish_reason: isTextReply(reply) ? 'stop' : 'tool_calls' },
      ],
      usage: chatUsage(resolveUsage(reply)),
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    },
    { delayMs: reply.delayMs, headers },
  );
}

async function sendOpenAiError(exchange: Exchange, reply: FakeErrorReply): Promise<void> {
  const { status, message, type } = reply.error;
  const known = ERRORS[status] ?? {
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  await sendJson(
    exchange.response,
    status,
    { error: { message, type: type ?? known.type, param: null, code: known.code } },
    { delayMs: reply.delayMs, headers: { 'x-request-id': exchange.newId('req_fake_') } },
  );
}

/** OpenAI: Responses API, Chat Completions and the model list. */
export const openAiWire: WireFormat = {
  async handle(exchange) {
    const { method, path } = exchange.request;
    if (method === 'POST' && path === '/v1/responses') {
      await answerResponses(exchange);
      return true;
    }
    if (method === 'POST' && path === '/v1/chat/completions') {
      await answerChatCompletions(exchange);
      return true;
    }
    if (method === 'GET' && path === '/v1/models') {
      await sendJson(exchange.response, 200, {
        object: 'list',
        data: MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'openai' })),
      });
      return true;
    }
    return false;
  },
  sendError: sendOpenAiError,
};
