import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { CrewshipError } from '@crewship/contracts';
import { z } from 'zod';

/** Everything the CLI takes from its environment, read once at start-up. */
export interface CliConfig {
  /** The user's home directory. */
  home: string;
  /** Where `cli.json` (the login state) lives: `CREWSHIP_HOME`, default `~/.crewship`. */
  crewshipHome: string;
  /** The server's data directory as the server would pick it: `CREWSHIP_DATA_DIR`, default `~/.crewship`. */
  dataDir: string;
  /** `CREWSHIP_SERVER`, used when neither `--server` nor a saved login names a server. */
  server: string | undefined;
  /** `CREWSHIP_WORKSPACE`, used when `--workspace` is not given. */
  workspace: string | undefined;
  /** `DOCKER_HOST`, for `crewship doctor`. */
  dockerHost: string | undefined;
  uid: number;
  /** The whole environment, handed to the server's own configuration parser by `crewship start`. */
  serverEnvironment: Readonly<Record<string, string | undefined>>;
}

const optional = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const environmentSchema = z.object({
  HOME: optional,
  CREWSHIP_HOME: optional,
  CREWSHIP_DATA_DIR: optional,
  CREWSHIP_SERVER: optional.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  CREWSHIP_WORKSPACE: optional,
  DOCKER_HOST: optional,
});

function expandPath(path: string, home: string): string {
  const expanded = path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}

/** Reads the environment: the only place in the CLI that touches `process.env`. */
export function loadCliConfig(environment: NodeJS.ProcessEnv = process.env): CliConfig {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new CrewshipError('invalid_input', `invalid environment: ${problems}`);
  }
  const env = parsed.data;
  const home = env.HOME ?? homedir();
  return {
    home,
    crewshipHome: expandPath(env.CREWSHIP_HOME ?? '~/.crewship', home),
    dataDir: expandPath(env.CREWSHIP_DATA_DIR ?? '~/.crewship', home),
    server: env.CREWSHIP_SERVER,
    workspace: env.CREWSHIP_WORKSPACE,
    dockerHost: env.DOCKER_HOST,
    uid: process.getuid?.() ?? 0,
    serverEnvironment: { ...environment },
  };
}
