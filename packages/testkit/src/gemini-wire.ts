import {
  type FakeErrorReply,
  isTextReply,
  isToolUseReply,
  type ResolvedUsage,
  resolveUsage,
  splitIntoChunks,
} from './fake-reply.js';
import { dataEvent, sendJson, sendStream } from './http-reply.js';
import type { Exchange, WireFormat } from './wire.js';

const MODELS = ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'];
const MODEL_ROUTE =
  /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const MODEL_INFO_ROUTE = /^\/(v1beta|v1|v1alpha)\/models(?:\/([^/:]+))?$/;

const STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function usageMetadata(usage: ResolvedUsage) {
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens,
    totalTokenCount: usage.inputTokens + usage.outputTokens + usage.reasoningTokens,
    cachedContentTokenCount: usage.cacheReadTokens,
    ...(usage.reasoningTokens > 0 ? { thoughtsTokenCount: usage.reasoningTokens } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.inputTokens }],
  };
}

function candidate(parts: unknown[], finishReason?: string) {
  return { content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 };
}

function modelInfo(name: string) {
  return {
    name: `models/${name}`,
    version: '001',
    displayName: name,
    description: `Fake ${name}`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

async function answerGenerate(exchange: Exchange, model: string, streaming: boolean): Promise<void> {
  const reply = exchange.nextReply();
  if (!isTextReply(reply) && !isToolUseReply(reply)) return sendGeminiError(exchange, reply);
  const usage = resolveUsage(reply);
  const common = { modelVersion: model, responseId: exchange.newId('resp_fake_') };
  const parts = isTextReply(reply)
    ? [{ text: reply.text }]
    : [{ functionCall: { name: reply.toolUse.name, args: reply.toolUse.input } }];
  if (!streaming) {
    await sendJson(
      exchange.response,
      200,
      { candidates: [candidate(parts, 'STOP')], usageMetadata: usageMetadata(usage), ...common },
      { delayMs: reply.delayMs },
    );
    return;
  }
  const pieces = isTextReply(reply) ? splitIntoChunks(reply.text) : [];
  const responses: unknown[] = pieces.slice(0, -1).map((text) => ({
    candidates: [candidate([{ text }])],
    usageMetadata: { promptTokenCount: usage.inputTokens, totalTokenCount: usage.inputTokens },
    ...common,
  }));
  const lastParts = isTextReply(reply) ? [{ text: pieces.at(-1) ?? '' }] : parts;
  responses.push({
    candidates: [candidate(lastParts, 'STOP')],
    usageMetadata: usageMetadata(usage),
    ...common,
  });
  const alt = exchange.request.query.alt;
  if (alt === 'sse') {
    await sendStream(
      exchange.response,
      responses.map((response) => dataEvent(response, '\r\n\r\n')),
      { contentType: 'text/event-stream', delayMs: reply.delayMs },
    );
    return;
  }
  const chunks = responses.map(
    (response, index) => `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(response)}`,
  );
  chunks.push(']');
  await sendStream(exchange.response, chunks, {
    contentType: 'application/json; charset=UTF-8',
    delayMs: reply.delayMs,
  });
}

async function sendGeminiError(exchange: Exchange, reply: FakeErrorReply): Promise<void> {
  const { status, message, type } = reply.error;
  await sendJson(
    exchange.response,
    status,
    { error: { code: status, message, status: type ?? STATUSES[status] ?? 'UNKNOWN' } },
    { delayMs: reply.delayMs },
  );
}

/** Gemini API: generateContent, streamGenerateContent (SSE or JSON array), countTokens, models. */
export const geminiWire: WireFormat = {
  async handle(exchange) {
    const { method, path } = exchange.request;
    const call = MODEL_ROUTE.exec(path);
    if (method === 'POST' && call) {
      const model = call[2] ?? 'gemini-2.5-flash';
      if (call[3] === 'countTokens') {
        await sendJson(exchange.response, 200, {
          totalTokens: 11,
          promptTokensDetails: [{ modality: 'TEXT', tokenCount: 11 }],
        });
      } else {
        await answerGenerate(exchange, model, call[3] === 'streamGenerateContent');
      }
      return true;
    }
    const info = MODEL_INFO_ROUTE.exec(path);
    if (method === 'GET' && info) {
      const name = info[2];
      await sendJson(exchange.response, 200, name ? modelInfo(name) : { models: MODELS.map(modelInfo) });
      return true;
    }
    return false;
  },
  sendError: sendGeminiError,
};
