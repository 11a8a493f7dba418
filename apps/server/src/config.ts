import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import {
  type AgentToolVersions,
  CrewshipError,
  LOG_LEVELS,
  parseAgentToolVersions,
} from '@crewship/contracts';
import { z } from 'zod';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
/** `docker`: crew containers on a Docker engine; `off`: no containers (their routes answer 503). */
export const CONTAINER_RUNTIMES = ['docker', 'off'] as const;
export type ContainerRuntimeKind = (typeof CONTAINER_RUNTIMES)[number];

/** Flags as given on a command line (`crewship start --port 9000`); strings, validated below. */
export interface ServerFlags {
  host?: string | undefined;
  port?: string | undefined;
  dataDir?: string | undefined;
  logLevel?: string | undefined;
}

const intFrom = (minimum: number, maximum: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${minimum} to ${maximum}` })
    .int()
    .min(minimum)
    .max(maximum);
const booleanFrom = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'yes'].includes(v));

/** `a=b,c=d`, each pair matched by `pattern` and turned into an entry; blanks between commas are ignored. */
const pairList = (pattern: RegExp, shape: string, entry: (match: RegExpExecArray) => [string, string]) =>
  z.string().transform((text, context): Record<string, string> => {
    const map: Record<string, string> = {};
    for (const pair of text.split(',').map((part) => part.trim())) {
      if (pair === '') continue;
      const match = pattern.exec(pair);
      if (!match) {
        context.addIssue({ code: 'custom', message: `"${pair}" is not ${shape}` });
        return z.NEVER;
      }
      const [key, value] = entry(match);
      map[key] = value;
    }
    return map;
  });

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((value) => value.replace(/\/+$/, ''));

const configSchema = z.object({
  host: z.string().min(1).max(255),
  port: intFrom(0, 65_535),
  dataDir: z.string().min(1),
  logLevel: z
    .enum(LOG_LEVELS as [string, ...string[]])
    .transform((value) => value as (typeof LOG_LEVELS)[number]),
  authRateLimitPerMinute: intFrom(1, 1_000_000),
  apiRateLimitPerMinute: intFrom(1, 10_000_000),
  bodyLimitBytes: intFrom(1024, 100 * 1024 * 1024),
  trustProxy: booleanFrom,
  sessionTtlHours: intFrom(1, 24 * 365),
  shutdownTimeoutMs: intFrom(0, 600_000),
  containers: z.enum(CONTAINER_RUNTIMES, {
    error: `must be one of ${CONTAINER_RUNTIMES.join(', ')}`,
  }),
  dockerHost: z.string().min(1).optional(),
  idleTtlMinutes: intFrom(1, 7 * 24 * 60),
  statsIntervalMs: intFrom(500, 3_600_000),
  /** `codex=0.170.0,gemini=0.62.0`: exact versions installed instead of the pinned defaults. */
  agentToolVersions: pairList(/^([^=\s]+)=(\S+)$/, 'tool=version', (match) => [
    match[1] ?? '',
    match[2] ?? '',
  ]).transform((versions, context): AgentToolVersions => {
    try {
      return parseAgentToolVersions(versions);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  /** Base URLs of the LLM providers; tests point them at fake providers on 127.0.0.1. */
  upstreams: z.object({
    anthropic: httpUrl,
    openai: httpUrl,
    google: httpUrl,
  }),
  /** `name=ip[:port],…`: where egress to an allowlisted name is dialed instead of resolving it. */
  egressResolve: pairList(
    /^([a-z0-9.-]+)=(\[[0-9a-f:.]+\]|[0-9.]+)(?::(\d{1,5}))?$/i,
    'name=ip[:port]',
    (match) => [(match[1] ?? '').toLowerCase(), match[3] ? `${match[2]}:${match[3]}` : (match[2] ?? '')],
  ),
  journalLlmBodies: booleanFrom,
  /** Gateway socket + sidecar in every Docker crew container. Off by default until issue 4 is finished. */
  sealedPath: booleanFrom,
  /** The sidecar bundle to copy into the tools dir; found next to the server build when not set. */
  sidecarBundle: z.string().min(1).optional(),
  /** The built web console; found next to the server build (`apps/web/dist`) when not set. */
  webDir: z.string().min(1).optional(),
  /** Keeper's LLM judge: an OpenAI-compatible or Ollama chat endpoint. Without a URL Keeper fails closed. */
  keeperJudge: z.object({
    url: httpUrl.optional(),
    kind: z.enum(['openai', 'ollama'], { error: 'must be openai or ollama' }),
    model: z.string().min(1).max(200),
    apiKey: z.string().min(1).optional(),
    timeoutMs: intFrom(100, 600_000),
  }),
  home: z.string().min(1),
  uid: z.number().int(),
});

export type ServerConfig = z.output<typeof configSchema>;

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/**
 * Builds the server configuration once: flags win over environment variables, which win over defaults.
 * `env` is passed in so this file stays the only reader of `process.env` (see `main.ts`).
 */
export function parseServerConfig(flags: ServerFlags, env: Record<string, string | undefined>): ServerConfig {
  const home = env.HOME ?? homedir();
  const rawDataDir = flags.dataDir ?? env.CREWSHIP_DATA_DIR ?? join(home, '.crewship');
  const dataDir = rawDataDir.startsWith('~/') ? join(home, rawDataDir.slice(2)) : rawDataDir;
  const parsed = configSchema.safeParse({
    host: flags.host ?? env.CREWSHIP_HOST ?? DEFAULT_HOST,
    port: flags.port ?? env.CREWSHIP_PORT ?? DEFAULT_PORT,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    logLevel: flags.logLevel ?? env.CREWSHIP_LOG_LEVEL ?? 'info',
    authRateLimitPerMinute: env.CREWSHIP_RATE_LIMIT_AUTH ?? 10,
    apiRateLimitPerMinute: env.CREWSHIP_RATE_LIMIT_API ?? 120,
    bodyLimitBytes: env.CREWSHIP_BODY_LIMIT_BYTES ?? 1024 * 1024,
    trustProxy: env.CREWSHIP_TRUST_PROXY ?? 'false',
    sessionTtlHours: env.CREWSHIP_SESSION_TTL_HOURS ?? 24 * 7,
    shutdownTimeoutMs: env.CREWSHIP_SHUTDOWN_TIMEOUT_MS ?? 10_000,
    containers: env.CREWSHIP_CONTAINERS ?? 'docker',
    dockerHost: nonEmpty(env.CREWSHIP_DOCKER_HOST) ?? nonEmpty(env.DOCKER_HOST),
    idleTtlMinutes: env.CREWSHIP_IDLE_TTL_MINUTES ?? 30,
    statsIntervalMs: env.CREWSHIP_STATS_INTERVAL_MS ?? 5000,
    agentToolVersions: env.CREWSHIP_AGENT_TOOL_VERSIONS ?? '',
    upstreams: {
      anthropic: nonEmpty(env.CREWSHIP_UPSTREAM_ANTHROPIC) ?? 'https://api.anthropic.com',
      openai: nonEmpty(env.CREWSHIP_UPSTREAM_OPENAI) ?? 'https://api.openai.com',
      google: nonEmpty(env.CREWSHIP_UPSTREAM_GOOGLE) ?? 'https://generativelanguage.googleapis.com',
    },
    egressResolve: env.CREWSHIP_EGRESS_RESOLVE ?? '',
    journalLlmBodies: env.CREWSHIP_JOURNAL_LLM_BODIES ?? 'false',
    sealedPath: env.CREWSHIP_SEALED_PATH ?? 'true',
    sidecarBundle: nonEmpty(env.CREWSHIP_SIDECAR_BUNDLE),
    webDir: nonEmpty(env.CREWSHIP_WEB_DIR),
    keeperJudge: {
      url: nonEmpty(env.CREWSHIP_KEEPER_JUDGE_URL),
      kind: nonEmpty(env.CREWSHIP_KEEPER_JUDGE_KIND) ?? 'openai',
      model: nonEmpty(env.CREWSHIP_KEEPER_JUDGE_MODEL) ?? 'llama3.1',
      apiKey: nonEmpty(env.CREWSHIP_KEEPER_JUDGE_API_KEY),
      timeoutMs: env.CREWSHIP_KEEPER_JUDGE_TIMEOUT_MS ?? 20_000,
    },
    home,
    uid: process.getuid?.() ?? 0,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new CrewshipError('invalid_input', `invalid server configuration: ${problems}`);
  }
  return parsed.data;
}
