import { z } from 'zod';
import { timestampSchema } from './common.js';
import { CrewshipError } from './crewship-error.js';

/** Agent CLIs Crewship can install from the npm registry. */
export const AGENT_TOOLS = ['claude-code', 'codex', 'gemini', 'opencode'] as const;
export type AgentToolName = (typeof AGENT_TOOLS)[number];

export const agentToolNameSchema = z.enum(AGENT_TOOLS);

/** An exact semver (`1.2.3`, `1.2.3-beta.1`): ranges and tags would make installs drift. */
export const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Pinned versions that override the defaults, per tool; every value must be an exact version. */
export const agentToolVersionsSchema = z.partialRecord(
  agentToolNameSchema,
  z.string().regex(EXACT_VERSION, { error: 'must be an exact version such as 1.2.3' }),
);
export type AgentToolVersions = z.infer<typeof agentToolVersionsSchema>;

/** Validates version overrides, or throws `invalid_input` naming each unknown tool and inexact version. */
export function parseAgentToolVersions(input: unknown): AgentToolVersions {
  const parsed = agentToolVersionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown agent tool ${issue.keys.map((key) => `"${key}"`).join(', ')} (known: ${AGENT_TOOLS.join(', ')})`
      : `${issue.path.join('.')}: ${issue.message}`,
  );
  throw new CrewshipError('invalid_input', `agent tool versions: ${problems.join('; ')}`);
}

/** Where the tools directory is mounted, read-only, inside every crew container. */
export const AGENT_TOOLS_MOUNT_PATH = '/opt/crewship';

/** Directories to put on PATH inside a crew container, in this order. */
export const AGENT_TOOLS_PATH_ENTRIES = [
  `${AGENT_TOOLS_MOUNT_PATH}/bin`,
  `${AGENT_TOOLS_MOUNT_PATH}/node/bin`,
] as const;

export const agentToolSchema = z.object({
  name: agentToolNameSchema,
  /** npm package name, e.g. `@anthropic-ai/claude-code`. */
  package: z.string(),
  /** The pinned (exact) version; `installed` is true only when this very version is installed. */
  version: z.string(),
  installed: z.boolean(),
  installed_at: timestampSchema.nullable(),
  /** Command name on PATH inside the crew container, e.g. `claude`. */
  binary: z.string(),
});
export type AgentTool = z.infer<typeof agentToolSchema>;

/** Receives human-readable progress lines such as `installing codex (@openai/codex@1.2.3) from npm…`. */
export type AgentToolsProgress = (line: string) => void;

/** Installs agent CLIs into a host directory that crew containers mount at `/opt/crewship`. */
export interface AgentToolsInstaller {
  /** Every known tool, installed or not, with its pinned version. */
  list(): Promise<AgentTool[]>;
  /** Installs the tools at their pinned versions; skips those already installed at that version. */
  install(names: readonly AgentToolName[], onProgress?: AgentToolsProgress): Promise<AgentTool[]>;
  /** Installs whatever of `names` is missing; a no-op when all are present. */
  ensureInstalled(names: readonly AgentToolName[], onProgress?: AgentToolsProgress): Promise<void>;
  /** Host directory to mount at /opt/crewship. */
  readonly toolsDir: string;
}
