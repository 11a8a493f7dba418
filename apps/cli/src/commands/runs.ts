import {
  type AgentEvent,
  type Chat,
  type ChatMessage,
  type ChatStreamLine,
  CrewshipError,
  type ErrorKind,
  RUN_STATUSES,
  type Run,
  type RunStatus,
} from '@crewship/contracts';
import type { CrewshipClient } from '@crewship/sdk';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, type CliIo, signedInClient, wantsJson } from '../context.js';
import { CommandExit, describeError, toCrewshipError } from '../errors.js';
import { parseInteger } from '../option-parsers.js';
import { INTERRUPTED_EXIT_CODE } from './crew-container.js';

const TOOL_INPUT_CHARS = 100;

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** `2025-01-31 14:05:09` in local time. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

export function formatDuration(ms: number | null): string | null {
  if (ms === null) return null;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

function formatCost(usd: number | null): string | null {
  return usd === null ? null : `$${usd.toFixed(4)}`;
}

function formatTokens(run: Run): string | null {
  return run.usage ? `${run.usage.input_tokens} in / ${run.usage.output_tokens} out tokens` : null;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function parseRunStatus(value: string): RunStatus {
  const status = value.trim().toLowerCase();
  if (!(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new InvalidArgumentError(`must be one of ${RUN_STATUSES.join(', ')}.`);
  }
  return status as RunStatus;
}

/** The error kind (and so the exit code) of a run that did not complete. */
function runFailureKind(run: Run): ErrorKind {
  return run.reason === 'budget_exceeded' ? 'budget_exceeded' : 'internal';
}

const REASON_HINTS: Record<string, string> = {
  bad_credential:
    'the model provider rejected the credential; check `crewship credential list` and rotate it with `crewship credential rotate`',
  budget_exceeded: 'a budget stopped the run',
  exit_code: 'the agent CLI exited with an error',
  agent_error: 'the agent CLI reported an error',
  loop_detected: 'the agent repeated the same tool call and was stopped',
  server_restart: 'the server restarted while the run was in progress',
  container_error: "the crew's container could not run the agent",
};

/** Throws for a run that ended other than `completed`; the message says why and where to look. */
function failIfNotCompleted(run: Run, timeoutSeconds: number | undefined): void {
  if (run.status === 'completed') return;
  const trace = `details: crewship journal list --trace ${run.id}`;
  const chat = run.chat_id ? `; chat ${run.chat_id}` : '';
  if (run.status === 'timeout') {
    const limit = timeoutSeconds ? ` after ${timeoutSeconds}s` : '';
    throw new CrewshipError(
      'internal',
      `run ${run.id} timed out${limit} (reason: timeout); allow longer with --timeout SECONDS${chat}`,
    );
  }
  if (run.status === 'cancelled') {
    throw new CrewshipError('internal', `run ${run.id} was cancelled (reason: cancelled)${chat}`);
  }
  const reason = run.reason ?? 'unknown';
  const hint = REASON_HINTS[reason];
  throw new CrewshipError(
    runFailureKind(run),
    `run ${run.id} ${run.status} (reason: ${reason})${hint ? `: ${hint}` : ''}; ${trace}${chat}`,
  );
}

function summaryLine(run: Run, chatHint: string | null): string {
  const parts = [
    `${run.status}${formatDuration(run.duration_ms) ? ` in ${formatDuration(run.duration_ms)}` : ''}`,
    formatCost(run.cost_usd),
    formatTokens(run),
    run.turns === null ? null : plural(run.turns, 'turn'),
    chatHint,
  ].filter((part): part is string => part !== null);
  return `— ${parts.join(' · ')}`;
}

function toolInputSummary(input: unknown): string {
  if (input === undefined || input === null) return '';
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  return text === '{}' ? '' : ` ${clip(text, TOOL_INPUT_CHARS)}`;
}

/**
 * Renders live chat events for a person: answer text on stdout as it arrives, tool calls and errors as
 * compact lines on stderr. Keeps stdout on a fresh line before anything goes to stderr.
 */
function createRunRenderer(io: CliIo, options: { runId?: string; showMessages: boolean }) {
  let atLineStart = true;
  const toolNames = new Map<string, string>();
  /** Runs whose answer text was printed, so their final assistant message is not printed again. */
  const printedRuns = new Set<string>();
  const deltasSinceText = new Map<string, boolean>();

  const write = (text: string) => {
    if (text === '') return;
    io.stdout(text);
    atLineStart = text.endsWith('\n');
  };
  const endLine = () => {
    if (!atLineStart) write('\n');
  };
  const note = (text: string) => {
    endLine();
    io.stderr(`${text}\n`);
  };

  function agentEvent(runId: string, event: AgentEvent) {
    switch (event.type) {
      case 'text_delta':
        write(event.text);
        deltasSinceText.set(runId, true);
        printedRuns.add(runId);
        return;
      case 'text':
        if (deltasSinceText.get(runId)) endLine();
        else {
          endLine();
          write(event.text.endsWith('\n') ? event.text : `${event.text}\n`);
        }
        deltasSinceText.set(runId, false);
        printedRuns.add(runId);
        return;
      case 'tool_use':
        toolNames.set(event.id, event.name);
        note(`→ ${event.name}${toolInputSummary(event.input)}`);
        return;
      case 'tool_result': {
        const name = toolNames.get(event.tool_use_id) ?? 'tool';
        const lines = event.output === '' ? 0 : event.output.replace(/\n$/, '').split('\n').length;
        note(
          event.is_error
            ? `← ${name} error (${plural(lines, 'line')}): ${clip(event.output, TOOL_INPUT_CHARS)}`
            : `← ${name} (${plural(lines, 'line')})`,
        );
        return;
      }
      case 'error':
        note(`! ${event.message}`);
        return;
      case 'result':
        // CLIs that print no text events still report the answer in their result.
        if (!printedRuns.has(runId) && event.text !== '') {
          endLine();
          write(event.text.endsWith('\n') ? event.text : `${event.text}\n`);
          printedRuns.add(runId);
        }
        return;
      default:
        return;
    }
  }

  return {
    line(line: ChatStreamLine) {
      if ('gap' in line) {
        note(
          `(events before #${line.gap.first_seq} are no longer buffered${options.runId ? `; see crewship journal list --trace ${options.runId}` : ''})`,
        );
        return;
      }
      const { event } = line;
      if (event.kind === 'agent.event') {
        if (options.runId && event.run_id !== options.runId) return;
        agentEvent(event.run_id, event.event);
      } else if (event.kind === 'run.status' && options.showMessages) {
        note(`— run ${event.run_id} ${event.status}${event.reason ? ` (${event.reason})` : ''}`);
      } else if (event.kind === 'chat.message' && options.showMessages) {
        const { message } = event;
        if (message.role === 'user') {
          endLine();
          write(`${message.content.replace(/^/gm, '> ')}\n`);
        } else if (!message.run_id || !printedRuns.has(message.run_id)) {
          endLine();
          write(message.content.endsWith('\n') ? message.content : `${message.content}\n`);
        }
      }
    },
    endLine,
  };
}

/**
 * Sends a message and follows its run to the end: rendered for a person, or NDJSON with `--json`.
 * Ctrl-C cancels the run on the server and exits 130; a run that did not complete throws.
 */
async function sendAndFollow(
  context: CliContext,
  command: Command,
  input: {
    api: CrewshipClient;
    chat: string;
    content: string;
    timeoutSeconds: number | undefined;
    /** Shown in the summary when the chat was created for this message. */
    continueHint: boolean;
  },
): Promise<void> {
  const { io } = context;
  const { api } = input;
  const json = wantsJson(command);
  const stopWaiting = new AbortController();
  let runId: string | undefined;
  let interrupted = false;
  let cancelling: Promise<void> | undefined;
  const cancel = (id: string) => {
    io.stderr(`crewship: cancelling run ${id}… (Ctrl-C again to stop waiting)\n`);
    cancelling = api.runs.cancel(id).then(
      () => {},
      (error: unknown) => {
        io.stderr(`crewship: could not cancel run ${id}: ${describeError(toCrewshipError(error))}\n`);
      },
    );
  };
  const stopListening = io.onInterrupt?.(() => {
    if (interrupted) {
      stopWaiting.abort();
      return;
    }
    interrupted = true;
    if (runId) cancel(runId);
  });
  try {
    const posted = await api.chats.send(input.chat, input.content, { timeoutSeconds: input.timeoutSeconds });
    runId = posted.run.id;
    if (interrupted) cancel(runId);
    if (!json) io.stderr(`crewship: run ${runId} in chat ${input.chat}\n`);
    const renderer = createRunRenderer(io, { runId, showMessages: false });
    const stream = await api.chats.stream(input.chat, {
      run: runId,
      afterSeq: posted.stream_after_seq,
      signal: stopWaiting.signal,
    });
    for await (const line of stream) {
      if (json) io.stdout(`${JSON.stringify(line)}\n`);
      else renderer.line(line);
    }
    const done = await stream.result;
    await cancelling;
    if (json) io.stdout(`${JSON.stringify(done)}\n`);
    else {
      renderer.endLine();
      if (done.run.status === 'completed') {
        const hint = input.continueHint
          ? `continue with: crewship ask --chat ${input.chat} "…"`
          : `chat ${input.chat}`;
        io.stderr(`${summaryLine(done.run, hint)}\n`);
      }
    }
    if (interrupted && done.run.status === 'cancelled') {
      io.stderr(`crewship: run ${done.run.id} cancelled; chat ${input.chat}\n`);
      throw new CommandExit(INTERRUPTED_EXIT_CODE);
    }
    failIfNotCompleted(done.run, input.timeoutSeconds);
  } catch (error) {
    if (error instanceof CommandExit || !interrupted) throw error;
    // After Ctrl-C, whatever cut the wait short (a second Ctrl-C, the run's end) ends as interrupted.
    if (!stopWaiting.signal.aborted) await cancelling;
    throw new CommandExit(INTERRUPTED_EXIT_CODE);
  } finally {
    stopListening?.();
  }
}

/** The prompt from the arguments, or stdin for `-`. */
async function promptFrom(context: CliContext, words: readonly string[], usage: string): Promise<string> {
  const joined = words.join(' ');
  const prompt = joined === '-' ? (await context.io.readStdin()).replace(/\r?\n$/, '') : joined;
  if (prompt.trim() === '') {
    throw new CrewshipError(
      'invalid_input',
      `no prompt: give it as an argument (${usage} "…") or pipe it with - (… | ${usage} -)`,
    );
  }
  return prompt;
}

async function agentSlugs(api: CrewshipClient): Promise<Map<string, string>> {
  return new Map((await api.agents.list()).map((agent) => [agent.id, agent.slug]));
}

function runRecord(run: Run, agents: Map<string, string>): Record<string, unknown> {
  return {
    id: run.id,
    status: run.status,
    reason: run.reason,
    agent: run.agent_id ? (agents.get(run.agent_id) ?? run.agent_id) : null,
    chat: run.chat_id,
    started_at: run.started_at,
    ended_at: run.ended_at,
    duration: formatDuration(run.duration_ms),
    cost: formatCost(run.cost_usd),
    tokens: formatTokens(run),
    turns: run.turns,
    entries: run.entries,
    prompt: run.prompt_preview,
  };
}

interface AskOptions {
  agent?: string;
  chat?: string;
  timeout?: number;
}

export function registerRunCommands(program: Command, context: CliContext): void {
  const { out, io } = context;

  program
    .command('ask')
    .description("Ask an agent something: starts a run and streams the agent's answer as it works")
    .argument('[prompt...]', 'what to ask; - reads it from stdin')
    .option('--agent <ref>', 'agent id or slug (starts a new chat with it)')
    .option('--chat <id>', 'continue this chat instead of starting a new one')
    .option('--timeout <seconds>', 'stop the run after this long (default: 30 minutes)', parseInteger)
    .addHelpText(
      'after',
      `
The answer goes to stdout as it arrives; tool calls (→ name {input}, ← name (n lines)), errors and a
final summary (status, duration, cost, tokens, chat id) go to stderr. Exits 0 when the run completed;
otherwise the reason (bad_credential, timeout, …) is printed on stderr and the exit code is 1
(8 when a budget stopped it). Ctrl-C cancels the run on the server and exits 130.
With --json every stream line is printed as NDJSON on stdout, the final {"done":true,"run":…} last.

Examples:
  $ crewship ask --agent reviewer "Review the diff in /workspace and list the risky changes"
  $ crewship ask --chat 01J9Z3… "Now fix the first one"
  $ git diff | crewship ask --agent reviewer --timeout 600 -
  $ crewship ask --agent reviewer --json "Summarize README.md" | jq -c 'select(.done) | .run.cost_usd'`,
    )
    .action(async (words: string[], options: AskOptions, command: Command) => {
      if (!options.agent && !options.chat) {
        throw new CrewshipError('invalid_input', 'say who to ask: --agent SLUG (new chat) or --chat ID');
      }
      const prompt = await promptFrom(context, words, 'crewship ask --agent SLUG');
      const { api } = signedInClient(context, command);
      let chat: Chat;
      if (options.chat) {
        chat = await api.chats.get(options.chat);
        if (options.agent) {
          const agent = await api.agents.get(options.agent);
          if (agent.id !== chat.agent_id) {
            throw new CrewshipError(
              'invalid_input',
              `chat ${chat.id} is with another agent than ${options.agent}; drop --agent or --chat`,
            );
          }
        }
      } else {
        chat = await api.chats.create(options.agent ?? '');
      }
      await sendAndFollow(context, command, {
        api,
        chat: chat.id,
        content: prompt,
        timeoutSeconds: options.timeout,
        continueHint: true,
      });
    });

  const chat = program
    .command('chat')
    .description('Chats with agents: each message starts a run')
    .addHelpText(
      'after',
      `
Examples:
  $ crewship chat list --agent reviewer
  $ crewship chat send 01J9Z3… "And the tests?"
  $ crewship chat send 01J9Z3… --no-wait "Run the full test suite"
  $ crewship chat stream 01J9Z3…            # follow live until Ctrl-C
  $ crewship chat messages 01J9Z3…`,
    );

  chat
    .command('list')
    .description('List chats, most recently active first')
    .option('--agent <ref>', 'only the chats with this agent (id or slug)')
    .action(async (options: { agent?: string }, command: Command) => {
      const { api } = signedInClient(context, command);
      const chats = await api.chats.list({ agent: options.agent });
      if (wantsJson(command)) return out.json(chats);
      const agents = await agentSlugs(api);
      out.table(
        chats,
        [
          { header: 'ID', value: (row: Chat) => row.id },
          { header: 'AGENT', value: (row: Chat) => agents.get(row.agent_id) ?? row.agent_id },
          { header: 'TITLE', value: (row: Chat) => row.title },
          { header: 'UPDATED', value: (row: Chat) => formatTime(row.updated_at) },
          { header: 'RUNNING', value: (row: Chat) => row.active_run_id },
        ],
        'No chats yet. Start one with `crewship ask --agent SLUG "…"`.',
      );
    });

  chat
    .command('send')
    .description('Send a message to a chat and stream the run it starts (like ask)')
    .argument('<chat>', 'chat id')
    .argument('[message...]', 'the message; - reads it from stdin')
    .option('--no-wait', 'print the started run and return without streaming it')
    .option('--timeout <seconds>', 'stop the run after this long (default: 30 minutes)', parseInteger)
    .action(
      async (
        chatId: string,
        words: string[],
        options: { wait: boolean; timeout?: number },
        command: Command,
      ) => {
        const content = await promptFrom(context, words, `crewship chat send ${chatId}`);
        const { api } = signedInClient(context, command);
        if (!options.wait) {
          const posted = await api.chats.send(chatId, content, { timeoutSeconds: options.timeout });
          if (wantsJson(command)) return out.json(posted);
          out.record({
            chat: chatId,
            message: posted.message.id,
            run: posted.run.id,
            status: posted.run.status,
            follow: `crewship chat stream ${chatId} --after-seq ${posted.stream_after_seq}`,
          });
          return;
        }
        await sendAndFollow(context, command, {
          api,
          chat: chatId,
          content,
          timeoutSeconds: options.timeout,
          continueHint: false,
        });
      },
    );

  chat
    .command('stream')
    .description("Follow a chat's live events (messages, answers, tool calls, run status) until Ctrl-C")
    .argument('<chat>', 'chat id')
    .option('--after-seq <n>', 'first replay the buffered events after this sequence number', parseInteger)
    .addHelpText('after', '\nWith --json every stream line ({seq, event} or {gap}) is printed as NDJSON.')
    .action(async (chatId: string, options: { afterSeq?: number }, command: Command) => {
      const { api } = signedInClient(context, command);
      const json = wantsJson(command);
      const stop = new AbortController();
      const stopListening = io.onInterrupt?.(() => stop.abort());
      const renderer = createRunRenderer(io, { showMessages: true });
      try {
        const stream = await api.chats.stream(chatId, { afterSeq: options.afterSeq, signal: stop.signal });
        for await (const line of stream) {
          if (json) io.stdout(`${JSON.stringify(line)}\n`);
          else renderer.line(line);
        }
      } catch (error) {
        if (!stop.signal.aborted) throw error;
      } finally {
        stopListening?.();
        renderer.endLine();
      }
    });

  chat
    .command('messages')
    .description('Show the messages of a chat, oldest first')
    .argument('<chat>', 'chat id')
    .option('--after <message>', 'only the messages after this message id')
    .option('--limit <n>', 'at most this many messages (default 200)', parseInteger)
    .action(async (chatId: string, options: { after?: string; limit?: number }, command: Command) => {
      const { api } = signedInClient(context, command);
      const messages = await api.chats.messages(chatId, { after: options.after, limit: options.limit });
      if (wantsJson(command)) return out.json(messages);
      if (messages.length === 0) return out.line('No messages yet.');
      messages.forEach((message: ChatMessage, index: number) => {
        if (index > 0) out.line();
        const who =
          message.role === 'user' ? 'you' : `agent${message.run_id ? ` (run ${message.run_id})` : ''}`;
        out.line(`[${formatTime(message.created_at)}] ${who}`);
        out.line(message.content.replace(/\n$/, '').replace(/^/gm, '  '));
      });
    });

  const run = program
    .command('run')
    .description('Runs: one agent answering one message, from start to end')
    .addHelpText(
      'after',
      `
Examples:
  $ crewship run list --agent reviewer --status failed
  $ crewship run get 01J9Z4…
  $ crewship run cancel 01J9Z4…
  $ crewship run stats --since 2025-01-01`,
    );

  run
    .command('list')
    .description('List runs, newest first')
    .option('--agent <ref>', 'only the runs of this agent (id or slug)')
    .option('--crew <ref>', 'only the runs of this crew (id or slug)')
    .option('--chat <id>', 'only the runs of this chat')
    .option('--status <status>', RUN_STATUSES.join(' | '), parseRunStatus)
    .option('--since <time>', 'only runs started since then (ISO time)')
    .option('--limit <n>', 'at most this many runs (default 50, at most 500)', parseInteger)
    .action(
      async (
        options: {
          agent?: string;
          crew?: string;
          chat?: string;
          status?: RunStatus;
          since?: string;
          limit?: number;
        },
        command: Command,
      ) => {
        const { api } = signedInClient(context, command);
        const runs = await api.runs.list({
          agent: options.agent,
          crew: options.crew,
          chat: options.chat,
          status: options.status,
          since: options.since,
          limit: options.limit,
        });
        if (wantsJson(command)) return out.json(runs);
        const agents = await agentSlugs(api);
        out.table(
          runs,
          [
            { header: 'ID', value: (row: Run) => row.id },
            {
              header: 'STATUS',
              value: (row: Run) =>
                `${row.status}${row.reason && row.status !== row.reason ? ` (${row.reason})` : ''}`,
            },
            {
              header: 'AGENT',
              value: (row: Run) => (row.agent_id ? (agents.get(row.agent_id) ?? row.agent_id) : null),
            },
            { header: 'STARTED', value: (row: Run) => formatTime(row.started_at) },
            { header: 'DURATION', value: (row: Run) => formatDuration(row.duration_ms) },
            { header: 'COST', value: (row: Run) => formatCost(row.cost_usd) },
            {
              header: 'TOKENS',
              value: (row: Run) =>
                row.usage ? `${row.usage.input_tokens}/${row.usage.output_tokens}` : null,
            },
            { header: 'PROMPT', value: (row: Run) => clip(row.prompt_preview, 60) },
          ],
          'No runs yet. Start one with `crewship ask --agent SLUG "…"`.',
        );
      },
    );

  run
    .command('get')
    .description('Show a run')
    .argument('<id>', 'run id')
    .action(async (id: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      const found = await api.runs.get(id);
      if (wantsJson(command)) return out.json(found);
      out.record(runRecord(found, await agentSlugs(api)));
    });

  run
    .command('cancel')
    .description("Cancel a run in progress (kills the agent's processes); waits until it has ended")
    .argument('<id>', 'run id')
    .action(async (id: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      const ended = await api.runs.cancel(id);
      if (wantsJson(command)) return out.json(ended);
      out.line(`Run ${ended.id} ${ended.status}.`);
    });

  run
    .command('stats')
    .description('Run counts by status, tokens, cost and mean duration')
    .option('--agent <ref>', 'only the runs of this agent (id or slug)')
    .option('--crew <ref>', 'only the runs of this crew (id or slug)')
    .option('--since <time>', 'only runs started since then (ISO time)')
    .action(async (options: { agent?: string; crew?: string; since?: string }, command: Command) => {
      const { api } = signedInClient(context, command);
      const stats = await api.runs.stats({
        ...(options.agent ? { agent: options.agent } : {}),
        ...(options.crew ? { crew: options.crew } : {}),
        ...(options.since ? { since: options.since } : {}),
      });
      if (wantsJson(command)) return out.json(stats);
      const byStatus = Object.entries(stats.by_status)
        .filter(([, count]) => count > 0)
        .map(([status, count]) => `${status} ${count}`);
      out.record({
        runs: stats.total,
        by_status: byStatus.length === 0 ? '-' : byStatus.join(', '),
        cost: formatCost(stats.cost_usd),
        input_tokens: stats.input_tokens,
        output_tokens: stats.output_tokens,
        avg_duration: formatDuration(stats.avg_duration_ms),
      });
    });
}
