import { z } from 'zod';
import type { CliAdapter, ToolProfile } from './agents.js';

/**
 * One normalized thing an agent CLI did, whatever CLI it was. Every adapter's stream parser turns its
 * CLI's JSON lines into these; the orchestrator scrubs, journals and broadcasts them.
 */
export const agentUsageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_read_tokens: z.number().int().nonnegative(),
  cache_write_tokens: z.number().int().nonnegative(),
});
export type AgentUsage = z.infer<typeof agentUsageSchema>;

export const agentEventSchema = z.discriminatedUnion('type', [
  /** A piece of streamed answer text (partial output); the full block follows as `text`. */
  z.object({ type: z.literal('text_delta'), text: z.string() }),
  /** A complete block of answer text. */
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('thinking'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    output: z.string(),
    is_error: z.boolean(),
  }),
  /** Token usage of one model call (or a turn), as far as the CLI reports it. */
  z.object({ type: z.literal('usage'), model: z.string().nullable(), usage: agentUsageSchema }),
  /** The end of the run as the CLI reports it; `synthetic` when the CLI exited without one. */
  z.object({
    type: z.literal('result'),
    ok: z.boolean(),
    text: z.string(),
    duration_ms: z.number().nonnegative().nullable(),
    cost_usd: z.number().nonnegative().nullable(),
    turns: z.number().int().nonnegative().nullable(),
    usage: agentUsageSchema.nullable(),
    synthetic: z.boolean(),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;
export type AgentEventType = AgentEvent['type'];

/** Prompts larger than this go to the CLI over stdin instead of argv (reference: ~96 KiB). */
export const PROMPT_STDIN_THRESHOLD_BYTES = 96 * 1024;

/** A file the server writes into the container before the CLI runs (owned by the agent user). */
export interface AgentConfigFile {
  /** Absolute path inside the container, under `/crew/agents/{slug}/`. */
  path: string;
  content: string;
}

export interface AgentInvocationInput {
  agentSlug: string;
  model: string | null;
  toolProfile: ToolProfile;
  /** Fully assembled system prompt (empty string when there is none). */
  systemPrompt: string;
  /** The user's message for this run. */
  prompt: string;
  /** Path of an MCP config inside the container, when the agent has one. */
  mcpConfigPath: string | null;
}

/** Everything needed to exec the CLI once inside the crew container as 1001:1001. */
export interface AgentInvocation {
  cmd: string[];
  /** Set when the prompt is delivered over stdin. */
  stdin?: string;
  env: Record<string, string>;
  /** Files to write before the exec (CLI config, AGENTS.md for OpenCode, MCP config…). */
  files: AgentConfigFile[];
  cwd: string;
}

/** Parses one CLI's output, line by line, into normalized events. One parser per run. */
export interface AgentStreamParser {
  push(line: string, stream: 'stdout' | 'stderr'): AgentEvent[];
  /** Called once after exit; returns a synthetic `result` when the CLI printed none. */
  end(exit: { exitCode: number; durationMs: number }): AgentEvent[];
}

export interface AgentCliAdapter {
  id: CliAdapter;
  /** The binary name on PATH inside the container (`claude`, `codex`…). */
  binary: string;
  supportsMcp: boolean;
  buildInvocation(input: AgentInvocationInput): AgentInvocation;
  createParser(): AgentStreamParser;
}

/** The exit code agent wrappers use for a rejected credential (reported as `bad_credential`). */
export const BAD_CREDENTIAL_EXIT_CODE = 123;
