import { z } from 'zod';
import {
  type AgentCliAdapter,
  type AgentEvent,
  type AgentUsage,
  agentEventSchema,
  agentUsageSchema,
} from './agent-events.js';
import type { Agent, CliAdapter } from './agents.js';
import { idSchema, timestampSchema } from './common.js';
import type { ExecHandle, ExecOptions } from './container-runtime.js';
import type { Crew } from './crews.js';
import type { JournalWriter } from './journal.js';
import type { Logger } from './logger.js';

export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'timeout'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES = ['completed', 'failed', 'cancelled', 'timeout'] as const;
export type TerminalRunStatus = (typeof TERMINAL_RUN_STATUSES)[number];

/**
 * Why a run did not complete. `bad_credential` is exit code 123; `server_restart` closes runs that were
 * in flight when the server stopped; `loop_detected` is the identical-tool-call guard.
 */
export const RUN_FAILURE_REASONS = [
  'exit_code',
  'bad_credential',
  'agent_error',
  'loop_detected',
  'server_restart',
  'container_error',
  'timeout',
  'cancelled',
  'budget_exceeded',
  'approval_denied',
] as const;
export type RunFailureReason = (typeof RUN_FAILURE_REASONS)[number];

/** The run lifecycle entry types (trace id = run id). */
export const RUN_ENTRY_TYPES = {
  started: 'run.started',
  completed: 'run.completed',
  failed: 'run.failed',
  cancelled: 'run.cancelled',
  timeout: 'run.timeout',
} as const;

/** A run as a projection of the journal entries sharing its trace id. */
export const runSchema = z.object({
  id: idSchema,
  workspace_id: idSchema,
  crew_id: idSchema.nullable(),
  agent_id: idSchema.nullable(),
  chat_id: idSchema.nullable(),
  status: z.enum(RUN_STATUSES),
  reason: z.string().nullable(),
  started_at: timestampSchema,
  ended_at: timestampSchema.nullable(),
  duration_ms: z.number().nonnegative().nullable(),
  cost_usd: z.number().nonnegative().nullable(),
  turns: z.number().int().nonnegative().nullable(),
  usage: agentUsageSchema.nullable(),
  /** First characters of the prompt. */
  prompt_preview: z.string(),
  /** Number of journal entries in the run. */
  entries: z.number().int().nonnegative(),
});
export type Run = z.infer<typeof runSchema>;

export const runStatsSchema = z.object({
  total: z.number().int().nonnegative(),
  by_status: z.record(z.string(), z.number().int().nonnegative()),
  cost_usd: z.number().nonnegative(),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  avg_duration_ms: z.number().nonnegative().nullable(),
});
export type RunStats = z.infer<typeof runStatsSchema>;

export const listRunsQuerySchema = z.strictObject({
  crew: idSchema.optional(),
  agent: idSchema.optional(),
  chat: idSchema.optional(),
  status: z.enum(RUN_STATUSES).optional(),
  since: timestampSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

// ── Journal API ────────────────────────────────────────────────────────────────────────────────────

export const journalEntrySchema = z.object({
  id: z.string(),
  seq: z.number().int().positive(),
  at: timestampSchema,
  workspace_id: z.string(),
  crew_id: z.string().nullable(),
  agent_id: z.string().nullable(),
  trace_id: z.string().nullable(),
  entry_type: z.string(),
  severity: z.enum(['debug', 'info', 'warn', 'error']),
  actor: z.string(),
  summary: z.string(),
  payload: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  entry_hash: z.string(),
});
export type JournalEntryDto = z.infer<typeof journalEntrySchema>;

export const listJournalQuerySchema = z.strictObject({
  /** FTS5 query over summary and payload. */
  q: z.string().trim().min(1).max(500).optional(),
  type: z.string().max(100).optional(),
  crew: idSchema.optional(),
  agent: idSchema.optional(),
  trace: idSchema.optional(),
  since: timestampSchema.optional(),
  /** Opaque cursor from the previous page's `next_cursor`. */
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const journalPageSchema = z.object({
  items: z.array(journalEntrySchema),
  next_cursor: z.string().nullable(),
});

export const journalVerificationSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int().nonnegative(),
  broken_at_seq: z.number().int().nullable(),
});

// ── Chats ──────────────────────────────────────────────────────────────────────────────────────────

export const chatSchema = z.object({
  id: idSchema,
  workspace_id: idSchema,
  agent_id: idSchema,
  title: z.string(),
  created_by: idSchema,
  created_at: timestampSchema,
  updated_at: timestampSchema,
  /** The run in progress, if any (one active run per chat). */
  active_run_id: idSchema.nullable(),
});
export type Chat = z.infer<typeof chatSchema>;

export const chatMessageSchema = z.object({
  id: idSchema,
  chat_id: idSchema,
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  run_id: idSchema.nullable(),
  created_at: timestampSchema,
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const createChatRequestSchema = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
});
export const postMessageRequestSchema = z.strictObject({
  content: z
    .string()
    .min(1, 'must not be empty')
    .refine((value) => new TextEncoder().encode(value).length <= MAX_MESSAGE_BYTES, 'must be at most 1 MiB'),
  /** Run timeout in seconds (default 30 minutes). */
  timeout_seconds: z
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .optional(),
});

/** One item of a chat's live stream (NDJSON and the WebSocket `chat:<id>` channel). */
export const runStreamEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('run.status'),
    run_id: idSchema,
    chat_id: idSchema.nullable(),
    status: z.enum(RUN_STATUSES),
    reason: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('agent.event'),
    run_id: idSchema,
    chat_id: idSchema.nullable(),
    event: agentEventSchema,
  }),
  z.object({ kind: z.literal('chat.message'), chat_id: idSchema, message: chatMessageSchema }),
]);
export type RunStreamEvent = z.infer<typeof runStreamEventSchema>;

export const postMessageResponseSchema = z.object({
  message: chatMessageSchema,
  run: runSchema,
  /** Stream the chat with `after_seq` set to this to get every event of the run, none twice. */
  stream_after_seq: z.number().int().nonnegative(),
});

export const chatStreamQuerySchema = z.strictObject({
  /** Replay the buffered events after this sequence number first. */
  after_seq: z.coerce.number().int().nonnegative().optional(),
  /** End the stream (with a `done` line) once this run has ended. */
  run: idSchema.optional(),
});
/** One line of `GET /chats/{id}/stream`: an event with its channel sequence, or a replay gap. */
export const chatStreamLineSchema = z.union([
  z.object({ seq: z.number().int().positive(), event: runStreamEventSchema }),
  /** Events before `first_seq` are no longer buffered; read them from the journal. */
  z.object({ gap: z.object({ first_seq: z.number().int().positive() }) }),
]);
export type ChatStreamLine = z.infer<typeof chatStreamLineSchema>;
/** The last line when the stream followed one run: the run as it ended. */
export const chatStreamDoneSchema = z.object({ done: z.literal(true), run: runSchema });

// ── Orchestrator ports ────────────────────────────────────────────────────────────────────────────

/** A crew container ready to run an agent: config files written, sidecar attached. */
export interface AgentSandbox {
  exec(options: ExecOptions): ExecHandle;
}

/** Gets the crew's container (and its sidecar) running and writes the agent's files into it. */
export interface SandboxProvider {
  prepare(input: {
    crew: Crew;
    agent: Agent;
    files: readonly { path: string; content: string }[];
  }): Promise<AgentSandbox>;
}

export interface ChatHistoryTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** Chat persistence as the orchestrator needs it. */
export interface ChatLog {
  /** Oldest first, excluding the message that started the current run. */
  history(chatId: string, beforeMessageId: string, limit: number): Promise<ChatHistoryTurn[]>;
  appendAssistantMessage(input: { chatId: string; runId: string; content: string }): Promise<ChatMessage>;
}

/** Agent memory for the prompt (empty until the memory issue). */
export interface MemoryRecall {
  recall(input: { agent: Agent; query: string; budgetChars: number }): Promise<string>;
}

/** Where live run events go (the WebSocket hub and chat streams). */
export interface RunEventPublisher {
  publish(workspaceId: string, event: RunStreamEvent): void;
}

/** Runs whose `run.started` has no terminal entry, for closing them after a restart. */
export interface OpenRunFinder {
  openRuns(): Promise<
    {
      runId: string;
      workspaceId: string;
      crewId: string | null;
      agentId: string | null;
      chatId: string | null;
    }[]
  >;
}

export interface StartRunInput {
  workspaceId: string;
  /** `user:<id>` */
  actor: string;
  crew: Crew;
  agent: Agent;
  chatId: string | null;
  /** The user's message id, so history excludes it. */
  messageId: string | null;
  prompt: string;
  timeoutMs?: number;
  /** Workspace language preference, when set. */
  language?: string | null;
  /** Run id chosen by the caller (ULID); generated when absent. */
  runId?: string;
}

export interface RunOutcome {
  runId: string;
  status: TerminalRunStatus;
  reason: RunFailureReason | null;
  text: string;
  result: Extract<AgentEvent, { type: 'result' }> | null;
}

export interface RunHandle {
  runId: string;
  startedAt: string;
  /** Settles when the run has ended and its terminal entry is journaled. Never rejects. */
  done: Promise<RunOutcome>;
}

export interface Orchestrator {
  /** Throws `conflict` when the chat has a run in progress, `rate_limited` when the crew is at its cap. */
  startRun(input: StartRunInput): Promise<RunHandle>;
  /** Cancels a run in progress (kills its process group); false when it is not running here. */
  cancelRun(runId: string, actor: string): boolean;
  /** Ends a run in progress as `failed` with a governance reason (kills its process group). */
  stopRun(runId: string, reason: GovernanceStopReason, actor: string): boolean;
  /** The run an agent is running here (one at a time), or null. */
  activeRunForAgent(agentId: string): string | null;
  activeRunForChat(chatId: string): string | null;
  isActive(runId: string): boolean;
  /** Settles like `RunHandle.done` for a run in progress here; null when it is not running here. */
  ended(runId: string): Promise<RunOutcome> | null;
  /** Closes runs left open by a previous process as `failed` with reason `server_restart`. */
  recoverInterruptedRuns(): Promise<number>;
  /** Cancels every active run and waits for their terminal entries. */
  shutdown(): Promise<void>;
}

/** Reasons governance ends a run for. */
export type GovernanceStopReason = Extract<RunFailureReason, 'budget_exceeded' | 'approval_denied'>;

/** Budgets and approvals around a run (Paymaster, approvals, inbox). */
export interface RunGovernance {
  /**
   * Before the agent starts: hard budgets and `run_start` approval rules (a sync rule waits here).
   * Null lets the run go on; a refusal ends it as `failed` with that reason.
   */
  beforeRun(input: {
    runId: string;
    workspaceId: string;
    crew: Crew;
    agent: Agent;
    prompt: string;
    signal: AbortSignal;
  }): Promise<{ reason: GovernanceStopReason; message: string } | null>;
  /** After the terminal entry: cost reconciliation, inbox items, pending approvals cancelled. Never throws. */
  afterRun(input: {
    runId: string;
    workspaceId: string;
    crew: Crew;
    agent: Agent;
    chatId: string | null;
    actor: string;
    status: TerminalRunStatus;
    reason: RunFailureReason | null;
    result: Extract<AgentEvent, { type: 'result' }> | null;
    usage: AgentUsage | null;
  }): Promise<void>;
}

export interface OrchestratorDeps {
  journal: JournalWriter;
  sandboxes: SandboxProvider;
  chats: ChatLog;
  memory: MemoryRecall;
  publisher: RunEventPublisher;
  openRuns: OpenRunFinder;
  adapters: (id: CliAdapter) => AgentCliAdapter;
  /** Scrubs agent output before it is journaled or published. */
  scrub: (text: string) => string;
  logger: Logger;
  /** Budgets and approvals; none when absent. */
  governance?: RunGovernance;
}
