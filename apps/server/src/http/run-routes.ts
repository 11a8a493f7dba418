import {
  chatMessageSchema,
  chatSchema,
  chatStreamDoneSchema,
  chatStreamLineSchema,
  chatStreamQuerySchema,
  createChatRequestSchema,
  idSchema,
  journalEntrySchema,
  journalPageSchema,
  journalVerificationSchema,
  listJournalQuerySchema,
  listOf,
  listRunsQuerySchema,
  MAX_MESSAGE_BYTES,
  postMessageRequestSchema,
  postMessageResponseSchema,
  runSchema,
  runStatsSchema,
  streamErrorEventSchema,
  timestampSchema,
  wsTokenSchema,
} from '@crewship/contracts';
import type { Context } from 'hono';
import { z } from 'zod';
import { type AnyRoute, defineRoute } from './define-route.js';
import { ndjsonResponse } from './ndjson-response.js';

const SSE_HEARTBEAT_MS = 15_000;
const encoder = new TextEncoder();

/** An AbortSignal that fires when the client goes away. */
function disconnectSignal(hono: Context): { signal: AbortSignal; abort: () => void } {
  const controller = new AbortController();
  const request = hono.req.raw.signal;
  const abort = () => controller.abort();
  if (request.aborted) abort();
  else request.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, abort };
}

/** Server-sent events: `id` is the entry's seq, so `Last-Event-ID` resumes exactly where it stopped. */
function sseResponse(entries: AsyncIterable<{ seq: number }>, abort: () => void): Response {
  const iterator = entries[Symbol.asyncIterator]();
  let heartbeat: NodeJS.Timeout | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(': crewship journal stream\nretry: 2000\n\n'));
      heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(': keep-alive\n\n'));
        } catch {
          clearInterval(heartbeat);
        }
      }, SSE_HEARTBEAT_MS);
      heartbeat.unref();
    },
    async pull(controller) {
      const next = await iterator.next().catch(() => ({ done: true as const, value: undefined }));
      if (next.done) {
        clearInterval(heartbeat);
        controller.close();
        return;
      }
      controller.enqueue(
        encoder.encode(`id: ${next.value.seq}\nevent: entry\ndata: ${JSON.stringify(next.value)}\n\n`),
      );
    },
    cancel() {
      clearInterval(heartbeat);
      abort();
      iterator.return?.()?.catch(() => {});
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
}

const listChatsQuerySchema = z.strictObject({ agent: idSchema.optional() });
const listMessagesQuerySchema = z.strictObject({
  after: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const runStatsQuerySchema = z.strictObject({
  since: timestampSchema.optional(),
  crew: idSchema.optional(),
  agent: idSchema.optional(),
});
const journalStreamQuerySchema = z.strictObject({
  after_seq: z.coerce.number().int().nonnegative().optional(),
  type: z.string().max(100).optional(),
});

/** Room for the largest message, JSON-escaped. */
const MESSAGE_BODY_LIMIT_BYTES = 2 * MAX_MESSAGE_BYTES + 1024;

/** Chats, runs, the journal and the WebSocket token. */
export function buildRunRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/agents/:agent/chats',
      tag: 'chats',
      summary: 'Start a chat with an agent (id or slug)',
      body: createChatRequestSchema,
      response: chatSchema,
      status: 201,
      handler: async ({ body, params, workspace, services }) =>
        services.runs.createChat(workspace, params.agent ?? '', body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/chats',
      tag: 'chats',
      summary: 'Chats of the workspace, most recently active first',
      query: listChatsQuerySchema,
      response: listOf(chatSchema),
      handler: async ({ query, workspace, services }) => ({
        items: await services.runs.listChats(workspace, query),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/chats/:chat',
      tag: 'chats',
      summary: 'One chat, with the run in progress if any',
      response: chatSchema,
      handler: async ({ params, workspace, services }) => services.runs.getChat(workspace, params.chat ?? ''),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/chats/:chat/messages',
      tag: 'chats',
      summary: 'Messages of a chat, oldest first; `after` pages forward from a message id',
      query: listMessagesQuerySchema,
      response: listOf(chatMessageSchema),
      handler: async ({ params, query, workspace, services }) => ({
        items: await services.runs.messages(workspace, params.chat ?? '', query),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/chats/:chat/messages',
      tag: 'chats',
      summary:
        'Send a message: starts a run of the agent (409 while one is in progress). Stream it with GET /chats/{id}/stream?run=…&after_seq=stream_after_seq',
      body: postMessageRequestSchema,
      response: postMessageResponseSchema,
      status: 201,
      bodyLimitBytes: MESSAGE_BODY_LIMIT_BYTES,
      handler: async ({ body, params, workspace, services }) =>
        services.runs.postMessage(workspace, params.chat ?? '', body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/chats/:chat/stream',
      tag: 'chats',
      summary:
        'Live events of a chat as NDJSON ({seq, event} lines; buffered ones after after_seq first). With run=ID it ends with {done, run} once that run has ended.',
      query: chatStreamQuerySchema,
      response: z.union([chatStreamLineSchema, chatStreamDoneSchema, streamErrorEventSchema]),
      produces: 'application/x-ndjson',
      handler: async ({ params, query, workspace, services, hono }) => {
        const { signal, abort } = disconnectSignal(hono);
        const lines = await services.runs.chatStream(workspace, params.chat ?? '', {
          afterSeq: query.after_seq,
          runId: query.run,
          signal,
        });
        return ndjsonResponse(lines, abort);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs',
      tag: 'runs',
      summary: 'Runs (projections of the journal by trace id), newest first',
      query: listRunsQuerySchema,
      response: listOf(runSchema),
      handler: async ({ query, workspace, services }) => ({
        items: await services.runs.listRuns(workspace, query),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs/stats',
      tag: 'runs',
      summary: 'Run counts by status, tokens, cost and mean duration',
      query: runStatsQuerySchema,
      response: runStatsSchema,
      handler: async ({ query, workspace, services }) => services.runs.runStats(workspace, query),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs/:run',
      tag: 'runs',
      summary: 'One run',
      response: runSchema,
      handler: async ({ params, workspace, services }) => services.runs.getRun(workspace, params.run ?? ''),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/runs/:run/cancel',
      tag: 'runs',
      summary: "Cancel a run in progress (kills the agent's process group); answers with the ended run",
      response: runSchema,
      handler: async ({ params, workspace, services }) =>
        services.runs.cancelRun(workspace, params.run ?? ''),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/journal',
      tag: 'journal',
      summary:
        'Journal entries, newest first: q (FTS5 over summary and payload), type (exact or prefix.*), crew, agent, trace, since, cursor',
      query: listJournalQuerySchema,
      response: journalPageSchema,
      handler: async ({ query, workspace, services }) => services.runs.journal(workspace, query),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/journal/stream',
      tag: 'journal',
      summary:
        'Server-sent events of new journal entries (event "entry", id = seq); after_seq or Last-Event-ID replays from the database first',
      query: journalStreamQuerySchema,
      response: journalEntrySchema,
      produces: 'text/event-stream',
      handler: async ({ query, workspace, services, hono }) => {
        const lastEventId = hono.req.header('last-event-id');
        const resume = lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
        const { signal, abort } = disconnectSignal(hono);
        const entries = services.runs.journalStream(workspace, {
          afterSeq: query.after_seq ?? resume,
          type: query.type,
          signal,
        });
        return sseResponse(entries, abort);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/journal/verify',
      tag: 'journal',
      summary: 'Walk the whole hash chain; ok is false with the first broken seq when a row was altered',
      response: journalVerificationSchema,
      handler: async ({ services }) => services.runs.verifyJournal(),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/ws-token',
      tag: 'realtime',
      summary: 'A short-lived token for the WebSocket at /ws (?token=…)',
      response: wsTokenSchema,
      handler: async ({ principal, services }) => {
        const issued = services.wsTokens.issue(principal.user.id);
        return { token: issued.token, expires_at: issued.expiresAt };
      },
    }),
  ];
}
