import { type AgentEvent, type AgentStreamParser, BAD_CREDENTIAL_EXIT_CODE } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { createClaudeCodeParser } from './claude-code-parser.js';
import { createCodexCliParser } from './codex-cli-parser.js';
import { createCursorCliParser } from './cursor-cli-parser.js';
import { createFactoryDroidParser } from './factory-droid-parser.js';
import { createGeminiCliParser } from './gemini-cli-parser.js';
import { createOpenCodeParser } from './opencode-parser.js';

function feed(
  parser: AgentStreamParser,
  lines: (object | string | [string, 'stderr'])[],
  exit = { exitCode: 0, durationMs: 10 },
): AgentEvent[] {
  const events: AgentEvent[] = [];
  for (const line of lines) {
    if (Array.isArray(line)) events.push(...parser.push(line[0], line[1]));
    else events.push(...parser.push(typeof line === 'string' ? line : JSON.stringify(line), 'stdout'));
  }
  return [...events, ...parser.end(exit)];
}

const synthetic = (fields: Partial<Extract<AgentEvent, { type: 'result' }>>) => ({
  type: 'result',
  ok: true,
  text: '',
  duration_ms: 10,
  cost_usd: null,
  turns: null,
  usage: null,
  synthetic: true,
  ...fields,
});

describe('the shared line handling', () => {
  it('ignores non-JSON stdout and stderr, and synthesizes a result from the last text', () => {
    const events = feed(createOpenCodeParser(), [
      'Warning: something',
      ['Error: not fatal yet', 'stderr'],
      { type: 'text', part: { text: 'first' } },
      { type: 'text', part: { text: 'second' } },
    ]);
    expect(events).toEqual([
      { type: 'text', text: 'first' },
      { type: 'text', text: 'second' },
      synthetic({ text: 'second', turns: 0 }),
    ]);
  });

  it('explains a failed exit with the last stderr lines', () => {
    const events = feed(
      createClaudeCodeParser(),
      [['--dangerously-skip-permissions cannot be used with root/sudo privileges', 'stderr']],
      { exitCode: 1, durationMs: 5 },
    );
    expect(events).toEqual([
      {
        type: 'error',
        message:
          'the agent CLI exited with code 1: --dangerously-skip-permissions cannot be used with root/sudo privileges',
      },
      synthetic({ ok: false, duration_ms: 5 }),
    ]);
  });

  it('names a rejected credential', () => {
    const events = feed(createCodexCliParser(), [], { exitCode: BAD_CREDENTIAL_EXIT_CODE, durationMs: 1 });
    expect(events[0]).toEqual({ type: 'error', message: 'the credential was rejected' });
  });

  it('a failed synthetic result follows an error even on exit 0', () => {
    const events = feed(createOpenCodeParser(), [{ type: 'error', error: { name: 'ProviderAuthError' } }]);
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: false, synthetic: true });
  });
});

describe('Claude Code', () => {
  it('maps thinking, tool results with content blocks and a failed result', () => {
    const events = feed(createClaudeCodeParser(), [
      { type: 'assistant', message: { content: [{ type: 'thinking', thinking: 'hmm' }] } },
      {
        type: 'user',
        message: {
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              is_error: true,
              content: [{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }],
            },
          ],
        },
      },
      { type: 'result', subtype: 'error_max_turns', is_error: false, num_turns: 3, duration_ms: 9 },
    ]);
    expect(events).toEqual([
      { type: 'thinking', text: 'hmm' },
      { type: 'tool_result', tool_use_id: 't1', output: 'a\n[image]\nb', is_error: true },
      { type: 'error', message: 'error_max_turns' },
      {
        type: 'result',
        ok: false,
        text: '',
        duration_ms: 9,
        cost_usd: null,
        turns: 3,
        usage: null,
        synthetic: false,
      },
    ]);
  });
});

describe('Codex', () => {
  it('maps MCP calls, file changes, reasoning and a failed turn', () => {
    const events = feed(createCodexCliParser(), [
      { type: 'item.completed', item: { id: 'r', type: 'reasoning', text: 'thinking' } },
      {
        type: 'item.started',
        item: { id: 'm', type: 'mcp_tool_call', server: 'memory', tool: 'recall', arguments: { q: 'x' } },
      },
      {
        type: 'item.completed',
        item: {
          id: 'm',
          type: 'mcp_tool_call',
          server: 'memory',
          tool: 'recall',
          status: 'completed',
          result: { content: [{ type: 'text', text: 'found' }] },
        },
      },
      {
        type: 'item.completed',
        item: { id: 'f', type: 'file_change', status: 'failed', changes: [{ path: 'a.txt', kind: 'add' }] },
      },
      { type: 'turn.failed', error: { message: 'stream disconnected' } },
    ]);
    expect(events).toEqual([
      { type: 'thinking', text: 'thinking' },
      { type: 'tool_use', id: 'm', name: 'memory.recall', input: { q: 'x' } },
      { type: 'tool_result', tool_use_id: 'm', output: 'found', is_error: false },
      {
        type: 'tool_use',
        id: 'f',
        name: 'apply_patch',
        input: { changes: [{ path: 'a.txt', kind: 'add' }] },
      },
      { type: 'tool_result', tool_use_id: 'f', output: 'add a.txt', is_error: true },
      { type: 'error', message: 'stream disconnected' },
      {
        type: 'result',
        ok: false,
        text: '',
        duration_ms: null,
        cost_usd: null,
        turns: null,
        usage: null,
        synthetic: false,
      },
    ]);
  });

  it('marks a command with a non-zero exit code as an error', () => {
    const events = feed(createCodexCliParser(), [
      {
        type: 'item.completed',
        item: { id: 'c', type: 'command_execution', command: 'false', aggregated_output: '', exit_code: 1 },
      },
    ]);
    expect(events.slice(0, 2)).toEqual([
      { type: 'tool_use', id: 'c', name: 'shell', input: { command: 'false' } },
      { type: 'tool_result', tool_use_id: 'c', output: '', is_error: true },
    ]);
  });
});

describe('Gemini CLI', () => {
  it('flushes buffered deltas before a tool call and at the end, and skips warnings', () => {
    const events = feed(createGeminiCliParser(), [
      { type: 'message', role: 'assistant', content: 'Let me ', delta: true },
      { type: 'message', role: 'assistant', content: 'look.', delta: true },
      { type: 'error', severity: 'warning', message: 'Loop detected' },
      { type: 'tool_use', tool_id: 't', tool_name: 'read_file', parameters: { file_path: 'a' } },
      { type: 'tool_result', tool_id: 't', status: 'error', error: { type: 'x', message: 'no such file' } },
      { type: 'message', role: 'assistant', content: 'Done', delta: true },
    ]);
    expect(events).toEqual([
      { type: 'text_delta', text: 'Let me ' },
      { type: 'text_delta', text: 'look.' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 't', name: 'read_file', input: { file_path: 'a' } },
      { type: 'tool_result', tool_use_id: 't', output: 'no such file', is_error: true },
      { type: 'text_delta', text: 'Done' },
      { type: 'text', text: 'Done' },
      synthetic({ text: 'Done' }),
    ]);
  });
});

describe('OpenCode', () => {
  it('maps a failed tool part and reasoning', () => {
    const events = feed(createOpenCodeParser(), [
      { type: 'reasoning', part: { type: 'reasoning', text: 'plan' } },
      {
        type: 'tool_use',
        part: {
          tool: 'bash',
          callID: 'c',
          state: { status: 'error', input: { command: 'x' }, error: 'denied' },
        },
      },
    ]);
    expect(events.slice(0, 3)).toEqual([
      { type: 'thinking', text: 'plan' },
      { type: 'tool_use', id: 'c', name: 'bash', input: { command: 'x' } },
      { type: 'tool_result', tool_use_id: 'c', output: 'denied', is_error: true },
    ]);
  });
});

describe('Cursor CLI', () => {
  it('emits deltas once, takes the flushed message as the block, and maps shell and function tools', () => {
    const events = feed(createCursorCliParser(), [
      { type: 'assistant', message: { content: [{ type: 'text', text: 'Run' }] }, timestamp_ms: 1 },
      { type: 'assistant', message: { content: [{ type: 'text', text: 'ning' }] }, timestamp_ms: 2 },
      { type: 'assistant', message: { content: [{ type: 'text', text: 'Running' }] }, model_call_id: 'm' },
      {
        type: 'tool_call',
        subtype: 'completed',
        call_id: 's',
        tool_call: {
          shellToolCall: { args: { command: 'ls' }, result: { success: { stdout: 'a', stderr: 'b' } } },
        },
      },
      {
        type: 'tool_call',
        subtype: 'started',
        call_id: 'f',
        tool_call: { function: { name: 'mcp_search', arguments: '{"q":1}' } },
      },
      { type: 'assistant', message: { content: [{ type: 'text', text: 'Tail' }] }, timestamp_ms: 3 },
    ]);
    expect(events).toEqual([
      { type: 'text_delta', text: 'Run' },
      { type: 'text_delta', text: 'ning' },
      { type: 'text', text: 'Running' },
      { type: 'tool_use', id: 's', name: 'shell', input: { command: 'ls' } },
      { type: 'tool_result', tool_use_id: 's', output: 'a\nb', is_error: false },
      { type: 'tool_use', id: 'f', name: 'mcp_search', input: { q: 1 } },
      { type: 'text_delta', text: 'Tail' },
      { type: 'text', text: 'Tail' },
      synthetic({ text: 'Tail' }),
    ]);
  });

  it('reports an error result', () => {
    const events = feed(createCursorCliParser(), [
      { type: 'result', subtype: 'error', is_error: true, result: 'Rate limited' },
    ]);
    expect(events.slice(0, 1)).toEqual([{ type: 'error', message: 'Rate limited' }]);
    expect(events[1]).toMatchObject({ type: 'result', ok: false, synthetic: false });
  });
});

describe('Factory Droid', () => {
  it('pairs a tool result without an id with the oldest open call', () => {
    const events = feed(createFactoryDroidParser(), [
      { type: 'tool_call', id: 'a', toolName: 'Read', parameters: { file_path: 'x' } },
      { type: 'tool_call', id: 'b', toolName: 'LS', parameters: {} },
      { type: 'tool_result', isError: false, value: { files: ['x'] } },
      { type: 'tool_result', id: 'b', isError: true, error: { type: 'e', message: 'denied' } },
    ]);
    expect(events.slice(0, 4)).toEqual([
      { type: 'tool_use', id: 'a', name: 'Read', input: { file_path: 'x' } },
      { type: 'tool_use', id: 'b', name: 'LS', input: {} },
      { type: 'tool_result', tool_use_id: 'a', output: '{"files":["x"]}', is_error: false },
      { type: 'tool_result', tool_use_id: 'b', output: 'denied', is_error: true },
    ]);
  });
});
