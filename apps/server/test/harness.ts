import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeAgentToolsInstaller } from '@crewship/agent-tools/testing';
import { detectDockerEngine } from '@crewship/container-runtime';
import { type ContainerRuntime, type LogLevel, silentLogger } from '@crewship/contracts';
import { createDockerRuntimeAdapter } from '../src/adapters/docker-runtime-adapter.js';
import { parseServerConfig } from '../src/config.js';
import { type RunningServer, type StartServerOptions, startServer } from '../src/start-server.js';

export const PASSWORD = 'correct horse battery staple';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  json: any;
}

export interface RequestOptions {
  token?: string | undefined;
  workspace?: string | undefined;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestServer {
  server: RunningServer;
  url: string;
  dataDir: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Stops the server; the data dir is kept unless `removeData` is set. */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'crewship-test-'));
}

export async function request(url: string, method: string, path: string, options: RequestOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.workspace) headers['x-crewship-workspace'] = options.workspace;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json } as TestResponse;
}

/**
 * A real crewshipd on a random loopback port with a temp data dir. Rate limits are raised, crew
 * containers are off and agent tools come from the fake installer unless given;
 * `options.containerRuntime` injects a runtime (the fake one).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  dataDir = makeDataDir(),
  { logLevel = 'error', ...options }: StartServerOptions & { logLevel?: LogLevel } = {},
): Promise<TestServer> {
  const config = parseServerConfig(
    { port: '0', dataDir, logLevel },
    {
      CREWSHIP_RATE_LIMIT_AUTH: '100000',
      CREWSHIP_RATE_LIMIT_API: '10000000',
      CREWSHIP_CONTAINERS: 'off',
      ...env,
    },
  );
  const server = await startServer(config, {
    ...(options.logWrite ? {} : { logger: silentLogger }),
    agentTools: createFakeAgentToolsInstaller(),
    ...options,
  });
  let stopped = false;
  const stop = async () => {
    if (!stopped) await server.close();
    stopped = true;
  };
  return {
    server,
    url: server.url,
    dataDir,
    request: (method, path, options) => request(server.url, method, path, options),
    stop,
    async cleanup() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: NDJSON events are read loosely
export type StreamEvent = any;

/**
 * POSTs `body` and reads the NDJSON answer line by line as it arrives; `onEvent` may abort the request.
 * A non-2xx answer gives its problem JSON as the one event.
 */
export async function postNdjson(
  server: TestServer,
  token: string,
  path: string,
  body: unknown,
  onEvent?: (event: StreamEvent, abort: () => void) => void,
): Promise<{ status: number; events: StreamEvent[]; contentType: string | null }> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  if (!response.ok || !response.body) {
    return { status: response.status, events: [await response.json()], contentType: null };
  }
  const events: StreamEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const event = JSON.parse(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        events.push(event);
        onEvent?.(event, () => controller.abort());
        newline = buffer.indexOf('\n');
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return { status: response.status, events, contentType: response.headers.get('content-type') };
}

/** Bootstraps the owner and returns their CLI token and workspace. */
export async function bootstrapOwner(server: TestServer, email = 'owner@example.com') {
  const boot = await server.request('POST', '/api/v1/bootstrap', { body: { email, password: PASSWORD } });
  if (boot.status !== 201) throw new Error(`bootstrap failed: ${boot.status} ${boot.text}`);
  const token = await cliToken(server, email);
  return { token, workspace: boot.json.workspace as { id: string; slug: string }, user: boot.json.user };
}

export async function cliToken(server: TestServer, email: string, password = PASSWORD): Promise<string> {
  const response = await server.request('POST', '/api/v1/auth/token', {
    body: { email, password, name: 'test' },
  });
  if (response.status !== 201)
    throw new Error(`token for ${email} failed: ${response.status} ${response.text}`);
  return response.json.token as string;
}

/**
 * Whether tests that need the real Docker engine run: when one answers, and always in CI, where a
 * missing engine must fail them rather than skip them.
 */
export async function dockerTestsRun(): Promise<boolean> {
  if (process.env.CI === 'true') return true;
  const engine = await detectTestDockerEngine().catch(() => null);
  return engine !== null;
}

/** The Docker engine of tests and benches: DOCKER_HOST, else the usual sockets; rejects when none answers. */
export const detectTestDockerEngine = () =>
  detectDockerEngine({ dockerHost: process.env.DOCKER_HOST, home: homedir(), uid: process.getuid?.() ?? 0 });

/** The real Docker runtime, built by the server's own adapter, on `socket`, with its files under `dataDir`. */
export async function createTestDockerRuntime(
  socket: string,
  dataDir: string,
): Promise<ContainerRuntime & { close?(): Promise<void> }> {
  return createDockerRuntimeAdapter({
    socket,
    dataDir,
    toolsDir: join(dataDir, 'tools'),
    home: homedir(),
    uid: process.getuid?.() ?? 0,
    idleTtlMs: 30 * 60_000,
    logger: silentLogger,
  });
}
