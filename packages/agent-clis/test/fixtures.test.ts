import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentEvent, AgentUsage, CliAdapter } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { agentCliAdapter } from '../src/index.js';

/** The real CLIs' recorded output (fixtures/, see real-clis.test.ts) parsed into the exact events. */
const HERE = dirname(fileURLToPath(import.meta.url));

async function parseFixture(
  adapter: CliAdapter,
  path: string,
  exit = { exitCode: 0, durationMs: 1000 },
): Promise<AgentEvent[]> {
  const parser = agentCliAdapter(adapter).createParser();
  const events: AgentEvent[] = [];
  for (const line of (await readFile(join(HERE, path), 'utf8')).split('\n')) {
    events.push(...parser.push(line, 'stdout'));
  }
  events.push(...parser.end(exit));
  return events;
}

const usage = (input: number, output: number, cacheRead: number, cacheWrite: number): AgentUsage => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: cacheRead,
  cache_write_tokens: cacheWrite,
});
const ZERO = usage(0, 0, 0, 0);
const REPLY = 'Hello from the fake provider';
const AFTER_TOOL = 'I wrote the file.';
const deltas = (...texts: string[]): AgentEvent[] => texts.map((text) => ({ type: 'text_delta', text }));
const result = (fields: Partial<Extract<AgentEvent, { type: 'result' }>>): AgentEvent => ({
  type: 'result',
  ok: true,
  text: '',
  duration_ms: null,
  cost_usd: null,
  turns: null,
  usage: null,
  synthetic: false,
  ...fields,
});
const TARGET = '/sandbox/workspace/hello.txt';
const CONTENT = 'hi from the agent\n';

describe('Claude Code fixtures (--include-partial-messages)', () => {
  it('text: deltas, the block, usage per model and the result', async () => {
    expect(await parseFixture('CLAUDE_CODE', '../fixtures/claude-text.jsonl')).toEqual([
      ...deltas('Hello ', 'from ', 'the ', 'fake ', 'provider'),
      { type: 'text', text: REPLY },
      { type: 'usage', model: 'claude-sonnet-4-5', usage: usage(11, 7, 3, 2) },
      result({
        text: REPLY,
        duration_ms: 903,
        cost_usd: 0.00014639999999999998,
        turns: 1,
        usage: usage(11, 7, 3, 2),
      }),
    ]);
  });

  it('tool use: the Write call and its result, then the answer', async () => {
    expect(await parseFixture('CLAUDE_CODE', '../fixtures/claude-tool-use.jsonl')).toEqual([
      {
        type: 'tool_use',
        id: 'toolu_fake_000002',
        name: 'Write',
        input: { file_path: TARGET, content: CONTENT },
      },
      {
        type: 'tool_result',
        tool_use_id: 'toolu_fake_000002',
        output: `File created successfully at: ${TARGET} (file state is current in your context — no need to Read it back)`,
        is_error: false,
      },
      ...deltas('I ', 'wrote ', 'the ', 'file.'),
      { type: 'text', text: AFTER_TOOL },
      { type: 'usage', model: 'claude-sonnet-4-5', usage: usage(22, 14, 6, 4) },
      result({
        text: AFTER_TOOL,
        duration_ms: 350,
        cost_usd: 0.00029279999999999996,
        turns: 2,
        usage: usage(22, 14, 6, 4),
      }),
    ]);
  });

  it('provider error: one error, a failed result, no text', async () => {
    const message = 'API Error: 400 Fake provider: the request is invalid';
    expect(
      await parseFixture('CLAUDE_CODE', '../fixtures/claude-error.jsonl', { exitCode: 1, durationMs: 1000 }),
    ).toEqual([
      { type: 'error', message },
      result({ ok: false, text: message, duration_ms: 729, cost_usd: 0, turns: 1, usage: ZERO }),
    ]);
  });
});

describe('Codex fixtures', () => {
  it('text: the message, the turn usage without cached input, and turn.completed as the result', async () => {
    expect(await parseFixture('CODEX_CLI', '../fixtures/codex-text.jsonl')).toEqual([
      { type: 'text', text: REPLY },
      { type: 'usage', model: null, usage: usage(8, 7, 3, 0) },
      result({ text: REPLY, usage: usage(8, 7, 3, 0) }),
    ]);
  });

  it('tool use: the command as a shell tool call and its output', async () => {
    expect(await parseFixture('CODEX_CLI', '../fixtures/codex-tool-use.jsonl')).toEqual([
      {
        type: 'tool_use',
        id: 'item_0',
        name: 'shell',
        input: { command: `/bin/bash -lc "printf 'hi from the agent\\\\n' > '${TARGET}'"` },
      },
      { type: 'tool_result', tool_use_id: 'item_0', output: '', is_error: false },
      { type: 'text', text: AFTER_TOOL },
      { type: 'usage', model: null, usage: usage(16, 14, 6, 0) },
      result({ text: AFTER_TOOL, usage: usage(16, 14, 6, 0) }),
    ]);
  });

  it('provider error: the provider message once (error and turn.failed carry the same body)', async () => {
    expect(
      await parseFixture('CODEX_CLI', '../fixtures/codex-error.jsonl', { exitCode: 1, durationMs: 1000 }),
    ).toEqual([{ type: 'error', message: 'Fake provider: the request is invalid' }, result({ ok: false })]);
  });
});

describe('Gemini CLI fixtures', () => {
  it('text: deltas joined into one block before the result', async () => {
    expect(await parseFixture('GEMINI_CLI', '../fixtures/gemini-text.jsonl')).toEqual([
      ...deltas('Hello ', 'from ', 'the ', 'fake ', 'provider'),
      { type: 'text', text: REPLY },
      { type: 'usage', model: 'gemini-2.5-flash', usage: usage(8, 7, 3, 0) },
      result({ text: REPLY, duration_ms: 149, usage: usage(8, 7, 3, 0) }),
    ]);
  });

  it('tool use: write_file and its result, then the answer', async () => {
    const id = 'write_file__write_file_1795353079833_0';
    expect(await parseFixture('GEMINI_CLI', '../fixtures/gemini-tool-use.jsonl')).toEqual([
      { type: 'tool_use', id, name: 'write_file', input: { file_path: TARGET, content: CONTENT } },
      { type: 'tool_result', tool_use_id: id, output: '', is_error: false },
      ...deltas('I ', 'wrote ', 'the ', 'file.'),
      { type: 'text', text: AFTER_TOOL },
      { type: 'usage', model: 'gemini-2.5-flash', usage: usage(16, 14, 6, 0) },
      result({ text: AFTER_TOOL, duration_ms: 895, usage: usage(16, 14, 6, 0) }),
    ]);
  });

  it('provider error: the provider message out of "[API Error: …]" and a failed result', async () => {
    expect(
      await parseFixture('GEMINI_CLI', '../fixtures/gemini-error.jsonl', { exitCode: 144, durationMs: 1000 }),
    ).toEqual([
      { type: 'error', message: 'Fake provider: the request is invalid' },
      result({ ok: false, duration_ms: 0, usage: ZERO }),
    ]);
  });
});

describe('OpenCode fixtures', () => {
  it('text: usage per step and a synthetic result summing cost and steps', async () => {
    expect(await parseFixture('OPENCODE', '../fixtures/opencode-text.jsonl')).toEqual([
      { type: 'text', text: REPLY },
      { type: 'usage', model: null, usage: usage(11, 7, 3, 2) },
      result({
        text: REPLY,
        duration_ms: 1000,
        cost_usd: 0.0001464,
        turns: 1,
        usage: usage(11, 7, 3, 2),
        synthetic: true,
      }),
    ]);
  });

  it('tool use: the completed write part as a call and its result', async () => {
    expect(await parseFixture('OPENCODE', '../fixtures/opencode-tool-use.jsonl')).toEqual([
      {
        type: 'tool_use',
        id: 'toolu_fake_000002',
        name: 'write',
        input: { filePath: TARGET, content: CONTENT },
      },
      {
        type: 'tool_result',
        tool_use_id: 'toolu_fake_000002',
        output: 'Wrote file successfully.',
        is_error: false,
      },
      { type: 'usage', model: null, usage: usage(11, 7, 3, 2) },
      { type: 'text', text: AFTER_TOOL },
      { type: 'usage', model: null, usage: usage(11, 7, 3, 2) },
      result({
        text: AFTER_TOOL,
        duration_ms: 1000,
        cost_usd: 0.0001464 + 0.0001464,
        turns: 2,
        usage: usage(22, 14, 6, 4),
        synthetic: true,
      }),
    ]);
  });

  it('provider error: the API error and a failed synthetic result', async () => {
    expect(
      await parseFixture('OPENCODE', '../fixtures/opencode-error.jsonl', { exitCode: 1, durationMs: 1000 }),
    ).toEqual([
      { type: 'error', message: 'Fake provider: the request is invalid' },
      result({ ok: false, duration_ms: 1000, turns: 0, synthetic: true }),
    ]);
  });
});

describe('testkit fixtures (recorded without partial messages)', () => {
  it('Claude Code without --include-partial-messages yields blocks only', async () => {
    const events = await parseFixture('CLAUDE_CODE', '../../testkit/fixtures/claude-tool-use.jsonl');
    expect(events.map((event) => event.type)).toEqual(['tool_use', 'tool_result', 'text', 'usage', 'result']);
    expect(events[1]).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_fake_000002',
      output: 'hi',
      is_error: false,
    });
  });

  it('Codex shows the command output', async () => {
    const events = await parseFixture('CODEX_CLI', '../../testkit/fixtures/codex-tool-use.jsonl');
    expect(events.find((event) => event.type === 'tool_result')).toEqual({
      type: 'tool_result',
      tool_use_id: 'item_0',
      output: 'hi\n',
      is_error: false,
    });
  });
});
