// A stand-in for `cursor-agent` (not installable from npm): its flags and documented stream-json output
// (https://cursor.com/docs/cli/reference/output-format), deterministic so tests can assert exact events.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  emit,
  FILE_CONTENT,
  fail,
  parseArgs,
  readPrompt,
  record,
  reply,
  scenario,
} from './stand-in-support.mjs';

const { options, positionals } = parseArgs(process.argv.slice(2), {
  aliases: { '-p': '--print', '-f': '--force', '-m': '--model' },
  booleans: ['--print', '--force', '--trust', '--stream-partial-output', '--approve-mcps'],
  values: ['--output-format', '--model', '--mode', '--workspace', '--api-key', '--resume'],
});
if (!options['--print'] || options['--output-format'] !== 'stream-json') {
  fail('stand-in: only `-p --output-format stream-json` is implemented', 2);
}
if (options['--mode'] !== undefined && !['plan', 'ask'].includes(options['--mode'])) {
  fail(`error: option '--mode <mode>' argument '${options['--mode']}' is invalid`);
}
if (!process.env.CURSOR_API_KEY && !options['--api-key'])
  fail('Error: Authentication required. Run `agent login`.');
const prompt = readPrompt(positionals);
record({ prompt });

const session = { session_id: 'stand-in-session' };
const partial = options['--stream-partial-output'] === true;
let clock = 1_000;
let said = '';

function say(text, callId) {
  said += text;
  if (!partial) {
    emit({
      type: 'assistant',
      message: { role: 'assistant', content: [{ type: 'text', text }] },
      ...session,
    });
    return;
  }
  for (const chunk of text.match(/\S+\s*/g) ?? []) {
    clock += 5;
    emit({
      type: 'assistant',
      message: { role: 'assistant', content: [{ type: 'text', text: chunk }] },
      ...session,
      timestamp_ms: clock,
    });
  }
  emit({
    type: 'assistant',
    message: { role: 'assistant', content: [{ type: 'text', text }] },
    ...session,
    model_call_id: callId,
    timestamp_ms: clock,
  });
}

emit({
  type: 'system',
  subtype: 'init',
  apiKeySource: 'env',
  cwd: process.cwd(),
  model: options['--model'] ?? 'Auto',
  permissionMode: 'default',
  ...session,
});
emit({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: prompt }] }, ...session });
if (scenario() === 'fail') fail('Error: request failed: 500 upstream unavailable');
emit({ type: 'thinking', subtype: 'delta', text: 'The user wants ', ...session, timestamp_ms: clock });
emit({ type: 'thinking', subtype: 'delta', text: 'an answer.', ...session, timestamp_ms: clock });
emit({ type: 'thinking', subtype: 'completed', ...session, timestamp_ms: clock });

if (scenario() === 'write') {
  say("I'll write the file.", 'mc_1');
  const args = { path: 'hello.txt', fileText: FILE_CONTENT, toolCallId: 'call_1' };
  emit({
    type: 'tool_call',
    subtype: 'started',
    call_id: 'call_1',
    tool_call: { writeToolCall: { args } },
    ...session,
  });
  const readOnly = options['--mode'] === 'ask' || options['--mode'] === 'plan' || !options['--force'];
  let result;
  if (readOnly) result = { rejected: { reason: 'Writes are not allowed in this mode' } };
  else {
    writeFileSync(join(process.cwd(), 'hello.txt'), FILE_CONTENT);
    const path = join(process.cwd(), 'hello.txt');
    result = { success: { path, linesCreated: 1, fileSize: FILE_CONTENT.length } };
  }
  emit({
    type: 'tool_call',
    subtype: 'completed',
    call_id: 'call_1',
    tool_call: { writeToolCall: { args, result } },
    ...session,
  });
}
say(reply(), 'mc_2');
emit({
  type: 'result',
  subtype: 'success',
  duration_ms: 1234,
  duration_api_ms: 1234,
  is_error: false,
  result: said,
  ...session,
  request_id: 'stand-in-request',
  usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 40, cacheWriteTokens: 5 },
});
