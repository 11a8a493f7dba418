import type { ChatStore } from '@crewship/chats';
import {
  type AgentService,
  type Chat,
  type ChatMessage,
  type ChatStreamLine,
  type CrewService,
  CrewshipError,
  type JournalEntryDto,
  type listJournalQuerySchema,
  type listRunsQuerySchema,
  type Orchestrator,
  type postMessageRequestSchema,
  type Run,
  type RunEventPublisher,
  type RunStats,
  type RunStreamEvent,
  TERMINAL_RUN_STATUSES,
  type WorkspaceContext,
} from '@crewship/contracts';
import { type SqliteJournal, toJournalEntryDto } from '@crewship/journal';
import type { HubEvent, RealtimeHub } from '@crewship/realtime';
import { ulid } from 'ulid';
import type { z } from 'zod';
import { createPushQueue } from '../push-queue.js';

export const chatChannel = (chatId: string) => `chat:${chatId}`;
export const workspaceChannel = (workspaceId: string) => `workspace:${workspaceId}`;

/** Chats, runs and the journal as the API sees them: every verb is scoped to the caller's workspace. */
export interface RunService {
  createChat(context: WorkspaceContext, agent: string, input: { title?: string | undefined }): Promise<Chat>;
  listChats(context: WorkspaceContext, filter: { agent?: string | undefined }): Promise<Chat[]>;
  getChat(context: WorkspaceContext, chatId: string): Promise<Chat>;
  messages(
    context: WorkspaceContext,
    chatId: string,
    options: { after?: string | undefined; limit?: number | undefined },
  ): Promise<ChatMessage[]>;
  /** Stores the message and starts a run with it; `conflict` while the chat has a run in progress. */
  postMessage(
    context: WorkspaceContext,
    chatId: string,
    input: z.output<typeof postMessageRequestSchema>,
  ): Promise<{ message: ChatMessage; run: Run; stream_after_seq: number }>;
  /**
   * The chat's live events (replaying the buffered ones after `afterSeq`). With `runId` the stream ends
   * with that run: `done` carries the run as it ended.
   */
  chatStream(
    context: WorkspaceContext,
    chatId: string,
    options: { afterSeq?: number | undefined; runId?: string | undefined; signal: AbortSignal },
  ): Promise<AsyncIterable<ChatStreamLine | { done: true; run: Run }>>;
  listRuns(context: WorkspaceContext, query: z.output<typeof listRunsQuerySchema>): Promise<Run[]>;
  getRun(context: WorkspaceContext, runId: string): Promise<Run>;
  runStats(
    context: WorkspaceContext,
    query: { since?: string | undefined; crew?: string | undefined; agent?: string | undefined },
  ): Promise<RunStats>;
  cancelRun(context: WorkspaceContext, runId: string): Promise<Run>;
  journal(
    context: WorkspaceContext,
    query: z.output<typeof listJournalQuerySchema>,
  ): Promise<{ items: JournalEntryDto[]; next_cursor: string | null }>;
  /** Entries after `afterSeq` (from the database), then live ones, until the signal aborts. */
  journalStream(
    context: WorkspaceContext,
    options: { afterSeq?: number | undefined; type?: string | undefined; signal: AbortSignal },
  ): AsyncIterable<JournalEntryDto>;
  verifyJournal(): { ok: boolean; checked: number; broken_at_seq: number | null };
  /** Ends every open chat and journal stream (server shutdown). */
  closeStreams(): void;
  /** Whether the user may listen to a WebSocket channel (a member of its workspace). */
  canListen(
    channel: string,
    membership: (workspaceId: string) => Promise<WorkspaceContext | null>,
  ): Promise<boolean>;
}

export interface RunServiceOptions {
  chats: ChatStore;
  agents: AgentService;
  crews: CrewService;
  journal: SqliteJournal;
  hub: RealtimeHub;
  orchestrator: () => Orchestrator;
}

/** The orchestrator's publisher: chat events on the chat's channel, run status also on the workspace's. */
export function hubRunPublisher(hub: RealtimeHub): RunEventPublisher {
  return {
    publish(workspaceId, event) {
      if (event.chat_id) hub.publish(chatChannel(event.chat_id), event.kind, event);
      if (event.kind === 'run.status') hub.publish(workspaceChannel(workspaceId), event.kind, event);
    },
  };
}

const isTerminal = (status: string) => (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);

export function createRunService(options: RunServiceOptions): RunService {
  const { chats, agents, crews, journal, hub } = options;
  const shutdown = new AbortController();

  const withActiveRun = (chat: Chat): Chat => ({
    ...chat,
    active_run_id: options.orchestrator().activeRunForChat(chat.id),
  });

  const getRun = (context: WorkspaceContext, runId: string) => journal.getRun(context.workspaceId, runId);

  return {
    async createChat(context, reference, input) {
      const agent = await agents.get(context, reference);
      return chats.create({
        workspaceId: context.workspaceId,
        agentId: agent.id,
        title: input.title ?? `Chat with ${agent.name}`,
        createdBy: context.userId,
      });
    },

    async listChats(context, filter) {
      const agentId = filter.agent ? (await agents.get(context, filter.agent)).id : undefined;
      return chats.list(context.workspaceId, agentId ? { agentId } : {}).map((chat) => withActiveRun(chat));
    },

    async getChat(context, chatId) {
      return withActiveRun(chats.get(context.workspaceId, chatId));
    },

    async messages(context, chatId, query) {
      return chats.messages(context.workspaceId, chatId, {
        ...(query.after ? { afterId: query.after } : {}),
        ...(query.limit ? { limit: query.limit } : {}),
      });
    },

    async postMessage(context, chatId, input) {
      const chat = chats.get(context.workspaceId, chatId);
      const agent = await agents.get(context, chat.agent_id);
      const crew = await crews.get(context, agent.crew_id);
      const orchestrator = options.orchestrator();
      const active = orchestrator.activeRunForChat(chat.id);
      if (active) {
        throw new CrewshipError(
          'conflict',
          `chat ${chat.id} has a run in progress (${active}); wait for it or cancel it first`,
        );
      }
      const runId = ulid();
      const message = chats.appendUserMessage({
        workspaceId: context.workspaceId,
        chatId: chat.id,
        content: input.content,
        runId,
      });
      // A client streaming the chat after this seq sees the whole run and this message.
      const streamAfterSeq = hub.lastSeq(chatChannel(chat.id));
      try {
        await orchestrator.startRun({
          workspaceId: context.workspaceId,
          actor: `user:${context.userId}`,
          crew,
          agent,
          chatId: chat.id,
          messageId: message.id,
          prompt: input.content,
          runId,
          ...(input.timeout_seconds ? { timeoutMs: input.timeout_seconds * 1000 } : {}),
        });
      } catch (error) {
        // The run never started: the message must not stay behind as if it were being answered.
        chats.removeMessage(message.id);
        throw error;
      }
      // Published only once the run exists, so no client ever sees a message that was taken back.
      hub.publish(chatChannel(chat.id), 'chat.message', {
        kind: 'chat.message',
        chat_id: chat.id,
        message,
      } satisfies RunStreamEvent);
      return { message, run: getRun(context, runId), stream_after_seq: streamAfterSeq };
    },

    async chatStream(context, chatId, { afterSeq, runId, signal: clientSignal }) {
      chats.get(context.workspaceId, chatId);
      const signal = AbortSignal.any([clientSignal, shutdown.signal]);
      if (runId) getRun(context, runId);
      const queue = createPushQueue<ChatStreamLine | { done: true; run: Run }>(signal);
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        queue.push({ done: true, run: getRun(context, runId as string) });
        queue.end();
      };
      const onEvent = (event: HubEvent) => {
        if (finished) return;
        const data = event.data as RunStreamEvent;
        queue.push({ seq: event.seq, event: data });
        if (runId && data.kind === 'run.status' && data.run_id === runId && isTerminal(data.status)) finish();
      };
      const subscription = hub.subscribe(chatChannel(chatId), afterSeq, onEvent);
      signal.addEventListener('abort', () => subscription.unsubscribe());
      if (subscription.gapFirstSeq !== undefined) {
        queue.push({ gap: { first_seq: subscription.gapFirstSeq } });
      }
      // The run may have ended before we listened, with its events no longer buffered.
      if (runId && !finished && isTerminal(getRun(context, runId).status)) finish();
      if (finished) subscription.unsubscribe();
      return queue.drain();
    },

    async listRuns(context, query) {
      const crewId = query.crew ? (await crews.get(context, query.crew)).id : undefined;
      const agentId = query.agent ? (await agents.get(context, query.agent)).id : undefined;
      return journal.listRuns({
        workspaceId: context.workspaceId,
        ...(crewId ? { crewId } : {}),
        ...(agentId ? { agentId } : {}),
        ...(query.chat ? { chatId: query.chat } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.since ? { since: query.since } : {}),
        limit: query.limit,
      });
    },

    async getRun(context, runId) {
      return getRun(context, runId);
    },

    async runStats(context, query) {
      const crewId = query.crew ? (await crews.get(context, query.crew)).id : undefined;
      const agentId = query.agent ? (await agents.get(context, query.agent)).id : undefined;
      return journal.runStats({
        workspaceId: context.workspaceId,
        ...(query.since ? { since: query.since } : {}),
        ...(crewId ? { crewId } : {}),
        ...(agentId ? { agentId } : {}),
      });
    },

    async cancelRun(context, runId) {
      const run = getRun(context, runId);
      if (isTerminal(run.status)) {
        throw new CrewshipError('conflict', `run ${runId} has already ended (${run.status})`);
      }
      const orchestrator = options.orchestrator();
      const ended = orchestrator.ended(runId);
      if (!ended || !orchestrator.cancelRun(runId, `user:${context.userId}`)) {
        throw new CrewshipError('conflict', `run ${runId} is not running on this server`);
      }
      // `ended` settles once the terminal entry is committed, so the projection shows it.
      await ended;
      return getRun(context, runId);
    },

    async journal(context, query) {
      const crewId = query.crew ? (await crews.get(context, query.crew)).id : undefined;
      const agentId = query.agent ? (await agents.get(context, query.agent)).id : undefined;
      const page = journal.list({
        workspaceId: context.workspaceId,
        ...(query.q ? { q: query.q } : {}),
        ...(query.type ? { entryType: query.type } : {}),
        ...(crewId ? { crewId } : {}),
        ...(agentId ? { agentId } : {}),
        ...(query.trace ? { traceId: query.trace } : {}),
        ...(query.since ? { since: query.since } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
        limit: query.limit,
      });
      return { items: page.items.map(toJournalEntryDto), next_cursor: page.nextCursor };
    },

    journalStream(context, { afterSeq, type, signal: clientSignal }) {
      const signal = AbortSignal.any([clientSignal, shutdown.signal]);
      const queue = createPushQueue<JournalEntryDto>(signal);
      const matches = (entryType: string) =>
        !type || (type.endsWith('.*') ? entryType.startsWith(type.slice(0, -1)) : entryType === type);
      let lastSeq = afterSeq ?? 0;
      const live: JournalEntryDto[] = [];
      let replaying = afterSeq !== undefined;
      const unsubscribe = journal.subscribe((entry) => {
        if (entry.workspaceId !== context.workspaceId || !matches(entry.entryType)) return;
        const dto = toJournalEntryDto(entry);
        if (replaying) live.push(dto);
        else if (afterSeq === undefined || entry.seq > lastSeq) queue.push(dto);
      });
      signal.addEventListener('abort', unsubscribe);
      if (afterSeq !== undefined) {
        // Replay from the database, then hand over to the live entries without gaps or repeats.
        let cursor: string | undefined;
        do {
          const page = journal.list({
            workspaceId: context.workspaceId,
            afterSeq,
            order: 'oldest',
            ...(type ? { entryType: type } : {}),
            ...(cursor ? { cursor } : {}),
            limit: 1000,
          });
          for (const entry of page.items) {
            queue.push(toJournalEntryDto(entry));
            lastSeq = entry.seq;
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor && !signal.aborted);
        replaying = false;
        for (const dto of live) if (dto.seq > lastSeq) queue.push(dto);
      }
      return queue.drain();
    },

    closeStreams() {
      shutdown.abort();
    },

    verifyJournal() {
      const result = journal.verify();
      return { ok: result.ok, checked: result.checked, broken_at_seq: result.brokenAtSeq };
    },

    async canListen(channel, membership) {
      const [kind, id] = channel.split(':') as [string, string];
      if (kind === 'workspace') return (await membership(id)) !== null;
      if (kind === 'chat') {
        const workspaceId = chats.workspaceOf(id);
        return workspaceId !== null && (await membership(workspaceId)) !== null;
      }
      return false;
    },
  };
}
