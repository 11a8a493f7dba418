import type {
  Agent,
  ChatHistoryTurn,
  ChatLog,
  ChatMessage,
  Crew,
  JournalEntry,
  JournalEntryInput,
  JournalWriter,
  LogFields,
  Logger,
  LogLevel,
  MemoryRecall,
  OpenRunFinder,
  OrchestratorDeps,
  RunEventPublisher,
  RunStreamEvent,
} from '@crewship/contracts';
import { createFakeAgentCliAdapter, type FakeAgentCliAdapter } from './fake-agent-cli-adapter.js';
import { createFakeSandboxProvider, type FakeSandboxProvider } from './fake-sandbox-provider.js';

type EntryFilter = (entry: JournalEntryInput) => boolean;

export interface MemoryJournal extends JournalWriter {
  /** Every append in call order, including held and failed ones. */
  readonly calls: JournalEntryInput[];
  /** Appends that succeeded, in the order they settled. */
  readonly entries: JournalEntry[];
  /** Matching appends reject. */
  failWhere(filter: EntryFilter | null): void;
  /** Matching appends stay pending until `release()`. */
  holdWhere(filter: EntryFilter | null): void;
  /** The number of appends currently held. */
  readonly held: number;
  release(): void;
}

export function createMemoryJournal(): MemoryJournal {
  const calls: JournalEntryInput[] = [];
  const entries: JournalEntry[] = [];
  let failing: EntryFilter | null = null;
  let holding: EntryFilter | null = null;
  const held: (() => void)[] = [];
  const store = (input: JournalEntryInput): JournalEntry => {
    const entry: JournalEntry = {
      id: `entry-${entries.length + 1}`,
      seq: entries.length + 1,
      at: new Date(0).toISOString(),
      workspaceId: input.workspaceId,
      crewId: input.crewId ?? null,
      agentId: input.agentId ?? null,
      traceId: input.traceId ?? null,
      entryType: input.entryType,
      severity: input.severity ?? 'info',
      actor: input.actor,
      summary: input.summary,
      payload: input.payload ?? {},
      prevHash: '',
      entryHash: '',
    };
    entries.push(entry);
    return entry;
  };
  return {
    calls,
    entries,
    get held() {
      return held.length;
    },
    failWhere(filter) {
      failing = filter;
    },
    holdWhere(filter) {
      holding = filter;
    },
    release() {
      for (const resume of held.splice(0)) resume();
    },
    async append(input) {
      calls.push(input);
      if (holding?.(input)) await new Promise<void>((resolve) => held.push(resolve));
      if (failing?.(input)) throw new Error(`journal unavailable (${input.entryType})`);
      return store(input);
    },
  };
}

export interface MemoryChatLog extends ChatLog {
  /** History returned for every chat (oldest first). */
  turns: ChatHistoryTurn[];
  readonly historyCalls: { chatId: string; beforeMessageId: string; limit: number }[];
  readonly messages: ChatMessage[];
}

export function createMemoryChatLog(turns: ChatHistoryTurn[] = []): MemoryChatLog {
  const historyCalls: MemoryChatLog['historyCalls'] = [];
  const messages: ChatMessage[] = [];
  const log: MemoryChatLog = {
    turns,
    historyCalls,
    messages,
    async history(chatId, beforeMessageId, limit) {
      historyCalls.push({ chatId, beforeMessageId, limit });
      return log.turns.slice(-limit);
    },
    async appendAssistantMessage({ chatId, runId, content }) {
      const message: ChatMessage = {
        id: `message-${messages.length + 1}`,
        chat_id: chatId,
        role: 'assistant',
        content,
        run_id: runId,
        created_at: new Date(0).toISOString(),
      };
      messages.push(message);
      return message;
    },
  };
  return log;
}

export interface FakeMemoryRecall extends MemoryRecall {
  /** What `recall` returns. */
  text: string;
  readonly calls: { agentSlug: string; query: string; budgetChars: number }[];
}

export function createFakeMemoryRecall(text = ''): FakeMemoryRecall {
  const recall: FakeMemoryRecall = {
    text,
    calls: [],
    async recall({ agent, query, budgetChars }) {
      recall.calls.push({ agentSlug: agent.slug, query, budgetChars });
      return recall.text;
    },
  };
  return recall;
}

export interface RecordingPublisher extends RunEventPublisher {
  readonly events: { workspaceId: string; event: RunStreamEvent }[];
  /** When set, `publish` throws, as a hub whose client went away might. */
  failing: boolean;
}

export function createRecordingPublisher(): RecordingPublisher {
  const publisher: RecordingPublisher = {
    events: [],
    failing: false,
    publish(workspaceId, event) {
      if (publisher.failing) throw new Error('client disconnected');
      publisher.events.push({ workspaceId, event });
    },
  };
  return publisher;
}

export interface FakeOpenRunFinder extends OpenRunFinder {
  runs: Awaited<ReturnType<OpenRunFinder['openRuns']>>;
}

export function createFakeOpenRunFinder(runs: FakeOpenRunFinder['runs'] = []): FakeOpenRunFinder {
  const finder: FakeOpenRunFinder = {
    runs,
    async openRuns() {
      return finder.runs;
    },
  };
  return finder;
}

export interface RecordingLogger extends Logger {
  readonly records: { level: LogLevel; message: string; fields: LogFields }[];
}

export function createRecordingLogger(): RecordingLogger {
  const records: RecordingLogger['records'] = [];
  const make = (bound: LogFields): RecordingLogger => ({
    records,
    debug: (message, fields) => records.push({ level: 'debug', message, fields: { ...bound, ...fields } }),
    info: (message, fields) => records.push({ level: 'info', message, fields: { ...bound, ...fields } }),
    warn: (message, fields) => records.push({ level: 'warn', message, fields: { ...bound, ...fields } }),
    error: (message, fields) => records.push({ level: 'error', message, fields: { ...bound, ...fields } }),
    child: (fields) => make({ ...bound, ...fields }),
  });
  return make({});
}

export const TEST_WORKSPACE_ID = 'ws-1';

export function testCrew(overrides: Partial<Crew> = {}): Crew {
  return {
    id: 'crew-1',
    workspace_id: TEST_WORKSPACE_ID,
    name: 'Apollo',
    slug: 'apollo',
    description: 'Builds the landing site.',
    runtime_image: 'debian:bookworm-slim',
    network_mode: 'restricted',
    allowed_domains: [],
    memory_mb: 2048,
    cpus: 2,
    created_at: new Date(0).toISOString(),
    updated_at: new Date(0).toISOString(),
    ...overrides,
  };
}

export function testAgent(overrides: Partial<Agent> = {}): Agent {
  return {
    id: 'agent-1',
    workspace_id: TEST_WORKSPACE_ID,
    crew_id: 'crew-1',
    crew_slug: 'apollo',
    name: 'Ada',
    slug: 'ada',
    role: 'MEMBER',
    cli_adapter: 'CLAUDE_CODE',
    model: 'claude-test',
    persona: 'You write careful TypeScript.',
    tool_profile: 'CODING',
    created_at: new Date(0).toISOString(),
    updated_at: new Date(0).toISOString(),
    ...overrides,
  };
}

export interface FakeOrchestratorPorts {
  journal: MemoryJournal;
  sandboxes: FakeSandboxProvider;
  chats: MemoryChatLog;
  memory: FakeMemoryRecall;
  publisher: RecordingPublisher;
  openRuns: FakeOpenRunFinder;
  adapter: FakeAgentCliAdapter;
  logger: RecordingLogger;
  /** Every port wired together; `scrub` is the identity unless one is given. */
  deps: OrchestratorDeps;
}

/** In-memory fakes of every orchestrator port; all adapters ids resolve to the one fake adapter. */
export function createFakeOrchestratorPorts(
  options: { scrub?: (text: string) => string } = {},
): FakeOrchestratorPorts {
  const ports = {
    journal: createMemoryJournal(),
    sandboxes: createFakeSandboxProvider(),
    chats: createMemoryChatLog(),
    memory: createFakeMemoryRecall(),
    publisher: createRecordingPublisher(),
    openRuns: createFakeOpenRunFinder(),
    adapter: createFakeAgentCliAdapter(),
    logger: createRecordingLogger(),
  };
  return {
    ...ports,
    deps: {
      journal: ports.journal,
      sandboxes: ports.sandboxes,
      chats: ports.chats,
      memory: ports.memory,
      publisher: ports.publisher,
      openRuns: ports.openRuns,
      adapters: () => ports.adapter,
      scrub: options.scrub ?? ((text) => text),
      logger: ports.logger,
    },
  };
}
