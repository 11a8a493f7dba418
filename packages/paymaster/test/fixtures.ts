import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  InboxItem,
  InboxWriter,
  JournalEntry,
  JournalEntryInput,
  JournalWriter,
  Logger,
  MeteringEvent,
  NewInboxItem,
} from '@crewship/contracts';
import { type CrewshipDatabase, createDatabase, migrate } from '@crewship/db';
import { createPaymaster, type Paymaster, type PaymasterOptions } from '../src/index.js';

/** Workspace `wa` holds crews a1 (agents a1, a1b) and a2 (agent a2); `wb` holds crew b (agent b). */
export const AGENTS = [
  { id: 'agent-a1', workspace: 'wa', crew: 'crew-a1', slug: 'ada', adapter: 'CLAUDE_CODE' },
  { id: 'agent-a1b', workspace: 'wa', crew: 'crew-a1', slug: 'bob', adapter: 'CODEX_CLI' },
  { id: 'agent-a2', workspace: 'wa', crew: 'crew-a2', slug: 'cy', adapter: 'GEMINI_CLI' },
  { id: 'agent-b', workspace: 'wb', crew: 'crew-b', slug: 'dee', adapter: 'CLAUDE_CODE' },
] as const;
export type AgentId = (typeof AGENTS)[number]['id'];

/** A clock the test moves by hand. */
export function manualClock(start: string) {
  let time = Date.parse(start);
  return {
    now: () => new Date(time),
    set(iso: string) {
      time = Date.parse(iso);
    },
  };
}

export function recordingJournal(): JournalWriter & { entries: JournalEntry[]; fail: boolean } {
  const entries: JournalEntry[] = [];
  const journal = {
    entries,
    fail: false,
    async append(input: JournalEntryInput): Promise<JournalEntry> {
      if (journal.fail) throw new Error('journal down');
      const entry: JournalEntry = {
        id: `entry-${entries.length + 1}`,
        seq: entries.length + 1,
        at: new Date().toISOString(),
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
    },
  };
  return journal;
}

export function recordingInbox(): InboxWriter & { items: NewInboxItem[] } {
  const items: NewInboxItem[] = [];
  return {
    items,
    add(item) {
      items.push(item);
      const stored: InboxItem = {
        id: `inbox-${items.length}`,
        workspace_id: item.workspaceId,
        kind: item.kind,
        target_user_id: 'userId' in item.target ? item.target.userId : null,
        target_role: 'role' in item.target ? item.target.role : null,
        title: item.title,
        body: item.body,
        ref_type: item.refType ?? null,
        ref_id: item.refId ?? null,
        status: 'unread',
        created_at: new Date().toISOString(),
        read_at: null,
        resolved_at: null,
        resolved_by: null,
      };
      return stored;
    },
    resolveByRef: () => 0,
  };
}

export function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const logger = {
    errors,
    debug() {},
    info() {},
    warn() {},
    error(message: string) {
      errors.push(message);
    },
    child: () => logger,
  };
  return logger;
}

export interface Harness {
  database: CrewshipDatabase;
  paymaster: Paymaster;
  journal: ReturnType<typeof recordingJournal>;
  inbox: ReturnType<typeof recordingInbox>;
  logger: ReturnType<typeof recordingLogger>;
  clock: ReturnType<typeof manualClock>;
  /** agent id -> run in progress, read by `runForAgent`. */
  runs: Map<string, string>;
  blocked: Parameters<NonNullable<PaymasterOptions['onBlocked']>>[0][];
  /** One metering event of `agent` at the clock's time. */
  event(agent: AgentId, overrides?: Partial<MeteringEvent>): MeteringEvent;
  /** Records an API call costing exactly `usd` (model `test-model`, 1 µ$ per input token). */
  spend(agent: AgentId, usd: number): void;
  remove(): void;
}

/** A migrated SQLite file in a temp dir with two workspaces, and a Paymaster over it. */
export function createHarness(start = '2025-03-12T10:00:00.000Z'): Harness {
  const directory = mkdtempSync(join(tmpdir(), 'crewship-paymaster-'));
  const database = createDatabase({ file: join(directory, 'crewship.db') });
  migrate(database.sqlite);
  const { sqlite } = database;
  for (const workspace of ['wa', 'wb']) {
    sqlite
      .prepare(
        "INSERT INTO workspaces (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, 'now', 'now')",
      )
      .run(workspace, workspace, `${workspace}-slug`);
  }
  for (const crew of [
    ['crew-a1', 'wa', 'alpha'],
    ['crew-a2', 'wa', 'beta'],
    ['crew-b', 'wb', 'gamma'],
  ]) {
    sqlite
      .prepare(
        `INSERT INTO crews (id, workspace_id, name, slug, runtime_image, network_mode, memory_mb, cpus, created_at, updated_at)
         VALUES (?, ?, 'c', ?, 'img', 'restricted', 512, 1, 'now', 'now')`,
      )
      .run(crew[0], crew[1], crew[2]);
  }
  for (const agent of AGENTS) {
    sqlite
      .prepare(
        `INSERT INTO agents (id, workspace_id, crew_id, name, slug, role, cli_adapter, model, tool_profile, created_at, updated_at)
         VALUES (?, ?, ?, 'a', ?, 'MEMBER', ?, NULL, 'CODING', 'now', 'now')`,
      )
      .run(agent.id, agent.workspace, agent.crew, agent.slug, agent.adapter);
  }
  const journal = recordingJournal();
  const inbox = recordingInbox();
  const logger = recordingLogger();
  const clock = manualClock(start);
  const runs = new Map<string, string>();
  const blocked: Harness['blocked'] = [];
  const paymaster = createPaymaster({
    database,
    journal,
    inbox,
    logger,
    now: clock.now,
    runForAgent: (agentId) => runs.get(agentId) ?? null,
    onBlocked: (event) => blocked.push(event),
  });
  for (const workspace of ['wa', 'wb']) {
    paymaster.rates.set(workspace, {
      provider: 'anthropic',
      model: 'test-model',
      input_per_m: 1,
      output_per_m: 1,
      cache_read_per_m: 1,
      cache_write_per_m: 1,
    });
  }
  const event = (agent: AgentId, overrides: Partial<MeteringEvent> = {}): MeteringEvent => {
    const info = AGENTS.find((candidate) => candidate.id === agent)!;
    return {
      at: clock.now().toISOString(),
      workspaceId: info.workspace,
      crewId: info.crew,
      agentId: info.id,
      credentialId: 'cred-1',
      provider: 'anthropic',
      model: 'test-model',
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      status: 200,
      streamed: true,
      durationMs: 10,
      billingMode: 'api',
      ...overrides,
    };
  };
  return {
    database,
    paymaster,
    journal,
    inbox,
    logger,
    clock,
    runs,
    blocked,
    event,
    spend(agent, usd) {
      const inputTokens = Math.round(usd * 1_000_000);
      paymaster.record(
        event(agent, { usage: { inputTokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } }),
      );
    },
    remove() {
      database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Lets every pending promise callback and I/O callback run once. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
