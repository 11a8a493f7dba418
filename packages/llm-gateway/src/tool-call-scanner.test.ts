import type { LlmProvider } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import {
  ANTHROPIC_JSON,
  ANTHROPIC_SSE,
  GEMINI_JSON_ARRAY,
  GEMINI_SSE,
  OPENAI_CHAT_SSE,
  OPENAI_RESPONSES_SSE,
} from './testing/provider-fixtures.js';
import { ToolCallScanner } from './tool-call-scanner.js';

const SSE = 'text/event-stream';
const JSON_TYPE = 'application/json';

function scan(provider: LlmProvider, contentType: string, body: string, split = 0) {
  const scanner = new ToolCallScanner(provider, { contentType, maxBytes: 1024 * 1024 });
  const bytes = Buffer.from(body);
  if (split > 0)
    for (let at = 0; at < bytes.length; at += split) scanner.push(bytes.subarray(at, at + split));
  else scanner.push(bytes);
  const toolStart = scanner.toolStart;
  return { scanner, toolStart, calls: scanner.end() };
}

const named = (data: Record<string, unknown>) =>
  `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
const unnamed = (data: unknown, end = '\n\n') => `data: ${JSON.stringify(data)}${end}`;

const anthropicText = named({ type: 'message_start', message: { usage: { input_tokens: 1 } } });
const anthropicTool = [
  named({
    type: 'content_block_start',
    index: 1,
    content_block: { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} },
  }),
  named({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
  named({
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: '{"command":"ls ' },
  }),
  named({
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: '-la"}' },
  }),
  named({ type: 'content_block_stop', index: 1 }),
].join('');

describe('ToolCallScanner', () => {
  for (const split of [0, 1, 7, 64]) {
    it(`anthropic SSE: finds the tool call and where its first event starts (chunks of ${split || 'all'})`, () => {
      const { toolStart, calls } = scan('anthropic', SSE, anthropicText + anthropicTool, split);
      expect(toolStart).toBe(Buffer.byteLength(anthropicText));
      expect(calls).toEqual([{ name: 'Bash', input: { command: 'ls -la' } }]);
    });
  }

  it('streams without tool calls: safe up to the last complete event, nothing found', () => {
    for (const fixture of [ANTHROPIC_SSE, OPENAI_RESPONSES_SSE, OPENAI_CHAT_SSE, GEMINI_SSE]) {
      const provider = fixture.provider;
      const cut = fixture.body.length - 5;
      const scanner = new ToolCallScanner(provider, { contentType: SSE, maxBytes: 1 << 20 });
      scanner.push(Buffer.from(fixture.body.slice(0, cut)));
      const lastBoundary = fixture.body.slice(0, cut).search(/(\r\n\r\n|\n\n)(?![\s\S]*(\r\n\r\n|\n\n))/);
      const separator = fixture.body.slice(lastBoundary).startsWith('\r\n\r\n') ? 4 : 2;
      expect(scanner.safeEnd).toBe(Buffer.byteLength(fixture.body.slice(0, lastBoundary + separator)));
      expect(scanner.atBoundary).toBe(false);
      scanner.push(Buffer.from(fixture.body.slice(cut)));
      expect(scanner.atBoundary).toBe(true);
      expect(scanner.safeEnd).toBe(Buffer.byteLength(fixture.body));
      expect(scanner.end()).toEqual([]);
    }
  });

  it('anthropic: unparsable streamed input is passed as the raw string; JSON bodies read at the end', () => {
    const broken = anthropicTool.replace('-la\\"}', '-la');
    expect(scan('anthropic', SSE, broken).calls).toEqual([{ name: 'Bash', input: '{"command":"ls -la' }]);
    const body = JSON.stringify({
      content: [
        { type: 'text', text: 'hi' },
        { type: 'tool_use', id: 't', name: 'Read', input: { path: '/x' } },
      ],
    });
    const { scanner, calls } = scan('anthropic', JSON_TYPE, body);
    expect(scanner.safeEnd).toBe(0);
    expect(calls).toEqual([{ name: 'Read', input: { path: '/x' } }]);
    expect(scan('anthropic', JSON_TYPE, ANTHROPIC_JSON.body).calls).toEqual([]);
  });

  it('openai responses SSE: function_call, custom_tool_call and local_shell_call', () => {
    const created = named({ type: 'response.created', response: { id: 'r', output: [] } });
    const body = [
      created,
      named({
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'fc_1', type: 'function_call', name: 'shell', arguments: '' },
      }),
      named({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', delta: '{"cmd":' }),
      named({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', delta: '["ls"]}' }),
      named({
        type: 'response.output_item.added',
        output_index: 1,
        item: { id: 'ct_1', type: 'custom_tool_call', name: 'apply_patch', input: '' },
      }),
      named({ type: 'response.custom_tool_call_input.delta', item_id: 'ct_1', delta: '*** Begin Patch' }),
      named({
        type: 'response.output_item.done',
        output_index: 2,
        item: { id: 'ls_1', type: 'local_shell_call', action: { type: 'exec', command: ['pwd'] } },
      }),
      named({ type: 'response.completed', response: { usage: { input_tokens: 1, output_tokens: 1 } } }),
    ].join('');
    const { toolStart, calls } = scan('openai', SSE, body, 13);
    expect(toolStart).toBe(Buffer.byteLength(created));
    expect(calls).toEqual([
      { name: 'shell', input: { cmd: ['ls'] } },
      { name: 'apply_patch', input: '*** Begin Patch' },
      { name: 'local_shell', input: { type: 'exec', command: ['pwd'] } },
    ]);
  });

  it('openai responses: the finished item wins over streamed pieces; JSON output[] is read', () => {
    const body = [
      named({
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'fc_1', type: 'function_call', name: 'f', arguments: '' },
      }),
      named({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', delta: '{"a":' }),
      named({
        type: 'response.output_item.done',
        output_index: 0,
        item: { id: 'fc_1', type: 'function_call', name: 'f', arguments: '{"a":1}' },
      }),
    ].join('');
    expect(scan('openai', SSE, body).calls).toEqual([{ name: 'f', input: { a: 1 } }]);
    const json = JSON.stringify({
      output: [
        { type: 'message', content: [] },
        { type: 'function_call', name: 'g', arguments: '{"b":2}' },
        { type: 'web_search_call', id: 'ws' },
      ],
    });
    expect(scan('openai', JSON_TYPE, json).calls).toEqual([{ name: 'g', input: { b: 2 } }]);
  });

  it('openai chat completions SSE: tool calls assembled by index, started by the first delta', () => {
    const head = unnamed({ choices: [{ index: 0, delta: { role: 'assistant', content: 'x' } }] });
    const body = [
      head,
      unnamed({
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 0, id: 'c1', type: 'function', function: { name: 'read', arguments: '' } },
              ],
            },
          },
        ],
      }),
      unnamed({
        choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"p":' } }] } }],
      }),
      unnamed({
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 0, function: { arguments: '"/a"}' } },
                { index: 1, id: 'c2', function: { name: 'write', arguments: 'not json' } },
              ],
            },
          },
        ],
      }),
      'data: [DONE]\n\n',
    ].join('');
    const { toolStart, calls } = scan('openai', SSE, body, 5);
    expect(toolStart).toBe(Buffer.byteLength(head));
    expect(calls).toEqual([
      { name: 'read', input: { p: '/a' } },
      { name: 'write', input: 'not json' },
    ]);
    const json = JSON.stringify({
      choices: [
        {
          message: {
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'read', arguments: '{"p":1}' } }],
          },
        },
      ],
    });
    expect(scan('openai', JSON_TYPE, json).calls).toEqual([{ name: 'read', input: { p: 1 } }]);
  });

  it('gemini: functionCall parts in SSE (CRLF framing), JSON and JSON-array bodies', () => {
    const text = unnamed({ candidates: [{ content: { parts: [{ text: 'hm' }] } }] }, '\r\n\r\n');
    const call = unnamed(
      { candidates: [{ content: { parts: [{ functionCall: { name: 'run', args: { x: 1 } } }] } }] },
      '\r\n\r\n',
    );
    const { toolStart, calls } = scan('google', SSE, text + call, 3);
    expect(toolStart).toBe(Buffer.byteLength(text));
    expect(calls).toEqual([{ name: 'run', input: { x: 1 } }]);
    const array = `[${JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a' }] } }] })},${JSON.stringify(
      {
        candidates: [{ content: { parts: [{ functionCall: { name: 'ls', args: {} } }] } }],
      },
    )}]`;
    expect(scan('google', JSON_TYPE, array).calls).toEqual([{ name: 'ls', input: {} }]);
    expect(scan('google', JSON_TYPE, GEMINI_JSON_ARRAY.body).calls).toEqual([]);
  });

  it('a CR at a chunk end is not taken for a line end before its LF arrives', () => {
    const first = 'data: {"candidates":[]}\r\n\r';
    const scanner = new ToolCallScanner('google', { contentType: SSE, maxBytes: 1 << 20 });
    scanner.push(Buffer.from(first));
    expect(scanner.safeEnd).toBe(0);
    scanner.push(Buffer.from('\n'));
    expect(scanner.safeEnd).toBe(first.length + 1);
  });

  it('an event over maxBytes marks the scanner overflowed', () => {
    const scanner = new ToolCallScanner('anthropic', { contentType: SSE, maxBytes: 100 });
    scanner.push(Buffer.from(`data: ${'x'.repeat(200)}`));
    expect(scanner.overflowed).toBe(true);
  });
});
