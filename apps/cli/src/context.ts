import { CrewshipError } from '@crewship/contracts';
import { type CrewshipClient, createCrewshipClient } from '@crewship/sdk';
import type { Command } from 'commander';
import type { CliConfig } from './config.js';
import { createLoginStore, type LoginState, type LoginStore } from './login-state.js';
import { createOutput, type Output } from './output.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** The process around the CLI; swapped in tests of the program. */
export interface CliIo {
  stdout(text: string | Uint8Array): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  /** Calls `listener` on Ctrl-C (SIGINT) instead of exiting; returns the function that unregisters it. */
  onInterrupt?(listener: () => void): () => void;
}

/** What every command receives. */
export interface CliContext {
  config: CliConfig;
  io: CliIo;
  out: Output;
  login: LoginStore;
}

export interface GlobalOptions {
  server?: string;
  workspace?: string;
  json?: boolean;
}

export interface SignedIn {
  api: CrewshipClient;
  server: string;
  state: LoginState;
  /** The workspace sent with requests: `--workspace`, `CREWSHIP_WORKSPACE`, `workspace use`, or none. */
  workspace: string | undefined;
}

export function createCliContext(config: CliConfig, io: CliIo): CliContext {
  return { config, io, out: createOutput(io.stdout), login: createLoginStore(config.crewshipHome) };
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function wantsJson(command: Command): boolean {
  return globalOptions(command).json === true;
}

function normalizeServer(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CrewshipError(
      'invalid_input',
      `${source} must be an http(s) URL such as ${DEFAULT_SERVER}, not "${url}"`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CrewshipError(
      'invalid_input',
      `${source} must be an http(s) URL such as ${DEFAULT_SERVER}, not "${url}"`,
    );
  }
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}

/** `--server`, else the saved login's server, else `CREWSHIP_SERVER`, else the local default. */
export function serverUrl(context: CliContext, command: Command, state = context.login.read()): string {
  const flag = globalOptions(command).server;
  if (flag !== undefined) return normalizeServer(flag, '--server');
  if (state) return normalizeServer(state.server, context.login.file);
  if (context.config.server) return normalizeServer(context.config.server, 'CREWSHIP_SERVER');
  return DEFAULT_SERVER;
}

/** A client without credentials, for bootstrap and login. */
export function anonymousClient(
  context: CliContext,
  command: Command,
): { api: CrewshipClient; server: string } {
  const server = serverUrl(context, command);
  return { api: createCrewshipClient({ baseUrl: server }), server };
}

const LOGIN_HINT =
  'run `crewship login --email you@example.com --password-stdin`, or `crewship init` to set up a new server';

/** A client with the saved CLI token; throws `unauthenticated` when there is no login for the server. */
export function signedInClient(context: CliContext, command: Command): SignedIn {
  const state = context.login.read();
  if (!state) throw new CrewshipError('unauthenticated', `not logged in; ${LOGIN_HINT}`);
  const server = serverUrl(context, command, state);
  if (server !== normalizeServer(state.server, context.login.file)) {
    // The saved token belongs to another server and is never sent elsewhere.
    throw new CrewshipError(
      'unauthenticated',
      `not logged in to ${server} (the saved login is for ${state.server}); run \`crewship --server ${server} login --email you@example.com --password-stdin\``,
    );
  }
  const workspace =
    globalOptions(command).workspace ?? context.config.workspace ?? state.workspace ?? undefined;
  return {
    api: createCrewshipClient({ baseUrl: server, token: state.token, workspace }),
    server,
    state,
    workspace,
  };
}

/** The password piped on stdin, without one trailing newline. */
export async function readPassword(context: CliContext, passwordStdin: boolean | undefined, usage: string) {
  const example = `printf '%s\\n' "$PASSWORD" | ${usage} --password-stdin`;
  if (!passwordStdin) {
    throw new CrewshipError('invalid_input', `the password is read from stdin only: ${example}`);
  }
  const password = (await context.io.readStdin()).replace(/\r?\n$/, '');
  if (password.length === 0) throw new CrewshipError('invalid_input', `no password on stdin: ${example}`);
  return password;
}
