// A stand-in for Factory's `droid` (not installable from npm): `droid exec` with its flags and the
// `-o stream-json` events (system init, message, tool_call, tool_result, error, completion).
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

const [command, ...rest] = process.argv.slice(2);
if (command !== 'exec') fail('stand-in: only `droid exec` is implemented', 2);
const { options, positionals } = parseArgs(rest, {
  aliases: { '-o': '--output-format', '-m': '--model', '-f': '--file', '-r': '--reasoning-effort' },
  booleans: ['--skip-permissions-unsafe', '--use-spec'],
  values: ['--output-format', '--auto', '--model', '--file', '--reasoning-effort', '--cwd', '--session-id'],
});
if (options['--output-format'] !== 'stream-json') fail('stand-in: only `-o stream-json` is implemented', 2);
const autonomy = options['--auto'];
if (autonomy !== undefined && !['low', 'medium', 'high'].includes(autonomy)) {
  fail(`error: invalid autonomy level '${autonomy}' (expected low, medium or high)`);
}
if (!process.env.FACTORY_API_KEY) fail('Error: FACTORY_API_KEY is not set. Run `droid` to log in.');
const prompt = readPrompt(positionals);
record({ prompt });

const session = { session_id: 'stand-in-session' };
let clock = 1_700_000_000_000;
const at = () => {
  clock += 10;
  return clock;
};
let turns = 1;

emit({
  type: 'system',
  subtype: 'init',
  cwd: process.cwd(),
  tools: ['Read', 'LS', 'Execute', 'Edit', 'Create'],
  model: options['--model'] ?? 'claude-sonnet-4-5-20250929',
  ...session,
});
emit({ type: 'message', role: 'user', id: 'msg_user', text: prompt, timestamp: at(), ...session });
if (scenario() === 'fail') {
  emit({
    type: 'error',
    source: 'cli',
    message: 'Request failed: 500 upstream unavailable',
    timestamp: at(),
  });
  process.exit(1);
}
if (scenario() === 'write') {
  turns += 1;
  emit({
    type: 'message',
    role: 'assistant',
    id: 'msg_1',
    text: "I'll create the file.",
    timestamp: at(),
    ...session,
  });
  const call = { id: 'call_1', messageId: 'msg_1', toolId: 'Create' };
  const parameters = { file_path: 'hello.txt', content: FILE_CONTENT };
  emit({ type: 'tool_call', ...call, toolName: 'Create', parameters, timestamp: at(), ...session });
  // Without --auto droid exec is read-only; every autonomy level allows creating files.
  if (autonomy === undefined) {
    const error = { type: 'permission_denied', message: 'Creating files needs --auto low or higher' };
    emit({ type: 'tool_result', ...call, isError: true, error, timestamp: at(), ...session });
  } else {
    writeFileSync(join(process.cwd(), 'hello.txt'), FILE_CONTENT);
    emit({
      type: 'tool_result',
      ...call,
      isError: false,
      value: 'File created',
      timestamp: at(),
      ...session,
    });
  }
}
emit({ type: 'message', role: 'assistant', id: 'msg_2', text: reply(), timestamp: at(), ...session });
emit({
  type: 'completion',
  finalText: reply(),
  numTurns: turns,
  durationMs: 2345,
  timestamp: at(),
  ...session,
  usage: {
    input_tokens: 200,
    output_tokens: 50,
    cache_read_input_tokens: 60,
    cache_creation_input_tokens: 10,
  },
});
