import { z } from 'zod';
import { agentToolNameSchema, agentToolSchema } from './agent-tools.js';
import { slugSchema, timestampSchema } from './common.js';

export const CONTAINER_STATES = ['running', 'stopped', 'missing'] as const;

export const containerStatsSchema = z.object({
  at: timestampSchema,
  cpu_percent: z.number(),
  memory_bytes: z.number(),
  memory_limit_bytes: z.number(),
  network_rx_bytes: z.number(),
  network_tx_bytes: z.number(),
  pids: z.number(),
});
export type ContainerStatsDto = z.infer<typeof containerStatsSchema>;

export const containerStatusSchema = z.object({
  crew_id: z.string(),
  state: z.enum(CONTAINER_STATES),
  container: z
    .object({ id: z.string(), name: z.string(), image: z.string(), config_hash: z.string() })
    .nullable(),
  last_activity_at: timestampSchema.nullable(),
  stats: containerStatsSchema.nullable(),
});
export type ContainerStatusDto = z.infer<typeof containerStatusSchema>;

export const EXEC_MAX_ARGS = 256;
export const EXEC_MAX_ARG_BYTES = 64 * 1024;
export const EXEC_MAX_STDIN_BYTES = 1024 * 1024;
export const EXEC_MAX_TIMEOUT_MS = 86_400_000;
export const EXEC_USERS = ['agent', 'root'] as const;
export type ExecUser = (typeof EXEC_USERS)[number];

const utf8Bytes = (value: string) => new TextEncoder().encode(value).byteLength;
const withoutNul = (what: string) =>
  z.string().refine((value) => !value.includes('\0'), `${what} must not contain NUL bytes`);

const ENV_KEY_PATTERN = /^[A-Z_][A-Z0-9_]*$/;

export const execRequestSchema = z.strictObject({
  cmd: z
    .array(
      withoutNul('an argument').refine(
        (value) => utf8Bytes(value) <= EXEC_MAX_ARG_BYTES,
        `an argument must be at most ${EXEC_MAX_ARG_BYTES} bytes`,
      ),
    )
    .min(1, 'must name a command')
    .max(EXEC_MAX_ARGS),
  user: z.enum(EXEC_USERS).default('agent'),
  cwd: withoutNul('cwd')
    .max(4096)
    .refine((value) => value.startsWith('/'), 'must be an absolute path')
    .optional(),
  env: z
    .record(
      z.string().max(256).regex(ENV_KEY_PATTERN, 'environment names must match [A-Z_][A-Z0-9_]*'),
      withoutNul('an environment value').max(EXEC_MAX_ARG_BYTES),
    )
    .refine((value) => Object.keys(value).length <= EXEC_MAX_ARGS, `at most ${EXEC_MAX_ARGS} variables`)
    .optional(),
  timeout_ms: z.number().int().min(1).max(EXEC_MAX_TIMEOUT_MS).optional(),
  stdin: z
    .string()
    .refine(
      (value) => utf8Bytes(value) <= EXEC_MAX_STDIN_BYTES,
      `must be at most ${EXEC_MAX_STDIN_BYTES} bytes`,
    )
    .optional(),
  agent: slugSchema.optional().describe('Run as this agent of the crew (its user and group)'),
});
export type ExecRequest = z.input<typeof execRequestSchema>;

/** One NDJSON line of an exec stream: an output line, the final result, or a failure after streaming began. */
export const execOutputEventSchema = z.object({ stream: z.enum(['stdout', 'stderr']), line: z.string() });
export type ExecOutputEvent = z.infer<typeof execOutputEventSchema>;

export const execResultEventSchema = z.object({
  exit_code: z.number().int(),
  timed_out: z.boolean(),
  cancelled: z.boolean(),
  duration_ms: z.number(),
});
export type ExecResultEvent = z.infer<typeof execResultEventSchema>;

export const streamErrorEventSchema = z.object({ error: z.object({ kind: z.string(), detail: z.string() }) });
export type StreamErrorEvent = z.infer<typeof streamErrorEventSchema>;

export const agentFileSchema = z.object({
  /** Relative to the agent's output directory, `/`-separated. */
  path: z.string(),
  size: z.number().int(),
  modified_at: timestampSchema,
});
export type AgentFile = z.infer<typeof agentFileSchema>;

export const AGENT_FILES_MAX_ENTRIES = 1000;
export const AGENT_FILE_MAX_BYTES = 10 * 1024 * 1024;

export const agentFileListSchema = z.object({
  items: z.array(agentFileSchema),
  /** True when the directory holds more than the listed maximum. */
  truncated: z.boolean(),
});
export type AgentFileList = z.infer<typeof agentFileListSchema>;

/** A path relative to an agent's output directory: no absolute paths, `..` segments or NUL bytes. */
export const agentFilePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !value.includes('\0'), 'must not contain NUL bytes')
  .refine((value) => !value.startsWith('/') && !value.startsWith('\\'), 'must be a relative path')
  .refine(
    (value) => !value.split(/[/\\]/).includes('..'),
    'must not contain ".." segments (stay inside the output directory)',
  );

export const agentFileContentQuerySchema = z.strictObject({ path: agentFilePathSchema });

/** `POST /api/v1/tools/install`: which agent CLIs to install at their pinned versions. */
export const installToolsRequestSchema = z.strictObject({
  tools: z.array(agentToolNameSchema).min(1).max(32),
});

/** NDJSON lines of a tools install: progress lines, then the installed tools (or an error line). */
export const toolInstallProgressEventSchema = z.object({ progress: z.string() });
export const toolInstallResultEventSchema = z.object({ tools: z.array(agentToolSchema) });
export type ToolInstallProgressEvent = z.infer<typeof toolInstallProgressEventSchema>;
export type ToolInstallResultEvent = z.infer<typeof toolInstallResultEventSchema>;
