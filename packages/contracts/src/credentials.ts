import { z } from 'zod';
import { idSchema, nameSchema, timestampSchema } from './common.js';
import type { WorkspaceContext } from './ports.js';

export const CREDENTIAL_TYPES = ['API_KEY', 'OAUTH_TOKEN', 'SECRET'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

export const CREDENTIAL_PROVIDERS = [
  'anthropic',
  'openai',
  'google',
  'cursor',
  'factory',
  'openrouter',
  'xai',
  'groq',
  'generic',
] as const;
export type CredentialProvider = (typeof CREDENTIAL_PROVIDERS)[number];

/** A stored credential as the API shows it: never the value, only its last 4 characters. */
export const credentialSchema = z.object({
  id: idSchema,
  workspace_id: idSchema,
  name: z.string(),
  type: z.enum(CREDENTIAL_TYPES),
  provider: z.enum(CREDENTIAL_PROVIDERS),
  /** Higher wins; equals take turns (round-robin). */
  priority: z.number().int(),
  last4: z.string(),
  /** Agents this credential is assigned to. */
  agent_ids: z.array(idSchema),
  /** Set after a 401/429 from the provider: the credential is skipped until then. */
  cooldown_until: timestampSchema.nullable(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
  rotated_at: timestampSchema.nullable(),
});
export type Credential = z.infer<typeof credentialSchema>;

/** Secret values: 1 to 16 KiB, no NUL; surrounding whitespace (a pasted newline) is trimmed. */
export const credentialValueSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(16_384, 'must be at most 16 KiB')
  .refine((value) => !value.includes('\0'), 'must not contain NUL characters');

const prioritySchema = z.number().int().min(-1000).max(1000);

export const createCredentialRequestSchema = z.strictObject({
  name: nameSchema,
  type: z.enum(CREDENTIAL_TYPES).default('API_KEY'),
  provider: z.enum(CREDENTIAL_PROVIDERS),
  priority: prioritySchema.default(0),
  value: credentialValueSchema,
});
export type CreateCredentialRequest = z.input<typeof createCredentialRequestSchema>;

export const updateCredentialRequestSchema = z
  .strictObject({ name: nameSchema.optional(), priority: prioritySchema.optional() })
  .refine((value) => Object.keys(value).length > 0, 'give at least one of name, priority');

export const rotateCredentialRequestSchema = z.strictObject({ value: credentialValueSchema });

/** Agents by id or slug; `assign` adds them, `unassign` removes them. */
export const assignCredentialRequestSchema = z.strictObject({
  agents: z.array(z.string().min(1).max(128)).min(1).max(500),
});
export type AssignCredentialRequest = z.infer<typeof assignCredentialRequestSchema>;

/** What `POST /api/v1/admin/reencrypt` answers: how many values were re-sealed, under which key. */
export const reencryptResultSchema = z.object({
  reencrypted: z.number().int(),
  key_id: z.string(),
  previous_key_id: z.string(),
});
export type ReencryptResult = z.infer<typeof reencryptResultSchema>;

/** A credential chosen for one upstream call, with its plaintext value (server-internal only). */
export interface SelectedCredential {
  credential: Credential;
  value: string;
}

/**
 * The credential vault. Values are encrypted at rest (AES-256-GCM under ENCRYPTION_KEY, AAD = id and
 * workspace) and only `select` and `secretValues` ever return plaintext, to server-internal callers.
 */
export interface CredentialVault {
  create(
    context: WorkspaceContext,
    input: z.output<typeof createCredentialRequestSchema>,
  ): Promise<Credential>;
  list(context: WorkspaceContext): Promise<Credential[]>;
  /** By id or name. */
  get(context: WorkspaceContext, reference: string): Promise<Credential>;
  update(
    context: WorkspaceContext,
    reference: string,
    input: z.output<typeof updateCredentialRequestSchema>,
  ): Promise<Credential>;
  rotate(context: WorkspaceContext, reference: string, value: string): Promise<Credential>;
  delete(context: WorkspaceContext, reference: string): Promise<void>;
  /** Agent references are ids or slugs of agents in the same workspace. */
  assign(context: WorkspaceContext, reference: string, agents: readonly string[]): Promise<Credential>;
  unassign(context: WorkspaceContext, reference: string, agents: readonly string[]): Promise<Credential>;
  /**
   * The credential to use for one call of `agentId` to `provider`: among those assigned to the agent
   * (or, when none of that provider is assigned to it, the workspace's unassigned ones), skip those
   * cooling down, take the highest priority, rotate among equals. Null when there is none.
   */
  select(
    workspaceId: string,
    agentId: string,
    provider: CredentialProvider,
  ): Promise<SelectedCredential | null>;
  /** After a 401 or 429 from upstream: the credential cools down (default 60 s) and the next one is used. */
  reportFailure(credentialId: string, status: number): Promise<void>;
  /**
   * A credential (id or name) with its plaintext value, only when it is explicitly assigned to the agent
   * (Keeper: no fallback to unassigned ones). Null otherwise.
   */
  reveal(workspaceId: string, agentId: string, reference: string): Promise<SelectedCredential | null>;
  /** Every plaintext value of the workspace, for the scrubber's literal matching. */
  secretValues(workspaceId: string): Promise<string[]>;
}
