import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@crewship/contracts';
import { parseServerConfig, type RunningServer, startServer } from '@crewship/server';
import {
  createFakeProvider,
  type FakeProvider,
  type FakeReply,
  type RecordedRequest,
} from '@crewship/testkit';
import { request } from '../../server/test/harness.js';

/** The phrase that makes the fake model call a tool the console's approval rule holds. */
export const APPROVAL_PHRASE = 'approve-me';
export const STREAMED_ANSWER =
  'Hello from the crew container. I read the repository, the build is green and the tests pass.';
export const TOOL_DONE_ANSWER = 'The command ran and approved.txt is written.';

export interface ConsoleStack {
  url: string;
  dataDir: string;
  provider: FakeProvider;
  server: RunningServer;
  stop(): Promise<void>;
}

interface AnthropicBody {
  tools?: unknown[];
  messages?: { role: string; content: unknown }[];
}

/**
 * Claude Code's conversation turns: the first answer to a prompt containing the approval phrase is a
 * Bash tool call; after its result, or for any other prompt, a text answer streamed in small deltas.
 */
export function consoleScript(request: RecordedRequest): FakeReply {
  const body = request.body as AnthropicBody | undefined;
  if (!body?.tools || body.tools.length === 0) return { text: 'ok' };
  const lastUser = body.messages?.findLast((message) => message.role === 'user');
  const last = JSON.stringify(lastUser?.content ?? '');
  if (last.includes('tool_result')) return { text: TOOL_DONE_ANSWER };
  if (last.includes(APPROVAL_PHRASE)) {
    return {
      toolUse: {
        name: 'Bash',
        input: { command: `echo ${APPROVAL_PHRASE} > approved.txt`, description: 'Write approved.txt' },
      },
    };
  }
  return { text: STREAMED_ANSWER, delayMs: 300 };
}

/**
 * A real server (Docker crew containers, sealed path, npm-installed agent CLIs) with a fake Anthropic
 * provider and the built console; used by the Playwright test and by `dev-stack.ts`.
 */
export async function startConsoleStack(
  options: { port?: number; dataDir?: string; webDir?: string; quiet?: boolean } = {},
): Promise<ConsoleStack> {
  const provider = await createFakeProvider({ kind: 'anthropic', script: consoleScript });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'crewship-web-'));
  mkdirSync(dataDir, { recursive: true });
  const config = parseServerConfig(
    { port: String(options.port ?? 0), dataDir, logLevel: 'warn' },
    {
      HOME: process.env.HOME,
      CREWSHIP_RATE_LIMIT_AUTH: '100000',
      CREWSHIP_RATE_LIMIT_API: '10000000',
      CREWSHIP_CONTAINERS: 'docker',
      CREWSHIP_SEALED_PATH: 'true',
      CREWSHIP_STATS_INTERVAL_MS: '1000',
      CREWSHIP_UPSTREAM_ANTHROPIC: provider.url,
      ...(options.webDir ? { CREWSHIP_WEB_DIR: options.webDir } : {}),
    },
  );
  const server = await startServer(config, options.quiet === false ? {} : { logger: silentLogger });
  return {
    url: server.url,
    dataDir,
    provider,
    server,
    async stop() {
      await server.close();
      await provider.close();
    },
  };
}

export const OWNER = { email: 'owner@example.com', password: 'correct horse battery staple' };

/** A JSON call with a CLI bearer token; throws with the server's answer on a non-2xx status. */
export async function apiCall<T = Record<string, unknown>>(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await request(url, method, path, { token, ...(body === undefined ? {} : { body }) });
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  }
  return (response.json ?? {}) as T;
}

export async function tokenFor(url: string, email: string, password: string): Promise<string> {
  return (await apiCall<{ token: string }>(url, undefined, 'POST', '/api/v1/auth/token', { email, password }))
    .token;
}

/** Puts a sync rule for Bash calls naming the approval phrase in front of the workspace's rules. */
export async function requireApprovalForPhrase(url: string, token: string): Promise<void> {
  const current = await apiCall<{ rules: unknown[] }>(url, token, 'GET', '/api/v1/approvals/rules');
  await apiCall(url, token, 'PUT', '/api/v1/approvals/rules', {
    rules: [
      {
        name: 'console-test',
        on: 'tool_use',
        tool: 'Bash',
        input: `*${APPROVAL_PHRASE}*`,
        mode: 'sync',
        timeout_seconds: 600,
      },
      ...current.rules.filter((rule) => (rule as { name?: string }).name !== 'console-test'),
    ],
  });
}
