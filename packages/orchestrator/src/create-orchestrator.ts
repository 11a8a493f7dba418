import {
  AGENT_USER,
  type AgentCliAdapter,
  type AgentEvent,
  type AgentInvocation,
  type AgentSandbox,
  type AgentUsage,
  agentEventSchema,
  agentSchema,
  agentTmuxSession,
  type ChatHistoryTurn,
  type ChatMessage,
  CrewshipError,
  crewSchema,
  type ExecHandle,
  idSchema,
  isCrewshipError,
  type JournalEntryInput,
  type Logger,
  type Orchestrator,
  type OrchestratorDeps,
  RUN_ENTRY_TYPES,
  type RunHandle,
  type RunOutcome,
  type RunStreamEvent,
  type StartRunInput,
  type TerminalRunStatus,
} from '@crewship/contracts';
import { ulid } from 'ulid';
import { z } from 'zod';
import { assembleSystemPrompt, type CrewshipEthos, systemPromptBudgets } from './assemble-system-prompt.js';
import { classifyRunEnd, type StopReason } from './classify-run-end.js';
import { createLoopGuard } from './loop-guard.js';
import { scrubAgentEvent } from './scrub-agent-event.js';

export interface OrchestratorOptions {
  /** Runs in progress per crew before `startRun` answers `rate_limited` (default 4). */
  maxConcurrentRunsPerCrew?: number;
  /** Run timeout when the caller gives none (default 30 minutes). */
  defaultTimeoutMs?: number;
  /** Identical tool calls in a row that count as a loop (default 5). */
  loopGuardRepeats?: number;
  /** Size the system prompt aims at, in characters (default 100 000). */
  promptBudgetChars?: number;
  /** Chat turns fetched for the history section before trimming (default 50). */
  historyTurns?: number;
  now?: () => Date;
  ethos?: CrewshipEthos;
}

const MAX_TIMEOUT_MS = 24 * 3600 * 1000;
const PROMPT_PREVIEW_CHARS = 200;
const SUMMARY_CHARS = 120;

const optionsSchema = z.object({
  maxConcurrentRunsPerCrew: z.number().int().min(1).max(1000).default(4),
  defaultTimeoutMs: z
    .number()
    .int()
    .min(1)
    .max(MAX_TIMEOUT_MS)
    .default(30 * 60 * 1000),
  loopGuardRepeats: z.number().int().min(2).max(1000).default(5),
  promptBudgetChars: z.number().int().min(1000).max(10_000_000).default(100_000),
  historyTurns: z.number().int().min(0).max(10_000).default(50),
  ethos: z.object({ lead: z.string().min(1), member: z.string().min(1) }).optional(),
});

const startRunInputSchema = z.object({
  workspaceId: idSchema,
  actor: z.string().min(1).max(200),
  crew: crewSchema,
  agent: agentSchema,
  chatId: idSchema.nullable(),
  messageId: idSchema.nullable(),
  prompt: z.string().min(1),
  timeoutMs: z.number().int().min(1).max(MAX_TIMEOUT_MS).optional(),
  language: z.string().max(100).nullable().optional(),
  runId: idSchema.optional(),
});
type ParsedStartRunInput = z.infer<typeof startRunInputSchema>;

const openRunsSchema = z.array(
  z.object({
    runId: idSchema,
    workspaceId: idSchema,
    crewId: idSchema.nullable(),
    agentId: idSchema.nullable(),
    chatId: idSchema.nullable(),
  }),
);

type ResultEvent = Extract<AgentEvent, { type: 'result' }>;

interface ActiveRun {
  id: string;
  input: ParsedStartRunInput;
  adapter: AgentCliAdapter;
  startedAt: Date;
  timeoutMs: number;
  controller: AbortController;
  stop: { reason: StopReason; actor: string } | null;
  stopped: Promise<typeof STOPPED>;
  done: Promise<RunOutcome>;
  logger: Logger;
}

interface RunState {
  failure: 'agent_error' | 'container_error' | null;
  exit: Awaited<ExecHandle['result']> | null;
  result: ResultEvent | null;
  texts: string[];
  usage: AgentUsage | null;
  /** Why governance refused the run before it started, for the terminal entry. */
  refusal: string | null;
  /** Journal appends issued and not yet settled; all are awaited before the terminal entry. */
  pending: Set<Promise<void>>;
}

const STOPPED = Symbol('stopped');

function clip(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

function addUsage(total: AgentUsage | null, usage: AgentUsage): AgentUsage {
  if (!total) return { ...usage };
  return {
    input_tokens: total.input_tokens + usage.input_tokens,
    output_tokens: total.output_tokens + usage.output_tokens,
    cache_read_tokens: total.cache_read_tokens + usage.cache_read_tokens,
    cache_write_tokens: total.cache_write_tokens + usage.cache_write_tokens,
  };
}

function eventSummary(event: AgentEvent): string {
  switch (event.type) {
    case 'text':
    case 'text_delta':
      return `Text: ${clip(event.text, SUMMARY_CHARS)}`;
    case 'thinking':
      return `Thinking: ${clip(event.text, SUMMARY_CHARS)}`;
    case 'tool_use':
      return `Tool call: ${clip(event.name, SUMMARY_CHARS)}`;
    case 'tool_result':
      return `Tool result${event.is_error ? ' (error)' : ''}: ${clip(event.output, SUMMARY_CHARS)}`;
    case 'usage':
      return `Usage: ${event.usage.input_tokens} in, ${event.usage.output_tokens} out tokens`;
    case 'result':
      return `Result: ${event.ok ? 'ok' : 'failed'}${event.text ? ` – ${clip(event.text, SUMMARY_CHARS)}` : ''}`;
    case 'error':
      return `Error: ${clip(event.message, SUMMARY_CHARS)}`;
  }
}

const TERMINAL_ENTRY_TYPES: Record<TerminalRunStatus, string> = {
  completed: RUN_ENTRY_TYPES.completed,
  failed: RUN_ENTRY_TYPES.failed,
  cancelled: RUN_ENTRY_TYPES.cancelled,
  timeout: RUN_ENTRY_TYPES.timeout,
};

const TERMINAL_SEVERITIES = {
  completed: 'info',
  failed: 'error',
  cancelled: 'info',
  timeout: 'warn',
} as const;

/**
 * The run lifecycle over ports: journals `run.*` and `agent.*` entries (trace id = run id), assembles the
 * system prompt, runs the agent CLI in the crew sandbox and streams its scrubbed events to the publisher.
 */
export function createOrchestrator(deps: OrchestratorDeps, options: OrchestratorOptions = {}): Orchestrator {
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new CrewshipError('invalid_input', `invalid orchestrator options: ${parsedOptions.error.message}`);
  }
  const settings = parsedOptions.data;
  const now = options.now ?? (() => new Date());
  const logger = deps.logger.child({ component: 'orchestrator' });
  const runs = new Map<string, ActiveRun>();
  let closing = false;

  function publish(workspaceId: string, event: RunStreamEvent, log: Logger) {
    try {
      deps.publisher.publish(workspaceId, event);
    } catch (error) {
      log.warn('publishing a run event failed', { kind: event.kind, error: String(error) });
    }
  }

  function stopRun(run: ActiveRun, reason: StopReason, actor: string) {
    if (run.stop) return;
    run.stop = { reason, actor };
    run.controller.abort(reason);
  }

  function parseInput(raw: StartRunInput): ParsedStartRunInput {
    const parsed = startRunInputSchema.safeParse(raw);
    if (!parsed.success) {
      throw new CrewshipError('invalid_input', 'invalid run input', {
        details: {
          issues: parsed.error.issues.map((issue) => ({
            path: issue.path.join('.'),
            message: issue.message,
          })),
        },
      });
    }
    const input = parsed.data;
    if (input.agent.crew_id !== input.crew.id) {
      throw new CrewshipError('invalid_input', `agent ${input.agent.slug} is not in crew ${input.crew.slug}`);
    }
    if (input.crew.workspace_id !== input.workspaceId || input.agent.workspace_id !== input.workspaceId) {
      throw new CrewshipError('invalid_input', 'crew and agent must belong to the run workspace');
    }
    return input;
  }

  function resolveAdapter(input: ParsedStartRunInput): AgentCliAdapter {
    try {
      return deps.adapters(input.agent.cli_adapter);
    } catch (error) {
      if (isCrewshipError(error)) throw error;
      throw new CrewshipError('invalid_input', `no agent CLI adapter for ${input.agent.cli_adapter}`, {
        cause: error,
      });
    }
  }

  function activeRunForChat(chatId: string): string | null {
    for (const run of runs.values()) if (run.input.chatId === chatId) return run.id;
    return null;
  }

  function baseEntry(
    run: ActiveRun,
  ): Pick<JournalEntryInput, 'workspaceId' | 'crewId' | 'agentId' | 'traceId'> {
    return {
      workspaceId: run.input.workspaceId,
      crewId: run.input.crew.id,
      agentId: run.input.agent.id,
      traceId: run.id,
    };
  }

  /** Issues the append now (so entries keep their order) without waiting for it. */
  function appendLater(run: ActiveRun, state: RunState, entry: JournalEntryInput) {
    let appended: Promise<unknown>;
    try {
      appended = deps.journal.append(entry);
    } catch (error) {
      appended = Promise.reject(error);
    }
    const tracked: Promise<void> = appended.then(
      () => {
        state.pending.delete(tracked);
      },
      (error: unknown) => {
        state.pending.delete(tracked);
        run.logger.error('journaling an agent event failed', {
          entry_type: entry.entryType,
          error: String(error),
        });
      },
    );
    state.pending.add(tracked);
  }

  async function unlessStopped<T>(run: ActiveRun, work: Promise<T>): Promise<T | typeof STOPPED> {
    return Promise.race([work, run.stopped]);
  }

  function handleEvent(
    run: ActiveRun,
    state: RunState,
    raw: AgentEvent,
    guard: ReturnType<typeof createLoopGuard>,
  ) {
    const checked = agentEventSchema.safeParse(raw);
    if (!checked.success) {
      run.logger.warn('the adapter produced an invalid event; dropped', { error: checked.error.message });
      return;
    }
    const event = scrubAgentEvent(checked.data, deps.scrub);
    publish(
      run.input.workspaceId,
      { kind: 'agent.event', run_id: run.id, chat_id: run.input.chatId, event },
      run.logger,
    );
    switch (event.type) {
      case 'text':
        state.texts.push(event.text);
        break;
      case 'usage':
        state.usage = addUsage(state.usage, event.usage);
        break;
      case 'result':
        state.result = event;
        break;
      case 'tool_use':
        if (guard.toolCall(event.name, event.input) && !run.stop) {
          run.logger.warn('identical tool call repeated; stopping the run', {
            tool: event.name,
            repeats: settings.loopGuardRepeats,
          });
          stopRun(run, 'loop_detected', 'system');
        }
        break;
      default:
        break;
    }
    if (event.type === 'text_delta') return;
    const { type, ...payload } = event;
    appendLater(run, state, {
      ...baseEntry(run),
      entryType: `agent.${type}`,
      severity: type === 'error' ? 'warn' : 'info',
      actor: `agent:${run.input.agent.slug}`,
      summary: eventSummary(event),
      payload,
    });
  }

  async function drive(run: ActiveRun, state: RunState): Promise<void> {
    const { input, adapter } = run;
    const { agent, crew } = input;
    const sections = {
      agent,
      crew,
      language: input.language ?? null,
      ...(settings.ethos ? { ethos: settings.ethos } : {}),
      skills: [],
    };
    if (deps.governance) {
      const refusal = await unlessStopped(
        run,
        deps.governance.beforeRun({
          runId: run.id,
          workspaceId: input.workspaceId,
          crew,
          agent,
          prompt: input.prompt,
          signal: run.controller.signal,
        }),
      );
      if (refusal === STOPPED) return;
      if (refusal) {
        run.logger.info('governance refused the run', { reason: refusal.reason, message: refusal.message });
        state.refusal = refusal.message;
        stopRun(run, refusal.reason, 'system');
        return;
      }
    }
    let history: ChatHistoryTurn[] = [];
    if (input.chatId && input.messageId && settings.historyTurns > 0) {
      try {
        const fetched = await unlessStopped(
          run,
          deps.chats.history(input.chatId, input.messageId, settings.historyTurns),
        );
        if (fetched === STOPPED) return;
        history = fetched;
      } catch (error) {
        run.logger.warn('loading the chat history failed; running without it', { error: String(error) });
      }
    }
    const budgets = systemPromptBudgets({ ...sections, budgetChars: settings.promptBudgetChars });
    let memory = '';
    if (budgets.memory > 0) {
      try {
        const recalled = await unlessStopped(
          run,
          deps.memory.recall({ agent, query: input.prompt, budgetChars: budgets.memory }),
        );
        if (recalled === STOPPED) return;
        memory = recalled;
      } catch (error) {
        run.logger.warn('recalling agent memory failed; running without it', { error: String(error) });
      }
    }
    const systemPrompt = assembleSystemPrompt({
      ...sections,
      history,
      memory,
      budgetChars: settings.promptBudgetChars,
    });

    let invocation: AgentInvocation;
    try {
      invocation = adapter.buildInvocation({
        agentSlug: agent.slug,
        model: agent.model,
        toolProfile: agent.tool_profile,
        systemPrompt: systemPrompt.text,
        prompt: input.prompt,
        mcpConfigPath: null,
      });
    } catch (error) {
      state.failure = 'agent_error';
      run.logger.error('building the agent invocation failed', { error: String(error) });
      return;
    }

    let sandbox: AgentSandbox;
    const preparing = deps.sandboxes.prepare({ crew, agent, files: invocation.files });
    try {
      const prepared = await unlessStopped(run, preparing);
      if (prepared === STOPPED) {
        preparing.catch((error: unknown) => {
          run.logger.warn('preparing the sandbox failed after the run stopped', { error: String(error) });
        });
        return;
      }
      sandbox = prepared;
    } catch (error) {
      state.failure = 'container_error';
      run.logger.error('preparing the sandbox failed', { error: String(error) });
      return;
    }
    if (run.stop) return;

    const elapsed = now().getTime() - run.startedAt.getTime();
    const parser = adapter.createParser();
    const guard = createLoopGuard(settings.loopGuardRepeats);
    const push = (line: string, stream: 'stdout' | 'stderr') => {
      try {
        return parser.push(line, stream);
      } catch (error) {
        run.logger.warn('the stream parser rejected a line; skipped', { error: String(error) });
        return [];
      }
    };
    try {
      const handle = sandbox.exec({
        cmd: invocation.cmd,
        user: AGENT_USER,
        env: invocation.env,
        cwd: invocation.cwd,
        ...(invocation.stdin === undefined ? {} : { stdin: invocation.stdin }),
        timeoutMs: Math.max(1, run.timeoutMs - Math.max(0, elapsed)),
        signal: run.controller.signal,
        tmuxSession: agentTmuxSession(agent.slug),
      });
      for await (const output of handle) {
        for (const event of push(output.line, output.stream)) handleEvent(run, state, event, guard);
      }
      state.exit = await handle.result;
    } catch (error) {
      if (!run.stop) {
        state.failure = 'container_error';
        run.logger.error('running the agent in the sandbox failed', { error: String(error) });
      }
      return;
    }
    let tail: AgentEvent[] = [];
    try {
      tail = parser.end({ exitCode: state.exit.exitCode, durationMs: state.exit.durationMs });
    } catch (error) {
      run.logger.warn('the stream parser failed at the end of the run', { error: String(error) });
    }
    for (const event of tail) handleEvent(run, state, event, guard);
  }

  function finalText(state: RunState): string {
    const text = state.result?.text.trim() ? state.result.text : state.texts.join('\n\n');
    // Scrubbed again as a whole: a secret may straddle two separately scrubbed blocks.
    return text.trim() ? deps.scrub(text) : '';
  }

  async function finish(run: ActiveRun, state: RunState): Promise<RunOutcome> {
    const { input } = run;
    await Promise.all([...state.pending]);
    const { status, reason } = classifyRunEnd({
      stopReason: run.stop?.reason ?? null,
      failure: state.failure,
      exit: state.exit,
      result: state.result,
    });
    const result = state.result;
    const durationMs = result?.duration_ms ?? Math.max(0, now().getTime() - run.startedAt.getTime());
    const label = { completed: 'completed', failed: 'failed', cancelled: 'cancelled', timeout: 'timed out' }[
      status
    ];
    try {
      await deps.journal.append({
        ...baseEntry(run),
        entryType: TERMINAL_ENTRY_TYPES[status],
        severity: TERMINAL_SEVERITIES[status],
        actor: status === 'cancelled' && run.stop ? run.stop.actor : 'system',
        summary: `Run ${label}: ${input.agent.name}${status === 'failed' ? ` (${reason})` : ''}`,
        payload: {
          reason,
          duration_ms: durationMs,
          cost_usd: result?.cost_usd ?? null,
          turns: result?.turns ?? null,
          usage: result?.usage ?? state.usage,
          exit_code: state.exit?.exitCode ?? null,
          ...(state.refusal ? { message: state.refusal } : {}),
        },
      });
    } catch (error) {
      run.logger.error('journaling the end of the run failed', { status, error: String(error) });
    }
    const text = finalText(state);
    if (input.chatId && text) {
      let message: ChatMessage | null = null;
      try {
        message = await deps.chats.appendAssistantMessage({
          chatId: input.chatId,
          runId: run.id,
          content: text,
        });
      } catch (error) {
        run.logger.error('saving the assistant message failed', { error: String(error) });
      }
      if (message) {
        publish(input.workspaceId, { kind: 'chat.message', chat_id: input.chatId, message }, run.logger);
      }
    }
    runs.delete(run.id);
    publish(
      input.workspaceId,
      { kind: 'run.status', run_id: run.id, chat_id: input.chatId, status, reason },
      run.logger,
    );
    if (deps.governance) {
      try {
        await deps.governance.afterRun({
          runId: run.id,
          workspaceId: input.workspaceId,
          crew: input.crew,
          agent: input.agent,
          chatId: input.chatId,
          actor: input.actor,
          status,
          reason,
          result,
          usage: result?.usage ?? state.usage,
        });
      } catch (error) {
        run.logger.error('governance bookkeeping after the run failed', { error: String(error) });
      }
    }
    return { runId: run.id, status, reason, text, result };
  }

  async function execute(run: ActiveRun): Promise<RunOutcome> {
    const state: RunState = {
      failure: null,
      exit: null,
      result: null,
      texts: [],
      usage: null,
      refusal: null,
      pending: new Set(),
    };
    const deadline = setTimeout(() => stopRun(run, 'timeout', 'system'), run.timeoutMs);
    try {
      await drive(run, state);
    } catch (error) {
      state.failure ??= 'agent_error';
      run.logger.error('the run failed unexpectedly', { error: String(error) });
    } finally {
      clearTimeout(deadline);
    }
    return finish(run, state);
  }

  return {
    async startRun(raw) {
      if (closing) throw new CrewshipError('unavailable', 'the server is shutting down');
      const input = parseInput(raw);
      const adapter = resolveAdapter(input);
      const startedAt = now();
      const runId = input.runId ?? ulid(startedAt.getTime());
      if (runs.has(runId)) throw new CrewshipError('conflict', `run ${runId} is already running`);
      if (input.chatId) {
        const existing = activeRunForChat(input.chatId);
        if (existing) {
          throw new CrewshipError('conflict', 'this chat already has a run in progress', {
            details: { runId: existing },
          });
        }
      }
      // One CLI per agent at a time: a run writes its prompt files (AGENTS.md, system prompt) into the
      // agent's directory and works in it, so a second one would pull them from under the first.
      for (const run of runs.values()) {
        if (run.input.agent.id === input.agent.id) {
          throw new CrewshipError(
            'conflict',
            `agent ${input.agent.slug} is busy with run ${run.id}; wait for it or cancel it first`,
            { details: { runId: run.id } },
          );
        }
      }
      let crewRuns = 0;
      for (const run of runs.values()) if (run.input.crew.id === input.crew.id) crewRuns += 1;
      if (crewRuns >= settings.maxConcurrentRunsPerCrew) {
        throw new CrewshipError(
          'rate_limited',
          `crew ${input.crew.slug} already has ${crewRuns} runs in progress (limit ${settings.maxConcurrentRunsPerCrew})`,
          { details: { limit: settings.maxConcurrentRunsPerCrew } },
        );
      }

      // Reserved before the first await so concurrent starts see each other.
      const controller = new AbortController();
      let release!: (outcome: RunOutcome) => void;
      const run: ActiveRun = {
        id: runId,
        input,
        adapter,
        startedAt,
        timeoutMs: input.timeoutMs ?? settings.defaultTimeoutMs,
        controller,
        stop: null,
        stopped: new Promise((resolve) => {
          controller.signal.addEventListener('abort', () => resolve(STOPPED), { once: true });
        }),
        done: new Promise((resolve) => {
          release = resolve;
        }),
        logger: logger.child({ run_id: runId }),
      };
      runs.set(runId, run);

      try {
        await deps.journal.append({
          ...baseEntry(run),
          entryType: RUN_ENTRY_TYPES.started,
          severity: 'info',
          actor: input.actor,
          summary: `Run started: ${input.agent.name} (${input.agent.cli_adapter}${input.agent.model ? `, ${input.agent.model}` : ''})`,
          payload: {
            chat_id: input.chatId,
            prompt_preview: deps.scrub(input.prompt).slice(0, PROMPT_PREVIEW_CHARS),
            adapter: input.agent.cli_adapter,
            model: input.agent.model,
          },
        });
      } catch (error) {
        runs.delete(runId);
        release({ runId, status: 'failed', reason: 'agent_error', text: '', result: null });
        run.logger.error('journaling the start of the run failed', { error: String(error) });
        throw new CrewshipError('unavailable', 'the run could not be recorded; try again', { cause: error });
      }
      publish(
        input.workspaceId,
        { kind: 'run.status', run_id: runId, chat_id: input.chatId, status: 'running', reason: null },
        run.logger,
      );

      execute(run).then(release, (error: unknown) => {
        runs.delete(runId);
        run.logger.error('the run ended without a terminal entry', { error: String(error) });
        release({ runId, status: 'failed', reason: 'agent_error', text: '', result: null });
      });
      const handle: RunHandle = { runId, startedAt: startedAt.toISOString(), done: run.done };
      return handle;
    },

    cancelRun(runId, actor) {
      const run = runs.get(runId);
      if (!run) return false;
      stopRun(run, 'cancelled', actor);
      return true;
    },

    stopRun(runId, reason, actor) {
      const run = runs.get(runId);
      if (!run) return false;
      stopRun(run, reason, actor);
      return true;
    },

    activeRunForChat,

    activeRunForAgent(agentId) {
      for (const run of runs.values()) if (run.input.agent.id === agentId) return run.id;
      return null;
    },

    isActive(runId) {
      return runs.has(runId);
    },

    ended(runId) {
      return runs.get(runId)?.done ?? null;
    },

    async recoverInterruptedRuns() {
      const open = openRunsSchema.parse(await deps.openRuns.openRuns());
      let closed = 0;
      for (const interrupted of open) {
        if (runs.has(interrupted.runId)) continue;
        try {
          await deps.journal.append({
            workspaceId: interrupted.workspaceId,
            crewId: interrupted.crewId,
            agentId: interrupted.agentId,
            traceId: interrupted.runId,
            entryType: RUN_ENTRY_TYPES.failed,
            severity: 'error',
            actor: 'system',
            summary: 'Run failed: interrupted by a server restart',
            payload: {
              reason: 'server_restart',
              duration_ms: null,
              cost_usd: null,
              turns: null,
              usage: null,
              exit_code: null,
            },
          });
          closed += 1;
        } catch (error) {
          logger.error('closing an interrupted run failed', {
            run_id: interrupted.runId,
            error: String(error),
          });
          continue;
        }
        publish(
          interrupted.workspaceId,
          {
            kind: 'run.status',
            run_id: interrupted.runId,
            chat_id: interrupted.chatId,
            status: 'failed',
            reason: 'server_restart',
          },
          logger,
        );
      }
      return closed;
    },

    async shutdown() {
      closing = true;
      const active = [...runs.values()];
      for (const run of active) stopRun(run, 'cancelled', 'system');
      await Promise.all(active.map((run) => run.done));
    },
  };
}
