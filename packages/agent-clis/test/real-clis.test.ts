import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AgentEvent,
  type AgentInvocation,
  type CliAdapter,
  type Logger,
  PROMPT_STDIN_THRESHOLD_BYTES,
  type ToolProfile,
} from '@crewship/contracts';
import {
  createFakeProvider,
  type FakeProvider,
  type FakeProviderKind,
  type FakeReply,
  type RecordedRequest,
} from '@crewship/testkit';
import { type AgentCliName, resolveAgentClis } from '@crewship/testkit/agent-cli-binaries';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentCliAdapter } from '../src/index.js';
import {
  createBinDir,
  createHostSandbox,
  type HostRun,
  type HostSandbox,
  invocationOnHost,
  runOnHost,
  writeInvocationFiles,
} from './host-run.js';

/**
 * Runs Claude Code, Codex, Gemini CLI and OpenCode (pinned, from npm) exactly as `buildInvocation`
 * says, against the fake providers. `CREWSHIP_RECORD_FIXTURES=1` rewrites fixtures/<cli>-<case>.jsonl
 * from the live output (its temp dir shown as /sandbox); otherwise the live run must parse to the
 * fixture's sequence of event types.
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const RECORD_FIXTURES = process.env.CREWSHIP_RECORD_FIXTURES === '1';
const CLI_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 180_000;
const SLUG = 'ada';
const REPLY = 'Hello from the fake provider';
const AFTER_TOOL = 'I wrote the file.';
const FILE_CONTENT = 'hi from the agent\n';
/** Quotes, backslashes, a tab, newlines and non-ASCII: what breaks a careless TOML or shell encoding. */
const SYSTEM_PROMPT =
  'You are Ada, the crew\'s "tester".\nUse C:\\paths\\ and\ttabs.\nCafé ✓ — end of rules.';

interface CliCase {
  cli: AgentCliName;
  adapter: CliAdapter;
  provider: FakeProviderKind;
  model: string | null;
  /** The model id the provider should see. */
  expectedModel: string;
  /** The tool call that writes `path` (a host path) with FILE_CONTENT. */
  writeTool(path: string): FakeReply;
  /** The model calls of one run (OpenCode and Gemini may make others). */
  modelCalls(fake: FakeProvider): RecordedRequest[];
  /** Where the provider request carries the system prompt. */
  systemText(body: Record<string, unknown>): string;
}

// biome-ignore lint/suspicious/noExplicitAny: request bodies are asserted loosely.
type Body = Record<string, any>;
const bodyOf = (request: RecordedRequest | undefined): Body => (request?.body ?? {}) as Body;
const texts = (value: unknown): string => JSON.stringify(value ?? null);

const CASES: CliCase[] = [
  {
    cli: 'claude',
    adapter: 'CLAUDE_CODE',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    expectedModel: 'claude-sonnet-4-5',
    writeTool: (path) => ({ toolUse: { name: 'Write', input: { file_path: path, content: FILE_CONTENT } } }),
    modelCalls: (fake) => fake.requests.filter((request) => request.path === '/v1/messages'),
    systemText: (body: Body) => (body.system ?? []).map((block: Body) => block.text).join('\n'),
  },
  {
    cli: 'codex',
    adapter: 'CODEX_CLI',
    provider: 'openai',
    model: 'gpt-5.5',
    expectedModel: 'gpt-5.5',
    writeTool: (path) => ({
      toolUse: { name: 'exec_command', input: { cmd: `printf 'hi from the agent\\n' > '${path}'` } },
    }),
    modelCalls: (fake) => fake.requests.filter((request) => request.path === '/v1/responses'),
    systemText: (body: Body) =>
      (body.input ?? [])
        .filter((item: Body) => item.role === 'developer')
        .flatMap((item: Body) => item.content.map((part: Body) => part.text))
        .join('\n'),
  },
  {
    cli: 'gemini',
    adapter: 'GEMINI_CLI',
    provider: 'gemini',
    model: null,
    expectedModel: 'gemini-2.5-flash',
    writeTool: (path) => ({
      toolUse: { name: 'write_file', input: { file_path: path, content: FILE_CONTENT } },
    }),
    modelCalls: (fake) => fake.requests.filter((request) => request.path.endsWith(':streamGenerateContent')),
    systemText: (body: Body) =>
      (body.systemInstruction?.parts ?? []).map((part: Body) => part.text).join('\n'),
  },
  {
    cli: 'opencode',
    adapter: 'OPENCODE',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    expectedModel: 'claude-sonnet-4-5',
    writeTool: (path) => ({ toolUse: { name: 'write', input: { filePath: path, content: FILE_CONTENT } } }),
    modelCalls: (fake) => fake.requests.filter((request) => request.path === '/v1/messages'),
    systemText: (body: Body) => (body.system ?? []).map((block: Body) => block.text).join('\n'),
  },
];

let binDir: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  binDir = await createBinDir(await resolveAgentClis());
}, 900_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await rm(binDir, { recursive: true, force: true });
});

interface LiveRun {
  fake: FakeProvider;
  sandbox: HostSandbox;
  invocation: AgentInvocation;
  run: HostRun;
  unknownRoutes: string[];
}

async function runLive(
  testCase: CliCase,
  options: {
    script: (sandbox: HostSandbox) => FakeReply[];
    prompt: string;
    toolProfile: ToolProfile;
    mcpConfigPath?: string;
    prepare?: (sandbox: HostSandbox) => Promise<void>;
  },
): Promise<LiveRun> {
  const sandbox = await createHostSandbox(SLUG);
  cleanups.push(sandbox.cleanup);
  await options.prepare?.(sandbox);
  const unknownRoutes: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn(_message, fields) {
      unknownRoutes.push(`${fields?.method} ${fields?.path}`);
    },
    error() {},
    child: () => logger,
  };
  const fake = await createFakeProvider({ kind: testCase.provider, script: options.script(sandbox), logger });
  cleanups.push(() => fake.close());
  const adapter = agentCliAdapter(testCase.adapter);
  const invocation = adapter.buildInvocation({
    agentSlug: SLUG,
    model: testCase.model,
    toolProfile: options.toolProfile,
    systemPrompt: SYSTEM_PROMPT,
    prompt: options.prompt,
    mcpConfigPath: options.mcpConfigPath ?? null,
  });
  const onHost = invocationOnHost(invocation, sandbox, fake.url);
  await writeInvocationFiles(onHost);
  const run = await runOnHost(onHost, {
    parser: adapter.createParser(),
    pathDirs: [binDir],
    home: sandbox.home,
    timeoutMs: CLI_TIMEOUT_MS,
  });
  return { fake, sandbox, invocation, run, unknownRoutes };
}

/** Records the fixture, or checks that the live run parses to the fixture's sequence of event types. */
async function checkFixture(testCase: CliCase, name: string, live: LiveRun, exitCode: number) {
  const path = join(FIXTURES, `${testCase.cli}-${name}.jsonl`);
  if (RECORD_FIXTURES) {
    await mkdir(FIXTURES, { recursive: true });
    // The sandbox's temp path varies per run: fixtures say /sandbox instead.
    await writeFile(path, live.run.stdout.replaceAll(live.sandbox.root, '/sandbox'));
    return;
  }
  const parser = agentCliAdapter(testCase.adapter).createParser();
  const recorded: AgentEvent[] = [];
  for (const line of (await readFile(path, 'utf8')).split('\n'))
    recorded.push(...parser.push(line, 'stdout'));
  recorded.push(...parser.end({ exitCode, durationMs: 1 }));
  expect(live.run.events.map((event) => event.type)).toEqual(recorded.map((event) => event.type));
}

function failure(live: LiveRun): string {
  return `exit ${live.run.exitCode}\nstderr:\n${live.run.stderr}\nstdout:\n${live.run.stdout}`;
}

function resultOf(live: LiveRun) {
  const results = live.run.events.filter((event) => event.type === 'result');
  expect(results, failure(live)).toHaveLength(1);
  return results[0] as Extract<AgentEvent, { type: 'result' }>;
}

describe.each(CASES)('$cli, as buildInvocation runs it', (testCase) => {
  it(
    'answers with the scripted text and delivers the system prompt',
    async () => {
      const live = await runLive(testCase, {
        script: () => [{ text: REPLY }],
        prompt: 'say hi',
        toolProfile: 'CODING',
      });
      expect(live.run.exitCode, failure(live)).toBe(0);
      const textEvents = live.run.events.filter((event) => event.type === 'text');
      expect(textEvents.map((event) => event.text)).toEqual([REPLY]);
      expect(resultOf(live)).toMatchObject({ ok: true, text: REPLY });
      const calls = testCase.modelCalls(live.fake);
      expect(calls).toHaveLength(1);
      expect(testCase.systemText(bodyOf(calls[0]))).toContain(SYSTEM_PROMPT);
      expect(texts(bodyOf(calls[0]).model ?? calls[0]?.path)).toContain(testCase.expectedModel);
      // Verbatim: not quoted the way `opencode run` quotes a message argument with spaces.
      expect(texts(bodyOf(calls[0]))).toContain('say hi');
      expect(texts(bodyOf(calls[0]))).not.toContain('\\"say hi\\"');
      expect(live.unknownRoutes).toEqual([]);
      await checkFixture(testCase, 'text', live, 0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'writes a file with the tool the fake asks for (CODING), then answers',
    async () => {
      const target = (sandbox: HostSandbox) => sandbox.hostPath('/workspace/hello.txt');
      const live = await runLive(testCase, {
        script: (sandbox) => [testCase.writeTool(target(sandbox)), { text: AFTER_TOOL }],
        prompt: 'write hello.txt',
        toolProfile: 'CODING',
      });
      expect(live.run.exitCode, failure(live)).toBe(0);
      expect(await readFile(target(live.sandbox), 'utf8')).toBe(FILE_CONTENT);
      const toolUse = live.run.events.find((event) => event.type === 'tool_use');
      const toolResult = live.run.events.find((event) => event.type === 'tool_result');
      expect(toolUse, failure(live)).toBeDefined();
      expect(toolResult).toMatchObject({
        tool_use_id: toolUse?.type === 'tool_use' ? toolUse.id : '',
        is_error: false,
      });
      expect(resultOf(live)).toMatchObject({ ok: true, text: AFTER_TOOL });
      expect(testCase.modelCalls(live.fake)).toHaveLength(2);
      await checkFixture(testCase, 'tool-use', live, 0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'cannot write the file under the MINIMAL profile',
    async () => {
      const target = (sandbox: HostSandbox) => sandbox.hostPath('/workspace/hello.txt');
      const live = await runLive(testCase, {
        script: (sandbox) => [testCase.writeTool(target(sandbox)), { text: AFTER_TOOL }],
        prompt: 'write hello.txt',
        toolProfile: 'MINIMAL',
      });
      expect(live.run.exitCode, failure(live)).toBe(0);
      await expect(readFile(target(live.sandbox), 'utf8')).rejects.toThrow();
      expect(resultOf(live)).toMatchObject({ ok: true, text: AFTER_TOOL });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    `sends a prompt over ${PROMPT_STDIN_THRESHOLD_BYTES / 1024} KiB through stdin`,
    async () => {
      const prompt = `BIG-PROMPT-START ${'x'.repeat(PROMPT_STDIN_THRESHOLD_BYTES)} BIG-PROMPT-END`;
      const live = await runLive(testCase, {
        script: () => [{ text: REPLY }],
        prompt,
        toolProfile: 'CODING',
      });
      expect(live.run.exitCode, failure(live)).toBe(0);
      expect(live.invocation.stdin).toBe(prompt);
      expect(live.invocation.cmd.some((arg) => arg.includes('BIG-PROMPT'))).toBe(false);
      const calls = testCase.modelCalls(live.fake);
      expect(calls).toHaveLength(1);
      const sent = texts(bodyOf(calls[0]));
      expect(sent).toContain(`BIG-PROMPT-START ${'x'.repeat(1000)}`);
      expect(sent).toContain(`${'x'.repeat(1000)} BIG-PROMPT-END`);
      expect(resultOf(live)).toMatchObject({ ok: true, text: REPLY });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reports a provider error as an error and a failed result',
    async () => {
      const live = await runLive(testCase, {
        script: () => [{ error: { status: 400, message: 'Fake provider: the request is invalid' } }],
        prompt: 'say hi',
        toolProfile: 'CODING',
      });
      expect(live.run.events.some((event) => event.type === 'error')).toBe(true);
      expect(resultOf(live).ok).toBe(false);
      await checkFixture(testCase, 'error', live, live.run.exitCode);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('Claude Code with an MCP config', () => {
  it(
    'offers the MCP server tools even with the MINIMAL built-ins, and runs them unprompted',
    async () => {
      const claude = CASES.find((testCase) => testCase.cli === 'claude') as CliCase;
      // Not the cwd's .mcp.json, which Claude Code would discover by itself.
      const mcpConfigPath = `/crew/agents/${SLUG}/.crewship/mcp-config.json`;
      const live = await runLive(claude, {
        // The server writes the MCP config into the agent dir; here the test does.
        prepare: async (sandbox) => {
          const server = join(dirname(fileURLToPath(import.meta.url)), 'mcp-probe-server.mjs');
          const config = { mcpServers: { probe: { command: process.execPath, args: [server] } } };
          await mkdir(dirname(sandbox.hostPath(mcpConfigPath)), { recursive: true });
          await writeFile(sandbox.hostPath(mcpConfigPath), JSON.stringify(config));
        },
        script: () => [{ toolUse: { name: 'mcp__probe__ping', input: {} } }, { text: AFTER_TOOL }],
        prompt: 'ping the probe',
        toolProfile: 'MINIMAL',
        mcpConfigPath,
      });
      expect(live.run.exitCode, failure(live)).toBe(0);
      expect(live.run.events.find((event) => event.type === 'tool_result')).toMatchObject({
        output: 'pong',
        is_error: false,
      });
      expect(resultOf(live)).toMatchObject({ ok: true, text: AFTER_TOOL });
    },
    TEST_TIMEOUT_MS,
  );
});
