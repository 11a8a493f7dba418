import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AgentEvent, PROMPT_STDIN_THRESHOLD_BYTES, type ToolProfile } from '@crewship/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { agentCliAdapter, foldSystemPrompt } from '../src/index.js';
import {
  createHostSandbox,
  type HostSandbox,
  invocationOnHost,
  runOnHost,
  writeInvocationFiles,
} from './host-run.js';

/**
 * Cursor's and Factory's CLIs are not installable from npm: stand-ins with their flags and documented
 * stream-json output (test/stand-ins) run from PATH exactly as `buildInvocation` says.
 */
const STAND_INS = join(dirname(fileURLToPath(import.meta.url)), 'stand-ins');
const SLUG = 'bob';
const SYSTEM_PROMPT = 'You are Bob.\nAnswer briefly.';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface StandInRun {
  events: AgentEvent[];
  exitCode: number;
  stdin: string | undefined;
  cmd: string[];
  recorded: { argv: string[]; prompt: string; cwd: string };
  sandbox: HostSandbox;
}

async function runStandIn(
  adapterId: 'CURSOR_CLI' | 'FACTORY_DROID',
  options: { prompt?: string; toolProfile?: ToolProfile; scenario?: string; model?: string | null } = {},
): Promise<StandInRun> {
  const sandbox = await createHostSandbox(SLUG);
  cleanups.push(sandbox.cleanup);
  const adapter = agentCliAdapter(adapterId);
  const invocation = adapter.buildInvocation({
    agentSlug: SLUG,
    model: options.model ?? null,
    toolProfile: options.toolProfile ?? 'CODING',
    systemPrompt: SYSTEM_PROMPT,
    prompt: options.prompt ?? 'say hi',
    mcpConfigPath: null,
  });
  const onHost = invocationOnHost(invocation, sandbox, 'http://127.0.0.1:9');
  await writeInvocationFiles(onHost);
  const recordPath = join(sandbox.root, 'record.json');
  const run = await runOnHost(onHost, {
    parser: adapter.createParser(),
    pathDirs: [STAND_INS],
    home: sandbox.home,
    timeoutMs: 30_000,
    extraEnv: { STAND_IN_RECORD: recordPath, STAND_IN_SCENARIO: options.scenario ?? 'text' },
  });
  const recorded = JSON.parse(await readFile(recordPath, 'utf8').catch(() => '{}'));
  return {
    events: run.events,
    exitCode: run.exitCode,
    stdin: invocation.stdin,
    cmd: invocation.cmd,
    recorded,
    sandbox,
  };
}

describe('Cursor CLI (stand-in)', () => {
  it('runs as cursor-agent from PATH and streams partial text, thinking and a result', async () => {
    const run = await runStandIn('CURSOR_CLI', { model: 'gpt-5' });
    expect(run.exitCode).toBe(0);
    expect(run.recorded.argv).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--stream-partial-output',
      '--trust',
      '--force',
      '--model',
      'gpt-5',
      '--',
      foldSystemPrompt(SYSTEM_PROMPT, 'say hi'),
    ]);
    expect(run.recorded.prompt).toBe(
      `<system_instructions>\n${SYSTEM_PROMPT}\n</system_instructions>\n\nsay hi`,
    );
    expect(run.recorded.cwd).toBe(run.sandbox.hostPath(`/crew/agents/${SLUG}`));
    expect(run.events).toEqual([
      { type: 'thinking', text: 'The user wants an answer.' },
      { type: 'text_delta', text: 'Hello ' },
      { type: 'text_delta', text: 'from ' },
      { type: 'text_delta', text: 'the ' },
      { type: 'text_delta', text: 'stand-in' },
      { type: 'text', text: 'Hello from the stand-in' },
      {
        type: 'usage',
        model: null,
        usage: { input_tokens: 120, output_tokens: 30, cache_read_tokens: 40, cache_write_tokens: 5 },
      },
      {
        type: 'result',
        ok: true,
        text: 'Hello from the stand-in',
        duration_ms: 1234,
        cost_usd: null,
        turns: null,
        usage: { input_tokens: 120, output_tokens: 30, cache_read_tokens: 40, cache_write_tokens: 5 },
        synthetic: false,
      },
    ]);
  });

  it('writes a file under CODING (--force) and reports the tool call', async () => {
    const run = await runStandIn('CURSOR_CLI', { scenario: 'write' });
    expect(await readFile(run.sandbox.hostPath(`/crew/agents/${SLUG}/hello.txt`), 'utf8')).toBe(
      'hi from the agent\n',
    );
    const tools = run.events.filter((event) => event.type === 'tool_use' || event.type === 'tool_result');
    expect(tools).toEqual([
      {
        type: 'tool_use',
        id: 'call_1',
        name: 'write',
        input: { path: 'hello.txt', fileText: 'hi from the agent\n', toolCallId: 'call_1' },
      },
      {
        type: 'tool_result',
        tool_use_id: 'call_1',
        output: JSON.stringify({
          path: run.sandbox.hostPath(`/crew/agents/${SLUG}/hello.txt`),
          linesCreated: 1,
          fileSize: 18,
        }),
        is_error: false,
      },
    ]);
    expect(run.events.filter((event) => event.type === 'text').map((event) => event.text)).toEqual([
      "I'll write the file.",
      'Hello from the stand-in',
    ]);
  });

  it('is read-only under MINIMAL (--mode ask instead of --force)', async () => {
    const run = await runStandIn('CURSOR_CLI', { scenario: 'write', toolProfile: 'MINIMAL' });
    expect(run.recorded.argv).toContain('ask');
    expect(run.recorded.argv).not.toContain('--force');
    await expect(readFile(run.sandbox.hostPath(`/crew/agents/${SLUG}/hello.txt`), 'utf8')).rejects.toThrow();
    expect(run.events.find((event) => event.type === 'tool_result')).toEqual({
      type: 'tool_result',
      tool_use_id: 'call_1',
      output: 'Writes are not allowed in this mode',
      is_error: true,
    });
  });

  it('reads a prompt over the threshold from stdin', async () => {
    const prompt = `BIG ${'y'.repeat(PROMPT_STDIN_THRESHOLD_BYTES)} END`;
    const run = await runStandIn('CURSOR_CLI', { prompt });
    expect(run.stdin).toBe(foldSystemPrompt(SYSTEM_PROMPT, prompt));
    expect(run.cmd.some((arg) => arg.includes('BIG'))).toBe(false);
    expect(run.recorded.prompt).toBe(foldSystemPrompt(SYSTEM_PROMPT, prompt));
    expect(run.events.at(-1)).toMatchObject({ type: 'result', ok: true });
  });

  it('turns a failure on stderr into an error and a failed synthetic result', async () => {
    const run = await runStandIn('CURSOR_CLI', { scenario: 'fail' });
    expect(run.exitCode).toBe(1);
    expect(run.events).toEqual([
      {
        type: 'error',
        message: 'the agent CLI exited with code 1: Error: request failed: 500 upstream unavailable',
      },
      {
        type: 'result',
        ok: false,
        text: '',
        duration_ms: expect.any(Number),
        cost_usd: null,
        turns: null,
        usage: null,
        synthetic: true,
      },
    ]);
  });
});

describe('Factory Droid (stand-in)', () => {
  it('runs droid exec from PATH with the autonomy of the tool profile', async () => {
    for (const [toolProfile, level] of [
      ['MINIMAL', 'low'],
      ['CODING', 'medium'],
      ['FULL', 'high'],
    ] as const) {
      const run = await runStandIn('FACTORY_DROID', { toolProfile, model: 'claude-sonnet-4-5' });
      expect(run.exitCode).toBe(0);
      expect(run.recorded.argv).toEqual([
        'exec',
        '--auto',
        level,
        '-o',
        'stream-json',
        '-m',
        'claude-sonnet-4-5',
        '--',
        foldSystemPrompt(SYSTEM_PROMPT, 'say hi'),
      ]);
    }
  });

  it('parses messages, a tool call and the completion', async () => {
    const run = await runStandIn('FACTORY_DROID', { scenario: 'write' });
    expect(await readFile(run.sandbox.hostPath(`/crew/agents/${SLUG}/hello.txt`), 'utf8')).toBe(
      'hi from the agent\n',
    );
    const usage = { input_tokens: 200, output_tokens: 50, cache_read_tokens: 60, cache_write_tokens: 10 };
    expect(run.events).toEqual([
      { type: 'text', text: "I'll create the file." },
      {
        type: 'tool_use',
        id: 'call_1',
        name: 'Create',
        input: { file_path: 'hello.txt', content: 'hi from the agent\n' },
      },
      { type: 'tool_result', tool_use_id: 'call_1', output: 'File created', is_error: false },
      { type: 'text', text: 'Hello from the stand-in' },
      { type: 'usage', model: null, usage },
      {
        type: 'result',
        ok: true,
        text: 'Hello from the stand-in',
        duration_ms: 2345,
        cost_usd: null,
        turns: 2,
        usage,
        synthetic: false,
      },
    ]);
  });

  it('reads a prompt over the threshold from stdin', async () => {
    const prompt = `BIG ${'z'.repeat(PROMPT_STDIN_THRESHOLD_BYTES)} END`;
    const run = await runStandIn('FACTORY_DROID', { prompt });
    expect(run.stdin).toBe(foldSystemPrompt(SYSTEM_PROMPT, prompt));
    expect(run.recorded.argv).toEqual(['exec', '--auto', 'medium', '-o', 'stream-json']);
    expect(run.recorded.prompt).toBe(foldSystemPrompt(SYSTEM_PROMPT, prompt));
    expect(run.events.at(-1)).toMatchObject({ type: 'result', ok: true, text: 'Hello from the stand-in' });
  });

  it('reports an error event and a failed synthetic result when droid fails', async () => {
    const run = await runStandIn('FACTORY_DROID', { scenario: 'fail' });
    expect(run.exitCode).toBe(1);
    expect(run.events).toEqual([
      { type: 'error', message: 'Request failed: 500 upstream unavailable' },
      expect.objectContaining({ type: 'result', ok: false, synthetic: true }),
    ]);
  });
});
