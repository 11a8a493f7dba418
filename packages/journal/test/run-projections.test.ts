import { type JournalEntryInput, runSchema, runStatsSchema } from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteJournal, type SqliteJournal } from '../src/index.js';
import { manualClock, type TemporaryDatabase, temporaryDatabase } from './temporary-database.js';

const usage = (input: number, output: number) => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
});

describe('runs as journal projections', () => {
  let temporary: TemporaryDatabase;
  let journal: SqliteJournal;
  const clock = manualClock();
  beforeEach(() => {
    temporary = temporaryDatabase();
    clock.set('2025-03-01T10:00:00.000Z');
    journal = createSqliteJournal({ database: temporary.database, now: clock.now });
  });
  afterEach(() => temporary.remove());

  const at = async (
    iso: string,
    input: Partial<JournalEntryInput> & { entryType: string; traceId: string },
  ) => {
    clock.set(iso);
    return journal.append({
      workspaceId: 'w1',
      crewId: 'crew-1',
      agentId: 'agent-1',
      actor: 'system',
      summary: input.entryType,
      ...input,
    });
  };
  const started = (chatId: string | null, preview: string) => ({
    chat_id: chatId,
    prompt_preview: preview,
    adapter: 'claude-code',
    model: null,
  });
  const ended = (fields: Record<string, unknown>) => ({
    reason: null,
    duration_ms: null,
    cost_usd: null,
    turns: null,
    usage: null,
    exit_code: null,
    ...fields,
  });

  /** A completed run, a failed one, a running one, a running one in w2, and stray traced entries. */
  async function seed() {
    await at('2025-03-01T10:00:00.000Z', {
      traceId: 'run-a',
      entryType: 'run.started',
      payload: started('chat-1', 'fix the build'),
    });
    await at('2025-03-01T10:00:01.000Z', {
      traceId: 'run-a',
      entryType: 'agent.text',
      payload: { text: 'on it' },
    });
    await at('2025-03-01T10:00:02.000Z', {
      traceId: 'run-a',
      entryType: 'agent.tool_use',
      payload: { id: 't', name: 'Bash', input: {} },
    });
    await at('2025-03-01T10:00:03.000Z', {
      traceId: 'run-a',
      entryType: 'run.completed',
      payload: ended({ duration_ms: 1500, cost_usd: 0.25, turns: 3, usage: usage(1000, 200), exit_code: 0 }),
    });
    await at('2025-03-01T11:00:00.000Z', {
      traceId: 'run-b',
      entryType: 'run.started',
      crewId: 'crew-2',
      payload: started('chat-2', 'write tests'),
    });
    await at('2025-03-01T11:00:00.500Z', {
      traceId: 'run-b',
      entryType: 'agent.error',
      crewId: 'crew-2',
      payload: { message: 'boom' },
    });
    await at('2025-03-01T11:00:04.000Z', {
      traceId: 'run-b',
      entryType: 'run.failed',
      crewId: 'crew-2',
      payload: ended({ reason: 'exit_code', cost_usd: 0.05, usage: usage(10, 5), exit_code: 1 }),
    });
    await at('2025-03-01T12:00:00.000Z', {
      traceId: 'run-c',
      entryType: 'run.started',
      agentId: 'agent-2',
      payload: started(null, 'long job'),
    });
    await at('2025-03-01T12:00:01.000Z', {
      traceId: 'run-c',
      entryType: 'agent.thinking',
      agentId: 'agent-2',
      payload: { text: 'hmm' },
    });
    await at('2025-03-01T12:30:00.000Z', {
      traceId: 'run-d',
      entryType: 'run.started',
      workspaceId: 'w2',
      crewId: 'crew-9',
      payload: started('chat-9', 'elsewhere'),
    });
    await at('2025-03-01T12:31:00.000Z', {
      traceId: 'no-start',
      entryType: 'run.completed',
      payload: ended({}),
    });
    await at('2025-03-01T12:32:00.000Z', { traceId: 'llm-only', entryType: 'llm.call', payload: {} });
  }

  it('lists runs newest first with status, timings, cost, usage and entry counts', async () => {
    await seed();
    const runs = journal.listRuns({ workspaceId: 'w1' });
    for (const run of runs) expect(runSchema.parse(run)).toEqual(run);
    expect(runs.map((run) => [run.id, run.status])).toEqual([
      ['run-c', 'running'],
      ['run-b', 'failed'],
      ['run-a', 'completed'],
    ]);
    expect(runs[2]).toEqual({
      id: 'run-a',
      workspace_id: 'w1',
      crew_id: 'crew-1',
      agent_id: 'agent-1',
      chat_id: 'chat-1',
      status: 'completed',
      reason: null,
      started_at: '2025-03-01T10:00:00.000Z',
      ended_at: '2025-03-01T10:00:03.000Z',
      duration_ms: 1500,
      cost_usd: 0.25,
      turns: 3,
      usage: usage(1000, 200),
      prompt_preview: 'fix the build',
      entries: 4,
    });
    expect(runs[1]).toMatchObject({ reason: 'exit_code', duration_ms: 4000, turns: null, entries: 3 });
    expect(runs[0]).toMatchObject({
      chat_id: null,
      ended_at: null,
      duration_ms: null,
      cost_usd: null,
      usage: null,
      entries: 2,
    });
  });

  it('filters runs by crew, agent, chat, status and since, and limits', async () => {
    await seed();
    const ids = (query: Omit<Parameters<SqliteJournal['listRuns']>[0], 'workspaceId'>) =>
      journal.listRuns({ workspaceId: 'w1', ...query }).map((run) => run.id);
    expect(ids({ crewId: 'crew-2' })).toEqual(['run-b']);
    expect(ids({ agentId: 'agent-2' })).toEqual(['run-c']);
    expect(ids({ chatId: 'chat-1' })).toEqual(['run-a']);
    expect(ids({ status: 'running' })).toEqual(['run-c']);
    expect(ids({ status: 'completed' })).toEqual(['run-a']);
    expect(ids({ status: 'timeout' })).toEqual([]);
    expect(ids({ since: '2025-03-01T11:00:00.000Z' })).toEqual(['run-c', 'run-b']);
    expect(ids({ since: '2025-03-02T00:00:00.000Z' })).toEqual([]);
    expect(ids({ limit: 2 })).toEqual(['run-c', 'run-b']);
    expect(journal.listRuns({ workspaceId: 'w2' }).map((run) => run.id)).toEqual(['run-d']);
  });

  it('gets one run, and says not_found for another workspace or a trace without run.started', async () => {
    await seed();
    expect(journal.getRun('w1', 'run-b')).toMatchObject({ id: 'run-b', status: 'failed', crew_id: 'crew-2' });
    for (const [workspaceId, runId] of [
      ['w2', 'run-a'],
      ['w1', 'no-start'],
      ['w1', 'llm-only'],
      ['w1', 'missing'],
    ] as const) {
      expect(() => journal.getRun(workspaceId, runId)).toThrow(
        expect.objectContaining({ kind: 'not_found' }),
      );
    }
  });

  it('rolls runs up into stats', async () => {
    await seed();
    const stats = journal.runStats({ workspaceId: 'w1' });
    expect(runStatsSchema.parse(stats)).toEqual(stats);
    expect(stats).toEqual({
      total: 3,
      by_status: { running: 1, completed: 1, failed: 1, cancelled: 0, timeout: 0 },
      cost_usd: 0.3,
      input_tokens: 1010,
      output_tokens: 205,
      avg_duration_ms: 2750,
    });
    expect(journal.runStats({ workspaceId: 'w1', crewId: 'crew-2' })).toMatchObject({
      total: 1,
      by_status: { failed: 1, completed: 0 },
      avg_duration_ms: 4000,
    });
    expect(journal.runStats({ workspaceId: 'w1', agentId: 'agent-2' })).toMatchObject({
      total: 1,
      by_status: { running: 1 },
      avg_duration_ms: null,
      cost_usd: 0,
    });
    expect(journal.runStats({ workspaceId: 'w1', since: '2025-03-01T10:30:00Z' })).toMatchObject({
      total: 2,
    });
    expect(journal.runStats({ workspaceId: 'w1', since: '2026-01-01T00:00:00Z' })).toMatchObject({
      total: 0,
    });
    expect(journal.runStats({ workspaceId: 'w3' })).toMatchObject({ total: 0, avg_duration_ms: null });
  });

  it('finds open runs in every workspace, and forgets them once a terminal entry is written', async () => {
    await seed();
    expect(await journal.openRuns()).toEqual([
      { runId: 'run-c', workspaceId: 'w1', crewId: 'crew-1', agentId: 'agent-2', chatId: null },
      { runId: 'run-d', workspaceId: 'w2', crewId: 'crew-9', agentId: 'agent-1', chatId: 'chat-9' },
    ]);
    await at('2025-03-01T13:00:00.000Z', {
      traceId: 'run-c',
      entryType: 'run.failed',
      agentId: 'agent-2',
      payload: ended({ reason: 'server_restart' }),
    });
    expect((await journal.openRuns()).map((run) => run.runId)).toEqual(['run-d']);
    expect(journal.getRun('w1', 'run-c')).toMatchObject({
      status: 'failed',
      reason: 'server_restart',
      duration_ms: 3_600_000,
    });
  });

  it('tolerates payloads that do not follow the conventions', async () => {
    await at('2025-03-01T10:00:00.000Z', {
      traceId: 'odd',
      entryType: 'run.started',
      payload: { chat_id: 5 },
    });
    await at('2025-03-01T10:00:02.000Z', {
      traceId: 'odd',
      entryType: 'run.timeout',
      payload: { cost_usd: -1, turns: 1.5, usage: { input_tokens: 'many' }, duration_ms: 'long' },
    });
    const run = journal.getRun('w1', 'odd');
    expect(runSchema.parse(run)).toEqual(run);
    expect(run).toMatchObject({
      status: 'timeout',
      chat_id: null,
      cost_usd: null,
      turns: null,
      usage: null,
      duration_ms: 2000,
      prompt_preview: '',
    });
    expect(journal.runStats({ workspaceId: 'w1' })).toMatchObject({ cost_usd: 0, avg_duration_ms: 2000 });
  });
});
