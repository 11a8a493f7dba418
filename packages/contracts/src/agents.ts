import { z } from 'zod';
import { idSchema, nameSchema, slugSchema, timestampSchema } from './common.js';

export const AGENT_ROLES = ['LEAD', 'MEMBER'] as const;
export const CLI_ADAPTERS = [
  'CLAUDE_CODE',
  'CODEX_CLI',
  'GEMINI_CLI',
  'OPENCODE',
  'CURSOR_CLI',
  'FACTORY_DROID',
] as const;
export const TOOL_PROFILES = ['MINIMAL', 'CODING', 'FULL'] as const;

export type AgentRole = (typeof AGENT_ROLES)[number];
export type CliAdapter = (typeof CLI_ADAPTERS)[number];
export type ToolProfile = (typeof TOOL_PROFILES)[number];

export const agentSchema = z.object({
  id: idSchema,
  workspace_id: idSchema,
  crew_id: idSchema,
  crew_slug: z.string(),
  name: z.string(),
  slug: z.string(),
  role: z.enum(AGENT_ROLES),
  cli_adapter: z.enum(CLI_ADAPTERS),
  model: z.string().nullable(),
  persona: z.string(),
  tool_profile: z.enum(TOOL_PROFILES),
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
export type Agent = z.infer<typeof agentSchema>;

const crewReferenceSchema = z.string().trim().min(1).max(64).describe('Crew id or slug');
const modelSchema = z.string().trim().min(1).max(200).nullable();
const personaSchema = z.string().max(64 * 1024);

export const createAgentRequestSchema = z.strictObject({
  crew: crewReferenceSchema,
  name: nameSchema,
  slug: slugSchema.optional(),
  role: z.enum(AGENT_ROLES).default('MEMBER'),
  cli_adapter: z.enum(CLI_ADAPTERS).default('CLAUDE_CODE'),
  model: modelSchema.default(null),
  persona: personaSchema.default(''),
  tool_profile: z.enum(TOOL_PROFILES).default('CODING'),
});
export type CreateAgentRequest = z.input<typeof createAgentRequestSchema>;

export const updateAgentRequestSchema = z
  .strictObject({
    crew: crewReferenceSchema.optional(),
    name: nameSchema.optional(),
    slug: slugSchema.optional(),
    role: z.enum(AGENT_ROLES).optional(),
    cli_adapter: z.enum(CLI_ADAPTERS).optional(),
    model: modelSchema.optional(),
    persona: personaSchema.optional(),
    tool_profile: z.enum(TOOL_PROFILES).optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'must change at least one field');
export type UpdateAgentRequest = z.input<typeof updateAgentRequestSchema>;

export const listAgentsQuerySchema = z.strictObject({ crew: crewReferenceSchema.optional() });
