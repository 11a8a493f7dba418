import {
  type AgentInvocationInput,
  CrewshipError,
  PROMPT_STDIN_THRESHOLD_BYTES,
  slugSchema,
  TOOL_PROFILES,
} from '@crewship/contracts';
import { z } from 'zod';

/** Provider-style model ids (`claude-sonnet-4-5`, `gpt-5.5`, `anthropic/claude-sonnet-4-5`); never a flag. */
const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;
const withoutNul = (value: string) => !value.includes('\0');

const invocationInputSchema = z.object({
  agentSlug: slugSchema,
  model: z.string().max(200).regex(MODEL_PATTERN, 'must be a model id').nullable(),
  toolProfile: z.enum(TOOL_PROFILES),
  systemPrompt: z.string().refine(withoutNul, 'must not contain NUL characters'),
  prompt: z.string().min(1).refine(withoutNul, 'must not contain NUL characters'),
  mcpConfigPath: z
    .string()
    .regex(/^\/[^\0]*$/, 'must be an absolute path')
    .max(4096)
    .nullable(),
});

/** Validates what the orchestrator passes in; throws `invalid_input` naming the bad fields. */
export function parseInvocationInput(input: AgentInvocationInput): AgentInvocationInput {
  const result = invocationInputSchema.safeParse(input);
  if (!result.success) {
    throw new CrewshipError('invalid_input', 'Invalid agent invocation input', {
      details: {
        issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      },
    });
  }
  return result.data;
}

/** The agent's own directory in the crew container: its cwd and where its CLI files go. */
export const agentHome = (agentSlug: string) => `/crew/agents/${agentSlug}`;

/** Whether a string may travel as one argv element (Linux caps one at 128 KiB; stay below our threshold). */
export function fitsArgv(value: string): boolean {
  return Buffer.byteLength(value, 'utf8') <= PROMPT_STDIN_THRESHOLD_BYTES;
}

/** For CLIs without a system prompt option: the instructions go ahead of the user's message. */
export function foldSystemPrompt(systemPrompt: string, prompt: string): string {
  if (systemPrompt.trim() === '') return prompt;
  return `<system_instructions>\n${systemPrompt}\n</system_instructions>\n\n${prompt}`;
}

/** A TOML basic string (what `codex -c key=value` parses): quotes, backslashes and controls escaped. */
export function tomlString(value: string): string {
  let escaped = '';
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if (character === '"') escaped += '\\"';
    else if (character === '\\') escaped += '\\\\';
    else if (character === '\n') escaped += '\\n';
    else if (character === '\r') escaped += '\\r';
    else if (character === '\t') escaped += '\\t';
    else if (code < 0x20 || code === 0x7f) escaped += `\\u${code.toString(16).padStart(4, '0')}`;
    else escaped += character;
  }
  return `"${escaped}"`;
}
