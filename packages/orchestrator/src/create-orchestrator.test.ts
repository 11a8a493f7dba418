import {
  type CrewshipError,
  type RunStreamEvent,
  type StartRunInput,
  silentLogger,
} from '@crewship/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemPromptBudgets } from './assemble-system-prompt.js';
import { createOrchestrator, type OrchestratorOptions } from './create-orchestrator.js';
import {
  createFakeOrchestratorPorts,
  type FakeExec,
  fakeAgentLine as line,
  TEST_WORKSPACE_ID,
  testAgent,
  testCrew,
} from './testing/index.js';

const NOW = new Date('2025-01-01T00:00:00.000Z');

function setup(options: OrchestratorOptions = {}, scrub?: (text: string) => string) {
  const ports = createFakeOrchestratorPorts(scrub ? { scrub } : {});
  const orchestrator = createOrchestrator(ports.deps, { now: () => NOW, ...options });
  return { ...ports, orchestrator };
}

function runInput(overrides: Partial<StartRunInput> = {}): StartRunInput {
  return {
    workspaceId: TEST_WORKSPACE_ID,
    actor: 'user:u1',
    crew: testCrew(),
    agent: testAgent(),
    chatId: 'chat-1',
    messageId: 'message-1',
    prompt: 'Build the landing page',
    ...overrides,
  };
}

const otherCrew = testCrew({ id: 'crew-2', slug: 'gemini', name: 'Gemini' });
const secondAgent = testAgent({ id: 'agent-2', slug: 'bob', name: 'Bob' });
const otherCrewAgent = testAgent({
  id: 'agent-4',
  crew_id: 'crew-2',
  crew_slug: 'gemini',
  slug: 'bob',
  name: 'Bob',
});

function kinds(events: { event: RunStreamEvent }[]) {
  return events.map(({ event }) =>
    event.kind === 'agent.event'
      ? `agent.event:${event.event.type}`
      : event.kind === 'run.status'
        ? `run.status:${event.status}`
        : event.kind,
  );
}

async function rejection(promise: Promise<unknown>): Promise<CrewshipError> {
  try {
    await promise;
  } catch (error) {
    return error as CrewshipError;
  }
  throw new Error('expected a rejection');
}

/** Lets queued promise callbacks run (no timers involved). */
async function flush() {
  for (let index = 0; index < 20; index += 1) await Promise.resolve();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createOrchestrator: a run from start to end', () => {
  it('journals, publishes and persists a completed run in order', async () => {
    const { orchestrator, sandboxes, journal, publisher, chats, adapter } = setup();
    chats.turns = [
      { role: 'user', content: 'What is the plan?' },
      { role: 'assistant', content: 'First the hero section.' },
    ];
    const handle = await orchestrator.startRun(runInput());

    expect(handle.startedAt).toBe(NOW.toISOString());
    expect(journal.calls).toEqual([
      {
        workspaceId: TEST_WORKSPACE_ID,
        crewId: 'crew-1',
        agentId: 'agent-1',
        traceId: handle.runId,
        entryType: 'run.started',
        severity: 'info',
        actor: 'user:u1',
        summary: 'Run started: Ada (CLAUDE_CODE, claude-test)',
        payload: {
          chat_id: 'chat-1',
          prompt_preview: 'Build the landing page',
          adapter: 'CLAUDE_CODE',
          model: 'claude-test',
        },
      },
    ]);
    expect(orchestrator.isActive(handle.runId)).toBe(true);
    expect(orchestrator.activeRunForChat('chat-1')).toBe(handle.runId);

    const exec = await sandboxes.nextExec();
    const systemPrompt = adapter.invocations[0]!.systemPrompt;
    expect(systemPrompt).toContain('User: What is the plan?\n\nAssistant: First the hero section.');
    expect(adapter.invocations[0]).toMatchObject({
      agentSlug: 'ada',
      model: 'claude-test',
      prompt: 'Build the landing page',
    });
    expect(chats.historyCalls).toEqual([{ chatId: 'chat-1', beforeMessageId: 'message-1', limit: 50 }]);
    expect(sandboxes.prepared).toHaveLength(1);
    expect(sandboxes.prepared[0]!.files).toEqual([
      { path: '/crew/agents/ada/.fake-agent/system.md', content: systemPrompt },
    ]);
    expect(exec.options).toMatchObject({
      cmd: ['fake-agent', '--system-prompt-file', '/crew/agents/ada/.fake-agent/system.md'],
      user: '1001:1001',
      cwd: '/crew/agents/ada',
      env: { FAKE_AGENT_MODEL: 'claude-test' },
      stdin: 'Build the landing page',
      timeoutMs: 30 * 60 * 1000,
      tmuxSession: 'agent-ada',
    });
    expect(exec.options.signal).toBeInstanceOf(AbortSignal);

    exec.stdout(line.delta('Hel'));
    exec.stdout(line.text('Hello'));
    exec.stdout(line.tool('t1', 'Read', { path: 'index.html' }));
    exec.stdout(line.toolResult('t1', '<html></html>'));
    exec.stdout(line.thinking('Looks fine.'));
    exec.stderr('a warning the parser ignores');
    exec.stdout(line.usage(10, 5, 'claude-test'));
    exec.stdout(line.result('Hello, the page is done.', { cost: 0.01, turns: 2, ms: 1500, in: 10, out: 5 }));
    exec.exit(0, 1600);
    const outcome = await handle.done;

    expect(outcome).toEqual({
      runId: handle.runId,
      status: 'completed',
      reason: null,
      text: 'Hello, the page is done.',
      result: expect.objectContaining({ type: 'result', ok: true, cost_usd: 0.01 }),
    });
    expect(journal.entries.map((entry) => entry.entryType)).toEqual([
      'run.started',
      'agent.text',
      'agent.tool_use',
      'agent.tool_result',
      'agent.thinking',
      'agent.usage',
      'agent.result',
      'run.completed',
    ]);
    expect(journal.entries.every((entry) => entry.traceId === handle.runId)).toBe(true);
    expect(journal.entries.every((entry) => entry.crewId === 'crew-1' && entry.agentId === 'agent-1')).toBe(
      true,
    );
    const byType = (type: string) => journal.entries.find((entry) => entry.entryType === type)!;
    expect(byType('agent.text').payload).toEqual({ text: 'Hello' });
    expect(byType('agent.text').actor).toBe('agent:ada');
    expect(byType('agent.tool_use').payload).toEqual({
      id: 't1',
      name: 'Read',
      input: { path: 'index.html' },
    });
    expect(byType('agent.tool_result').payload).toEqual({
      tool_use_id: 't1',
      output: '<html></html>',
      is_error: false,
    });
    expect(byType('run.completed').payload).toEqual({
      reason: null,
      duration_ms: 1500,
      cost_usd: 0.01,
      turns: 2,
      usage: { input_tokens: 10, output_tokens: 5, cache_read_tokens: 0, cache_write_tokens: 0 },
      exit_code: 0,
    });

    expect(kinds(publisher.events)).toEqual([
      'run.status:running',
      'agent.event:text_delta',
      'agent.event:text',
      'agent.event:tool_use',
      'agent.event:tool_result',
      'agent.event:thinking',
      'agent.event:usage',
      'agent.event:result',
      'chat.message',
      'run.status:completed',
    ]);
    expect(publisher.events.every(({ workspaceId }) => workspaceId === TEST_WORKSPACE_ID)).toBe(true);
    expect(chats.messages).toEqual([
      expect.objectContaining({
        chat_id: 'chat-1',
        run_id: handle.runId,
        content: 'Hello, the page is done.',
      }),
    ]);
    expect(publisher.events.at(-2)!.event).toEqual({
      kind: 'chat.message',
      chat_id: 'chat-1',
      message: chats.messages[0],
    });
    expect(orchestrator.isActive(handle.runId)).toBe(false);
    expect(orchestrator.activeRunForChat('chat-1')).toBeNull();
  });

  it('sums usage events and joins text blocks when the CLI prints no result', async () => {
    const { orchestrator, sandboxes, journal, chats } = setup();
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    exec.stdout(line.text('First part.'));
    exec.stdout(line.usage(3, 4));
    exec.stdout(line.text('Second part.'));
    exec.stdout(line.usage(5, 6));
    exec.exit(0, 777);
    const outcome = await handle.done;

    expect(outcome.status).toBe('completed');
    expect(outcome.text).toBe('First part.\n\nSecond part.');
    expect(outcome.result).toMatchObject({ synthetic: true, ok: true });
    expect(journal.entries.at(-1)!.payload).toEqual({
      reason: null,
      duration_ms: 777,
      cost_usd: null,
      turns: null,
      usage: { input_tokens: 8, output_tokens: 10, cache_read_tokens: 0, cache_write_tokens: 0 },
      exit_code: 0,
    });
    expect(chats.messages.map((message) => message.content)).toEqual(['First part.\n\nSecond part.']);
  });

  it('runs without a chat: no history, no assistant message, chat_id null in events', async () => {
    const { orchestrator, sandboxes, chats, publisher } = setup();
    const handle = await orchestrator.startRun(runInput({ chatId: null, messageId: null }));
    const exec = await sandboxes.nextExec();
    exec.stdout(line.result('done'));
    exec.exit(0);
    expect((await handle.done).status).toBe('completed');
    expect(chats.historyCalls).toEqual([]);
    expect(chats.messages).toEqual([]);
    expect(kinds(publisher.events)).toEqual([
      'run.status:running',
      'agent.event:result',
      'run.status:completed',
    ]);
    expect(publisher.events.every(({ event }) => 'chat_id' in event && event.chat_id === null)).toBe(true);
  });

  it('recalls memory within 40% of what is left of the budget and trims history oldest first', async () => {
    const { orchestrator, sandboxes, chats, memory, adapter } = setup({ promptBudgetChars: 6_000 });
    chats.turns = Array.from({ length: 30 }, (_, index) => ({
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `message-${index} ${'.'.repeat(200)}`,
    }));
    memory.text = `remember this ${'m'.repeat(10_000)}`;
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    exec.exit(0);
    await handle.done;

    const budgets = systemPromptBudgets({
      agent: testAgent(),
      crew: testCrew(),
      language: null,
      budgetChars: 6_000,
    });
    expect(budgets.memory).toBeGreaterThan(0);
    expect(memory.calls).toEqual([
      { agentSlug: 'ada', query: 'Build the landing page', budgetChars: budgets.memory },
    ]);
    const prompt = adapter.invocations[0]!.systemPrompt;
    expect(prompt).toContain('message-29 ');
    expect(prompt).not.toContain('message-0 ');
    expect(prompt).toContain('[AGENT MEMORY]\nremember this');
    expect(prompt.length).toBeLessThanOrEqual(6_000);
  });

  it('rejects input that does not hold together', async () => {
    const { orchestrator, journal } = setup();
    const error = await rejection(orchestrator.startRun(runInput({ agent: otherCrewAgent })));
    expect(error.kind).toBe('invalid_input');
    expect((await rejection(orchestrator.startRun(runInput({ prompt: '' })))).kind).toBe('invalid_input');
    expect(journal.calls).toEqual([]);
  });
});

describe('createOrchestrator: admission', () => {
  it('allows one run per chat', async () => {
    const { orchestrator, sandboxes } = setup();
    const first = await orchestrator.startRun(runInput());
    const error = await rejection(orchestrator.startRun(runInput({ messageId: 'message-2' })));
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ runId: first.runId });

    const other = await orchestrator.startRun(runInput({ chatId: 'chat-2', agent: secondAgent }));
    (await sandboxes.nextExec()).exit(0);
    (await sandboxes.nextExec()).exit(0);
    await Promise.all([first.done, other.done]);
    const again = await orchestrator.startRun(runInput({ messageId: 'message-3' }));
    expect(orchestrator.activeRunForChat('chat-1')).toBe(again.runId);
  });

  it('lets only one of two simultaneous starts in the same chat through', async () => {
    const { orchestrator, journal } = setup();
    const results = await Promise.allSettled([
      orchestrator.startRun(runInput()),
      orchestrator.startRun(runInput()),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as CrewshipError).kind).toBe('conflict');
    expect(journal.calls.filter((entry) => entry.entryType === 'run.started')).toHaveLength(1);
  });

  it('caps the runs in progress per crew', async () => {
    const { orchestrator, sandboxes } = setup({ maxConcurrentRunsPerCrew: 2 });
    const first = await orchestrator.startRun(runInput({ chatId: 'c1' }));
    await orchestrator.startRun(runInput({ chatId: 'c2', agent: secondAgent }));
    const third = testAgent({ id: 'agent-3', slug: 'cyd', name: 'Cyd' });
    const error = await rejection(orchestrator.startRun(runInput({ chatId: 'c3', agent: third })));
    expect(error.kind).toBe('rate_limited');
    expect(error.details).toEqual({ limit: 2 });

    await orchestrator.startRun(runInput({ chatId: 'c4', crew: otherCrew, agent: otherCrewAgent }));
    (await sandboxes.nextExec()).exit(0);
    await first.done;
    await orchestrator.startRun(runInput({ chatId: 'c3', agent: third }));
  });

  it('hands out the outcome of a run in progress, and nothing for one that is not running here', async () => {
    const { orchestrator } = setup();
    expect(orchestrator.ended('no-such-run')).toBeNull();
    const run = await orchestrator.startRun(runInput());
    const ended = orchestrator.ended(run.runId);
    expect(orchestrator.cancelRun(run.runId, 'user:u1')).toBe(true);
    expect(await ended).toMatchObject({ runId: run.runId, status: 'cancelled' });
    expect(orchestrator.ended(run.runId)).toBeNull();
  });

  it('runs one CLI per agent at a time, whatever the chat', async () => {
    const { orchestrator, sandboxes } = setup();
    const first = await orchestrator.startRun(runInput({ chatId: 'c1' }));
    const error = await rejection(orchestrator.startRun(runInput({ chatId: 'c2' })));
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ runId: first.runId });
    (await sandboxes.nextExec()).exit(0);
    await first.done;
    await orchestrator.startRun(runInput({ chatId: 'c2' }));
  });
});

describe('createOrchestrator: how runs end', () => {
  it.each([
    { exitCode: 123, lines: [], status: 'failed', reason: 'bad_credential' },
    { exitCode: 2, lines: [line.text('oops')], status: 'failed', reason: 'exit_code' },
    {
      exitCode: 0,
      lines: [line.result('model overloaded', { ok: false })],
      status: 'failed',
      reason: 'agent_error',
    },
    { exitCode: 0, lines: [line.result('fine')], status: 'completed', reason: null },
  ])('exit $exitCode -> $status ($reason)', async ({ exitCode, lines, status, reason }) => {
    const { orchestrator, sandboxes, journal, publisher } = setup();
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    for (const output of lines) exec.stdout(output);
    exec.exit(exitCode);
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ status, reason });
    const terminal = journal.entries.at(-1)!;
    expect(terminal.entryType).toBe(`run.${status}`);
    expect(terminal.payload).toMatchObject({ reason, exit_code: exitCode });
    expect(publisher.events.at(-1)!.event).toEqual({
      kind: 'run.status',
      run_id: handle.runId,
      chat_id: 'chat-1',
      status,
      reason,
    });
  });

  it('keeps the text of a failed run as the assistant message', async () => {
    const { orchestrator, sandboxes, chats } = setup();
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    exec.stdout(line.text('I got halfway.'));
    exec.exit(1);
    expect((await handle.done).status).toBe('failed');
    expect(chats.messages.map((message) => message.content)).toEqual(['I got halfway.']);
  });

  it('times out: the sandbox gets the timeout and the run ends as run.timeout', async () => {
    vi.useFakeTimers();
    const { orchestrator, sandboxes, journal, chats } = setup();
    const handle = await orchestrator.startRun(runInput({ timeoutMs: 5_000 }));
    const exec = await sandboxes.nextExec();
    expect(exec.options.timeoutMs).toBe(5_000);
    exec.stdout(line.text('partial answer'));
    await exec.drained();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(exec.ending).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await handle.done;
    expect(exec.ending).not.toBeNull();
    expect(outcome).toMatchObject({ status: 'timeout', reason: 'timeout', text: 'partial answer' });
    expect(journal.entries.at(-1)).toMatchObject({
      entryType: 'run.timeout',
      severity: 'warn',
      payload: { reason: 'timeout', exit_code: 137 },
    });
    expect(chats.messages.map((message) => message.content)).toEqual(['partial answer']);
  });

  it('times out a run whose sandbox never becomes ready', async () => {
    vi.useFakeTimers();
    const { orchestrator, sandboxes, journal } = setup({ defaultTimeoutMs: 60_000 });
    sandboxes.onPrepare = () => new Promise(() => {});
    const handle = await orchestrator.startRun(runInput());
    await vi.advanceTimersByTimeAsync(60_000);
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ status: 'timeout', reason: 'timeout' });
    expect(sandboxes.execs).toEqual([]);
    expect(journal.entries.at(-1)).toMatchObject({ entryType: 'run.timeout', payload: { exit_code: null } });
  });

  it('cancels: the process is killed through the signal and run.cancelled names who cancelled', async () => {
    const { orchestrator, sandboxes, journal, publisher } = setup();
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    exec.stdout(line.text('working'));
    await exec.drained();

    expect(orchestrator.cancelRun('unknown-run', 'user:u2')).toBe(false);
    expect(orchestrator.cancelRun(handle.runId, 'user:u2')).toBe(true);
    expect(exec.ending).toBe('signal');
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
    expect(journal.entries.at(-1)).toMatchObject({
      entryType: 'run.cancelled',
      actor: 'user:u2',
      payload: { reason: 'cancelled', exit_code: 137 },
    });
    expect(kinds(publisher.events).at(-1)).toBe('run.status:cancelled');
    expect(orchestrator.cancelRun(handle.runId, 'user:u2')).toBe(false);
  });

  it('cancels a run that is still preparing its sandbox without running the agent', async () => {
    const { orchestrator, sandboxes } = setup();
    let ready!: () => void;
    let preparing!: () => void;
    const prepareCalled = new Promise<void>((resolve) => {
      preparing = resolve;
    });
    sandboxes.onPrepare = () => {
      preparing();
      return new Promise<void>((resolve) => {
        ready = resolve;
      });
    };
    const handle = await orchestrator.startRun(runInput());
    await prepareCalled;
    orchestrator.cancelRun(handle.runId, 'user:u1');
    expect((await handle.done).status).toBe('cancelled');
    ready();
    await flush();
    expect(sandboxes.execs).toEqual([]);
  });

  it('stops an agent that repeats the identical tool call (keys in any order)', async () => {
    const { orchestrator, sandboxes, journal, logger } = setup({ loopGuardRepeats: 3 });
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    exec.stdout(line.tool('1', 'Bash', { cmd: 'ls', options: { all: true, long: false } }));
    exec.stdout(line.toolResult('1', 'a b c'));
    exec.stdout(line.tool('2', 'Bash', { options: { long: false, all: true }, cmd: 'ls' }));
    exec.stdout(line.toolResult('2', 'a b c'));
    await exec.drained();
    expect(exec.ending).toBeNull();
    exec.stdout(line.tool('3', 'Bash', { cmd: 'ls', options: { all: true, long: false } }));
    await exec.drained();
    expect(exec.ending).toBe('signal');
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ status: 'failed', reason: 'loop_detected' });
    expect(journal.entries.at(-1)).toMatchObject({
      entryType: 'run.failed',
      payload: { reason: 'loop_detected' },
    });
    expect(logger.records.some((record) => record.message.includes('identical tool call'))).toBe(true);
  });

  it('does not count a different call in between as a loop', async () => {
    const { orchestrator, sandboxes } = setup({ loopGuardRepeats: 3 });
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    for (const [id, command] of [
      ['1', 'ls'],
      ['2', 'ls'],
      ['3', 'pwd'],
      ['4', 'ls'],
      ['5', 'ls'],
    ]) {
      exec.stdout(line.tool(id!, 'Bash', { cmd: command }));
    }
    await exec.drained();
    expect(exec.ending).toBeNull();
    exec.exit(0);
    expect((await handle.done).status).toBe('completed');
  });

  it('fails with container_error when the sandbox cannot be prepared', async () => {
    const { orchestrator, sandboxes, journal, chats, logger } = setup();
    sandboxes.onPrepare = async () => {
      throw new Error('docker is not running');
    };
    const handle = await orchestrator.startRun(runInput());
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ status: 'failed', reason: 'container_error', text: '' });
    expect(sandboxes.execs).toEqual([]);
    expect(journal.entries.at(-1)).toMatchObject({
      entryType: 'run.failed',
      payload: { reason: 'container_error', exit_code: null, cost_usd: null, usage: null },
    });
    expect(chats.messages).toEqual([]);
    expect(logger.records.some((record) => record.level === 'error' && /sandbox/.test(record.message))).toBe(
      true,
    );
  });

  it('fails with container_error when the exec itself fails', async () => {
    const { orchestrator, sandboxes } = setup();
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    exec.fail(new Error('container went away'));
    expect(await handle.done).toMatchObject({ status: 'failed', reason: 'container_error' });
  });
});

describe('createOrchestrator: what leaves the run', () => {
  const SECRET = 'sk-ant-api03-SECRETSECRET';
  const scrub = (text: string) => text.replaceAll(SECRET, '[REDACTED:key]');

  it('scrubs every event before it is journaled, published or saved', async () => {
    const { orchestrator, sandboxes, journal, publisher, chats } = setup({}, scrub);
    const handle = await orchestrator.startRun(runInput({ prompt: `use ${SECRET} please` }));
    const exec = await sandboxes.nextExec();
    exec.stdout(line.delta(`key ${SECRET}`));
    exec.stdout(line.text(`the key is ${SECRET}`));
    exec.stdout(line.thinking(`hmm ${SECRET}`));
    exec.stdout(line.tool('t1', 'Bash', { env: { [SECRET]: SECRET }, args: ['--key', SECRET] }));
    exec.stdout(line.toolResult('t1', `printed ${SECRET}`));
    exec.stdout(line.error(`auth failed for ${SECRET}`));
    exec.stdout(line.result(`done with ${SECRET}`));
    exec.exit(0);
    const outcome = await handle.done;

    const everything = JSON.stringify({
      calls: journal.calls,
      events: publisher.events,
      chats: chats.messages,
      outcome,
    });
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('SECRETSECRET');
    expect(journal.calls[0]!.payload).toMatchObject({ prompt_preview: 'use [REDACTED:key] please' });
    expect(journal.entries.find((entry) => entry.entryType === 'agent.tool_use')!.payload).toEqual({
      id: 't1',
      name: 'Bash',
      input: { env: { '[REDACTED:key]': '[REDACTED:key]' }, args: ['--key', '[REDACTED:key]'] },
    });
    expect(chats.messages[0]!.content).toBe('done with [REDACTED:key]');
  });

  it('keeps running and recording when the client and its stream go away', async () => {
    const { orchestrator, sandboxes, journal, publisher, chats, logger } = setup();
    const handle = await orchestrator.startRun(runInput());
    publisher.failing = true;
    const exec = await sandboxes.nextExec();
    exec.stdout(line.text('still here'));
    exec.stdout(line.result('finished anyway'));
    exec.exit(0);
    const outcome = await handle.done;
    expect(outcome.status).toBe('completed');
    expect(journal.entries.map((entry) => entry.entryType)).toEqual([
      'run.started',
      'agent.text',
      'agent.result',
      'run.completed',
    ]);
    expect(chats.messages.map((message) => message.content)).toEqual(['finished anyway']);
    expect(logger.records.filter((record) => record.message.includes('publishing')).length).toBeGreaterThan(
      0,
    );
  });
});

describe('createOrchestrator: the journal', () => {
  it('does not wait for each append before reading the next line, and ends after all of them', async () => {
    const { orchestrator, sandboxes, journal, publisher } = setup();
    journal.holdWhere((entry) => entry.entryType.startsWith('agent.'));
    const handle = await orchestrator.startRun(runInput());
    const exec: FakeExec = await sandboxes.nextExec();
    exec.stdout(line.text('one'));
    exec.stdout(line.text('two'));
    exec.stdout(line.tool('t', 'Read', {}));
    await exec.drained();
    expect(kinds(publisher.events).filter((kind) => kind.startsWith('agent.event'))).toHaveLength(3);
    expect(journal.held).toBe(3);

    exec.exit(0);
    await exec.drained();
    await flush();
    expect(journal.held).toBe(4);
    expect(journal.calls.map((entry) => entry.entryType)).not.toContain('run.completed');
    expect(orchestrator.isActive(handle.runId)).toBe(true);

    journal.release();
    expect((await handle.done).status).toBe('completed');
    expect(journal.entries.map((entry) => entry.entryType)).toEqual([
      'run.started',
      'agent.text',
      'agent.text',
      'agent.tool_use',
      'agent.result',
      'run.completed',
    ]);
    expect(journal.entries.slice(1, 3).map((entry) => entry.payload)).toEqual([
      { text: 'one' },
      { text: 'two' },
    ]);
  });

  it('finishes the run when agent and terminal entries cannot be written', async () => {
    const { orchestrator, sandboxes, journal, chats, publisher, logger } = setup();
    journal.failWhere((entry) => entry.entryType !== 'run.started');
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    exec.stdout(line.text('hello'));
    exec.stdout(line.result('hello'));
    exec.exit(0);
    const outcome = await handle.done;
    expect(outcome.status).toBe('completed');
    expect(journal.entries.map((entry) => entry.entryType)).toEqual(['run.started']);
    expect(chats.messages.map((message) => message.content)).toEqual(['hello']);
    expect(kinds(publisher.events).at(-1)).toBe('run.status:completed');
    expect(logger.records.filter((record) => record.level === 'error').length).toBeGreaterThanOrEqual(3);
    expect(orchestrator.isActive(handle.runId)).toBe(false);
  });

  it('refuses to start a run whose start cannot be journaled', async () => {
    const { orchestrator, sandboxes, journal } = setup();
    journal.failWhere((entry) => entry.entryType === 'run.started');
    const error = await rejection(orchestrator.startRun(runInput()));
    expect(error.kind).toBe('unavailable');
    expect(orchestrator.activeRunForChat('chat-1')).toBeNull();
    await flush();
    expect(sandboxes.prepared).toEqual([]);
  });
});

describe('createOrchestrator: restart and shutdown', () => {
  it('closes runs a previous process left open as server_restart', async () => {
    const { orchestrator, openRuns, journal, publisher, sandboxes } = setup();
    const live = await orchestrator.startRun(runInput());
    openRuns.runs = [
      {
        runId: 'old-1',
        workspaceId: TEST_WORKSPACE_ID,
        crewId: 'crew-1',
        agentId: 'agent-1',
        chatId: 'chat-9',
      },
      { runId: 'old-2', workspaceId: 'ws-2', crewId: null, agentId: null, chatId: null },
      {
        runId: live.runId,
        workspaceId: TEST_WORKSPACE_ID,
        crewId: 'crew-1',
        agentId: 'agent-1',
        chatId: null,
      },
    ];
    expect(await orchestrator.recoverInterruptedRuns()).toBe(2);
    const closed = journal.entries.filter((entry) => entry.entryType === 'run.failed');
    expect(closed.map((entry) => [entry.traceId, entry.workspaceId, entry.crewId])).toEqual([
      ['old-1', TEST_WORKSPACE_ID, 'crew-1'],
      ['old-2', 'ws-2', null],
    ]);
    expect(closed[0]!.payload).toEqual({
      reason: 'server_restart',
      duration_ms: null,
      cost_usd: null,
      turns: null,
      usage: null,
      exit_code: null,
    });
    expect(
      publisher.events.filter(({ event }) => event.kind === 'run.status' && event.status === 'failed'),
    ).toEqual([
      {
        workspaceId: TEST_WORKSPACE_ID,
        event: {
          kind: 'run.status',
          run_id: 'old-1',
          chat_id: 'chat-9',
          status: 'failed',
          reason: 'server_restart',
        },
      },
      {
        workspaceId: 'ws-2',
        event: {
          kind: 'run.status',
          run_id: 'old-2',
          chat_id: null,
          status: 'failed',
          reason: 'server_restart',
        },
      },
    ]);
    expect(orchestrator.isActive(live.runId)).toBe(true);
    (await sandboxes.nextExec()).exit(0);
    await live.done;
  });

  it('cancels every run on shutdown, waits for their ends and accepts no new run', async () => {
    const { orchestrator, sandboxes, journal } = setup();
    const first = await orchestrator.startRun(runInput({ chatId: 'c1' }));
    const second = await orchestrator.startRun(runInput({ chatId: 'c2', agent: secondAgent }));
    const execs = [await sandboxes.nextExec(), await sandboxes.nextExec()];
    await orchestrator.shutdown();

    expect(execs.map((exec) => exec.ending)).toEqual(['signal', 'signal']);
    const ends = journal.entries.filter((entry) => entry.entryType === 'run.cancelled');
    expect(ends.map((entry) => entry.traceId).sort()).toEqual([first.runId, second.runId].sort());
    expect(orchestrator.isActive(first.runId) || orchestrator.isActive(second.runId)).toBe(false);
    expect((await rejection(orchestrator.startRun(runInput({ chatId: 'c3' })))).kind).toBe('unavailable');
  });

  it('validates its options', () => {
    const { deps } = createFakeOrchestratorPorts();
    expect(() =>
      createOrchestrator({ ...deps, logger: silentLogger }, { maxConcurrentRunsPerCrew: 0 }),
    ).toThrow(/invalid orchestrator options/);
  });
});

describe('createOrchestrator: governance', () => {
  function governed() {
    const ports = createFakeOrchestratorPorts();
    const before: { runId: string; prompt: string }[] = [];
    const after: { runId: string; status: string; reason: string | null; chatId: string | null }[] = [];
    let refusal: { reason: 'budget_exceeded' | 'approval_denied'; message: string } | null = null;
    let gate: Promise<void> = Promise.resolve();
    const orchestrator = createOrchestrator(
      {
        ...ports.deps,
        governance: {
          async beforeRun(input) {
            before.push({ runId: input.runId, prompt: input.prompt });
            await gate;
            return refusal;
          },
          async afterRun(input) {
            after.push({
              runId: input.runId,
              status: input.status,
              reason: input.reason,
              chatId: input.chatId,
            });
          },
        },
      },
      { now: () => NOW },
    );
    return {
      ...ports,
      orchestrator,
      before,
      after,
      refuse(value: typeof refusal) {
        refusal = value;
      },
      hold() {
        let open!: () => void;
        gate = new Promise((resolve) => {
          open = resolve;
        });
        return open;
      },
    };
  }

  it('asks before the agent starts and reports the end afterwards', async () => {
    const { orchestrator, sandboxes, before, after } = governed();
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    expect(before).toEqual([{ runId: handle.runId, prompt: 'Build the landing page' }]);
    expect(orchestrator.activeRunForAgent('agent-1')).toBe(handle.runId);
    expect(orchestrator.activeRunForAgent('agent-2')).toBeNull();
    exec.stdout(line.result('done'));
    exec.exit(0);
    const outcome = await handle.done;
    expect(outcome.status).toBe('completed');
    expect(after).toEqual([{ runId: handle.runId, status: 'completed', reason: null, chatId: 'chat-1' }]);
    expect(orchestrator.activeRunForAgent('agent-1')).toBeNull();
  });

  it('never starts the agent when governance refuses, and says why in the terminal entry', async () => {
    const { orchestrator, sandboxes, journal, after, refuse } = governed();
    refuse({ reason: 'budget_exceeded', message: 'crew day budget $1.00 spent $1.20' });
    const handle = await orchestrator.startRun(runInput());
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ status: 'failed', reason: 'budget_exceeded' });
    expect(sandboxes.prepared).toEqual([]);
    expect(sandboxes.execs).toEqual([]);
    expect(journal.entries.at(-1)).toMatchObject({
      entryType: 'run.failed',
      payload: { reason: 'budget_exceeded', message: 'crew day budget $1.00 spent $1.20' },
    });
    expect(after).toEqual([
      { runId: handle.runId, status: 'failed', reason: 'budget_exceeded', chatId: 'chat-1' },
    ]);
  });

  it('can be cancelled while it waits for a run_start approval', async () => {
    const { orchestrator, sandboxes, hold } = governed();
    hold();
    const handle = await orchestrator.startRun(runInput());
    await flush();
    orchestrator.cancelRun(handle.runId, 'user:u1');
    expect((await handle.done).status).toBe('cancelled');
    expect(sandboxes.prepared).toEqual([]);
  });

  it('stops a running agent for a governance reason: the process is killed and the run fails with it', async () => {
    const { orchestrator, sandboxes, journal, publisher } = governed();
    const handle = await orchestrator.startRun(runInput());
    const exec = await sandboxes.nextExec();
    expect(orchestrator.stopRun('unknown', 'approval_denied', 'system')).toBe(false);
    expect(orchestrator.stopRun(handle.runId, 'approval_denied', 'user:u2')).toBe(true);
    expect(exec.ending).toBe('signal');
    expect(await handle.done).toMatchObject({ status: 'failed', reason: 'approval_denied' });
    expect(journal.entries.at(-1)).toMatchObject({
      entryType: 'run.failed',
      payload: { reason: 'approval_denied' },
    });
    expect(kinds(publisher.events).at(-1)).toBe('run.status:failed');
  });
});
