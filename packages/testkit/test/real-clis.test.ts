import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@crewship/contracts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createFakeProvider,
  type FakeProvider,
  type FakeProviderOptions,
  type FakeReply,
  type RecordedRequest,
} from '../src/index.js';
import { type AgentCliName, resolveAgentClis } from './agent-cli-binaries.js';

/**
 * Drives the real agent CLIs (pinned versions, installed from npm) against the fake providers.
 * `CREWSHIP_RECORD_FIXTURES=1` rewrites fixtures/<cli>-<case>.jsonl from the live output; otherwise
 * each live run must still produce the fixture's sequence of event types.
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const RECORD_FIXTURES = process.env.CREWSHIP_RECORD_FIXTURES === '1';
const CLI_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 180_000;
const REPLY = 'Hello from the fake provider';
const AFTER_TOOL = 'The command printed hi.';

// biome-ignore lint/suspicious/noExplicitAny: CLI output and request bodies are asserted loosely.
type JsonLine = Record<string, any>;

interface CliRun {
  stdout: string;
  stderr: string;
  lines: JsonLine[];
}

let binaries: Record<AgentCliName, string>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  binaries = await resolveAgentClis();
}, 900_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startFake(
  options: FakeProviderOptions,
): Promise<{ fake: FakeProvider; unknownRoutes: string[] }> {
  const unknownRoutes: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn(_message, fields) {
      unknownRoutes.push(`${fields?.method} ${fields?.path}`);
    },
    error() {},
    child() {
      return logger;
    },
  };
  const fake = await createFakeProvider({ ...options, logger });
  cleanups.push(() => fake.close());
  return { fake, unknownRoutes };
}

async function sandbox(): Promise<{ home: string; workdir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'crewship-testkit-cli-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  const workdir = join(root, 'work');
  await mkdir(home, { recursive: true });
  await mkdir(workdir, { recursive: true });
  return { home, workdir };
}

/** Runs a CLI with stdin at /dev/null and a minimal environment (never the caller's real keys). */
function runCli(
  bin: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(
          new Error(
            `${bin} ${args.join(' ')} exited ${code ?? signal}\nstderr:\n${stderr}\nstdout:\n${stdout}`,
          ),
        );
        return;
      }
      const lines = stdout
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as JsonLine);
      resolve({ stdout, stderr, lines });
    });
  });
}

function signature(line: JsonLine): string {
  return [line.type, line.subtype, line.item?.type, line.role, line.part?.type].filter(Boolean).join('/');
}

/** Records the fixture, or checks the live run still has the recorded event-type sequence. */
async function checkFixture(name: string, run: CliRun): Promise<void> {
  const path = join(FIXTURES, `${name}.jsonl`);
  if (RECORD_FIXTURES) {
    await mkdir(FIXTURES, { recursive: true });
    await writeFile(path, run.stdout);
    return;
  }
  const recorded = (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JsonLine);
  expect(run.lines.map(signature)).toEqual(recorded.map(signature));
}

function modelCalls(fake: FakeProvider, path: string | RegExp): RecordedRequest[] {
  return fake.requests.filter((request) =>
    typeof path === 'string' ? request.path === path : path.test(request.path),
  );
}

function bodyOf(request: RecordedRequest | undefined): JsonLine {
  if (typeof request?.body !== 'object' || request.body === null)
    throw new Error('expected a recorded JSON body');
  return request.body as JsonLine;
}

const bashTool = { toolUse: { name: 'Bash', input: { command: 'echo hi', description: 'Print hi' } } };

describe('Claude Code against the fake Anthropic provider', () => {
  async function claude(script: FakeProviderOptions['script'], extraArgs: string[], prompt: string) {
    const { fake, unknownRoutes } = await startFake({ kind: 'anthropic', script });
    const { home, workdir } = await sandbox();
    const run = await runCli(
      binaries.claude,
      ['--print', '--output-format', 'stream-json', '--verbose', ...extraArgs, '--', prompt],
      {
        cwd: workdir,
        env: {
          HOME: home,
          ANTHROPIC_BASE_URL: fake.url,
          ANTHROPIC_API_KEY: 'sk-ant-testkit-dummy',
          DISABLE_TELEMETRY: '1',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        },
      },
    );
    return { fake, unknownRoutes, run };
  }

  it(
    'prints the scripted text',
    async () => {
      const { fake, unknownRoutes, run } = await claude([{ text: REPLY }], [], 'say hi');
      const result = run.lines.find((line) => line.type === 'result');
      expect(result).toMatchObject({ subtype: 'success', is_error: false, result: REPLY });
      expect(result?.usage).toMatchObject({ input_tokens: 11, output_tokens: 7, cache_read_input_tokens: 3 });
      const calls = modelCalls(fake, '/v1/messages');
      expect(calls).toHaveLength(1);
      expect(calls[0]?.query).toEqual({ beta: 'true' });
      expect(calls[0]?.headers['x-api-key']).toBe('sk-ant-testkit-dummy');
      expect(calls[0]?.body).toMatchObject({ stream: true });
      expect(unknownRoutes).toEqual([]);
      await checkFixture('claude-text', run);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs the Bash tool the fake asks for, then prints the next reply',
    async () => {
      const { fake, unknownRoutes, run } = await claude(
        [bashTool, { text: AFTER_TOOL }],
        ['--allowedTools', 'Bash'],
        'run echo hi',
      );
      const toolResult = run.lines.find((line) => line.type === 'user');
      expect(toolResult?.message.content[0]).toMatchObject({
        type: 'tool_result',
        content: 'hi',
        is_error: false,
      });
      expect(run.lines.find((line) => line.type === 'result')).toMatchObject({
        result: AFTER_TOOL,
        num_turns: 2,
      });
      const calls = modelCalls(fake, '/v1/messages');
      expect(calls).toHaveLength(2);
      const lastMessage = bodyOf(calls[1]).messages.at(-1);
      expect(lastMessage.content[0]).toMatchObject({ type: 'tool_result', content: 'hi' });
      expect(unknownRoutes).toEqual([]);
      await checkFixture('claude-tool-use', run);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('Codex against the fake OpenAI provider (Responses API)', () => {
  async function codex(script: FakeProviderOptions['script'], extraArgs: string[], prompt: string) {
    const { fake, unknownRoutes } = await startFake({ kind: 'openai', script });
    const { home, workdir } = await sandbox();
    const codexHome = join(home, '.codex');
    await mkdir(codexHome, { recursive: true });
    await writeFile(
      join(codexHome, 'config.toml'),
      [
        'model = "gpt-5.5"',
        'model_provider = "fake"',
        '',
        '[model_providers.fake]',
        'name = "Fake OpenAI"',
        `base_url = "${fake.url}/v1"`,
        'env_key = "FAKE_OPENAI_API_KEY"',
        'wire_api = "responses"',
        'supports_websockets = false',
        '',
      ].join('\n'),
    );
    const run = await runCli(
      binaries.codex,
      ['exec', '--json', '--skip-git-repo-check', ...extraArgs, prompt],
      { cwd: workdir, env: { HOME: home, CODEX_HOME: codexHome, FAKE_OPENAI_API_KEY: 'sk-testkit-dummy' } },
    );
    return { fake, unknownRoutes, run };
  }

  it(
    'prints the scripted text',
    async () => {
      const { fake, unknownRoutes, run } = await codex([{ text: REPLY }], [], 'say hi');
      expect(run.lines.find((line) => line.item?.type === 'agent_message')?.item.text).toBe(REPLY);
      expect(run.lines.at(-1)).toMatchObject({
        type: 'turn.completed',
        usage: { input_tokens: 11, cached_input_tokens: 3, output_tokens: 7 },
      });
      const calls = modelCalls(fake, '/v1/responses');
      expect(calls).toHaveLength(1);
      expect(calls[0]?.headers.authorization).toBe('Bearer sk-testkit-dummy');
      expect(calls[0]?.body).toMatchObject({ model: 'gpt-5.5', stream: true });
      expect(unknownRoutes).toEqual([]);
      await checkFixture('codex-text', run);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs exec_command the fake asks for, then prints the next reply',
    async () => {
      const { fake, unknownRoutes, run } = await codex(
        [{ toolUse: { name: 'exec_command', input: { cmd: 'echo hi' } } }, { text: AFTER_TOOL }],
        ['--dangerously-bypass-approvals-and-sandbox'],
        'run echo hi',
      );
      const command = run.lines.find(
        (line) => line.type === 'item.completed' && line.item?.type === 'command_execution',
      );
      expect(command?.item).toMatchObject({ aggregated_output: 'hi\n', exit_code: 0, status: 'completed' });
      expect(run.lines.find((line) => line.item?.type === 'agent_message')?.item.text).toBe(AFTER_TOOL);
      const calls = modelCalls(fake, '/v1/responses');
      expect(calls).toHaveLength(2);
      const output = bodyOf(calls[1]).input.find((item: JsonLine) => item.type === 'function_call_output');
      expect(output.output).toContain('hi');
      expect(unknownRoutes).toEqual([]);
      await checkFixture('codex-tool-use', run);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('Gemini CLI against the fake Gemini provider', () => {
  async function gemini(script: FakeProviderOptions['script'], extraArgs: string[], prompt: string) {
    const { fake, unknownRoutes } = await startFake({ kind: 'gemini', script });
    const { home, workdir } = await sandbox();
    await mkdir(join(home, '.gemini'), { recursive: true });
    await writeFile(
      join(home, '.gemini', 'settings.json'),
      JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }),
    );
    const run = await runCli(
      binaries.gemini,
      ['-m', 'gemini-2.5-flash', '--output-format', 'stream-json', ...extraArgs, '-p', prompt],
      {
        cwd: workdir,
        env: {
          HOME: home,
          GOOGLE_GEMINI_BASE_URL: fake.url,
          GEMINI_API_KEY: 'testkit-dummy-gemini-key',
          GEMINI_CLI_TRUST_WORKSPACE: 'true',
        },
      },
    );
    return { fake, unknownRoutes, run };
  }

  const assistantText = (run: CliRun) =>
    run.lines
      .filter((line) => line.type === 'message' && line.role === 'assistant')
      .map((line) => line.content)
      .join('');

  it(
    'prints the scripted text',
    async () => {
      const { fake, unknownRoutes, run } = await gemini([{ text: REPLY }], [], 'say hi');
      expect(assistantText(run)).toBe(REPLY);
      expect(run.lines.at(-1)).toMatchObject({
        type: 'result',
        status: 'success',
        stats: { input_tokens: 11, output_tokens: 7, cached: 3 },
      });
      const calls = modelCalls(fake, /:streamGenerateContent$/);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
      expect(calls[0]?.query).toEqual({ alt: 'sse' });
      expect(calls[0]?.headers['x-goog-api-key']).toBe('testkit-dummy-gemini-key');
      expect(unknownRoutes).toEqual([]);
      await checkFixture('gemini-text', run);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs run_shell_command the fake asks for (--yolo), then prints the next reply',
    async () => {
      const { fake, unknownRoutes, run } = await gemini(
        [
          { toolUse: { name: 'run_shell_command', input: { command: 'echo hi', description: 'Print hi' } } },
          { text: AFTER_TOOL },
        ],
        ['--yolo'],
        'run echo hi',
      );
      expect(run.lines.find((line) => line.type === 'tool_use')).toMatchObject({
        tool_name: 'run_shell_command',
        parameters: { command: 'echo hi' },
      });
      expect(run.lines.find((line) => line.type === 'tool_result')).toMatchObject({
        status: 'success',
        output: 'hi',
      });
      expect(assistantText(run)).toBe(AFTER_TOOL);
      const calls = modelCalls(fake, /:streamGenerateContent$/);
      expect(calls).toHaveLength(2);
      const lastContent = bodyOf(calls[1]).contents.at(-1);
      expect(lastContent.parts[0].functionResponse).toMatchObject({ name: 'run_shell_command' });
      expect(JSON.stringify(lastContent)).toContain('Output: hi');
      expect(unknownRoutes).toEqual([]);
      await checkFixture('gemini-tool-use', run);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('OpenCode against the fake Anthropic provider', () => {
  async function opencode(script: FakeProviderOptions['script'], prompt: string) {
    const { fake, unknownRoutes } = await startFake({ kind: 'anthropic', script });
    const { home, workdir } = await sandbox();
    await writeFile(
      join(workdir, 'opencode.json'),
      JSON.stringify({
        $schema: 'https://opencode.ai/config.json',
        model: 'anthropic/claude-sonnet-4-5',
        provider: { anthropic: { options: { baseURL: `${fake.url}/v1` } } },
      }),
    );
    const run = await runCli(binaries.opencode, ['run', '--format', 'json', prompt], {
      cwd: workdir,
      env: {
        HOME: home,
        ANTHROPIC_API_KEY: 'sk-ant-testkit-opencode',
        OPENCODE_DISABLE_AUTOUPDATE: '1',
        OPENCODE_DISABLE_MODELS_FETCH: '1',
        OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      },
    });
    return { fake, unknownRoutes, run };
  }

  /** OpenCode also asks a small model for a session title, with no tools: answer that apart. */
  const isTitleRequest = (request: RecordedRequest) => !((request.body as JsonLine).tools?.length > 0);

  it(
    'prints the scripted text',
    async () => {
      const { fake, unknownRoutes, run } = await opencode([{ text: REPLY }], 'say hi');
      expect(run.lines.find((line) => line.type === 'text')?.part.text).toBe(REPLY);
      expect(run.lines.at(-1)?.part).toMatchObject({
        type: 'step-finish',
        reason: 'stop',
        tokens: { input: 11, output: 7, cache: { read: 3, write: 2 } },
      });
      const calls = modelCalls(fake, '/v1/messages');
      expect(calls.filter((call) => !isTitleRequest(call))).toHaveLength(1);
      for (const call of calls) expect(call.headers['x-api-key']).toBe('sk-ant-testkit-opencode');
      expect(unknownRoutes).toEqual([]);
      await checkFixture('opencode-text', run);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs the bash tool the fake asks for, then prints the next reply',
    async () => {
      const turns = [
        { toolUse: { name: 'bash', input: { command: 'echo hi', description: 'Print hi' } } },
        { text: AFTER_TOOL },
      ];
      let turn = 0;
      const { fake, unknownRoutes, run } = await opencode(
        (request) =>
          isTitleRequest(request)
            ? { text: 'Echo test' }
            : (turns[Math.min(turn++, turns.length - 1)] as FakeReply),
        'run echo hi',
      );
      const tool = run.lines.find((line) => line.type === 'tool_use');
      expect(tool?.part).toMatchObject({ tool: 'bash', state: { status: 'completed', output: 'hi\n' } });
      expect(run.lines.find((line) => line.type === 'text')?.part.text).toBe(AFTER_TOOL);
      const calls = modelCalls(fake, '/v1/messages').filter((call) => !isTitleRequest(call));
      expect(calls).toHaveLength(2);
      const lastMessage = bodyOf(calls[1]).messages.at(-1);
      expect(lastMessage.content[0]).toMatchObject({ type: 'tool_result', content: 'hi\n' });
      expect(unknownRoutes).toEqual([]);
      await checkFixture('opencode-tool-use', run);
    },
    TEST_TIMEOUT_MS,
  );
});
