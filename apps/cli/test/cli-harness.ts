import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeAgentToolsInstaller } from '@crewship/agent-tools/testing';
import { silentLogger } from '@crewship/contracts';
import type { StartServerOptions } from '@crewship/server';

export const CLI = fileURLToPath(new URL('../dist/crewship.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TestServer {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

const temporaryDirectories: string[] = [];

export function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), `crewship-cli-${prefix}-`));
  temporaryDirectories.push(directory);
  return directory;
}

export function removeTemporaryDirectories(): void {
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/**
 * A real crewshipd in this process, on a free port, with a fresh data directory. Crew containers are
 * off and agent tools come from the fake installer unless `options` injects others.
 */
export async function startTestServer(
  options: StartServerOptions & { env?: Record<string, string>; dataDir?: string } = {},
): Promise<TestServer> {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build the CLI first (pnpm build, or cd apps/cli && npx tsup)`);
  const { parseServerConfig, startServer } = await import('@crewship/server');
  const dataDir = options.dataDir ?? temporaryDirectory('data');
  const config = parseServerConfig(
    { host: '127.0.0.1', port: '0', dataDir },
    {
      CREWSHIP_RATE_LIMIT_AUTH: '1000',
      CREWSHIP_RATE_LIMIT_API: '100000',
      CREWSHIP_CONTAINERS: 'off',
      ...options.env,
    },
  );
  const { env: _env, dataDir: _dataDir, ...overrides } = options;
  const running = await startServer(config, {
    logger: silentLogger,
    agentTools: createFakeAgentToolsInstaller(),
    ...overrides,
  });
  return { url: running.url, dataDir, close: () => running.close() };
}

export interface CliUser {
  /** `$CREWSHIP_HOME` of this user: where cli.json lives. */
  home: string;
  run(
    args: readonly string[],
    options?: { input?: string; env?: Record<string, string> },
  ): Promise<CliResult>;
  /**
   * Starts the CLI and calls `onOutput` with everything written so far on each write, e.g. to send a
   * signal once a line shows up.
   */
  runInteractive(
    args: readonly string[],
    onOutput: (output: { stdout: string; stderr: string }, child: ChildProcess) => void,
  ): Promise<CliResult>;
}

/** One person at one terminal: the built CLI run as a subprocess with its own CREWSHIP_HOME. */
export function cliUser(server: string | undefined, name = 'user'): CliUser {
  const home = temporaryDirectory(name);
  const crewshipHome = join(home, '.crewship');
  return {
    home: crewshipHome,
    run(args, options = {}) {
      return runCli(args, environment(options.env), options.input ?? '', () => {});
    },
    runInteractive(args, onOutput) {
      return runCli(args, environment(), '', onOutput);
    },
  };

  function environment(extra: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      CREWSHIP_HOME: crewshipHome,
      ...(server ? { CREWSHIP_SERVER: server } : {}),
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      ...extra,
    };
  }
}

function runCli(
  args: readonly string[],
  env: Record<string, string>,
  input: string,
  onOutput: (output: { stdout: string; stderr: string }, child: ChildProcess) => void,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const output = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output.stdout += chunk;
      onOutput(output, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output.stderr += chunk;
      onOutput(output, child);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, ...output }));
    child.stdin.end(input);
  });
}

export const OWNER = { email: 'ada@example.com', password: 'correct horse battery staple' };

/** Runs `crewship init` for the Owner and fails the test when it does not succeed. */
export async function initOwner(user: CliUser): Promise<void> {
  const result = await user.run(['init', '--email', OWNER.email, '--password-stdin', '--name', 'Ada'], {
    input: `${OWNER.password}\n`,
  });
  if (result.code !== 0) throw new Error(`crewship init failed (${result.code}): ${result.stderr}`);
}

export function parseJson<T = Record<string, unknown>>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`command failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Writes a cli.json by hand, as if `crewship login` had saved it. */
export function saveLogin(
  user: CliUser,
  state: { server: string; token: string; token_id: string; email: string },
) {
  mkdirSync(user.home, { recursive: true, mode: 0o700 });
  writeFileSync(join(user.home, 'cli.json'), JSON.stringify({ ...state, workspace: null }), { mode: 0o600 });
}
