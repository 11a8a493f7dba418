import {
  BILLING_MODES,
  BUDGET_MODES,
  BUDGET_SCOPES,
  BUDGET_WINDOWS,
  CrewshipError,
  idSchema,
  LLM_PROVIDERS,
} from '@crewship/contracts';
import { type ZodType, z } from 'zod';

/** Per call and kind; far above any context window, low enough that sums stay exact integers. */
export const MAX_TOKENS_PER_CALL = 1_000_000_000;
const tokenCount = z.number().int().nonnegative().max(MAX_TOKENS_PER_CALL);

export const meteringEventSchema = z.object({
  at: z.string().max(64),
  workspaceId: idSchema,
  crewId: idSchema,
  agentId: idSchema,
  credentialId: z.string().max(64),
  provider: z.enum(LLM_PROVIDERS),
  model: z.string().max(200).nullable(),
  usage: z.object({
    inputTokens: tokenCount,
    outputTokens: tokenCount,
    cacheReadTokens: tokenCount,
    cacheWriteTokens: tokenCount,
  }),
  status: z.number().int(),
  streamed: z.boolean(),
  durationMs: z.number(),
  billingMode: z.enum(BILLING_MODES),
});

export const budgetInputSchema = z
  .strictObject({
    scope: z.enum(BUDGET_SCOPES),
    scopeId: idSchema,
    window: z.enum(BUDGET_WINDOWS),
    mode: z.enum(BUDGET_MODES),
    limitUsd: z.number().nonnegative().max(10_000_000).nullable(),
    limitTokens: z.number().int().nonnegative().max(1e15).nullable(),
  })
  .refine((value) => value.limitUsd !== null || value.limitTokens !== null, {
    message: 'give limitUsd, limitTokens or both',
  });

export const ledgerFilterSchema = z.strictObject({
  runId: idSchema.optional(),
  agentId: idSchema.optional(),
  crewId: idSchema.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

export const reconcileInputSchema = z.object({
  workspaceId: idSchema,
  crewId: idSchema.nullable(),
  agentId: idSchema.nullable(),
  runId: idSchema,
  cli: z
    .object({
      costUsd: z.number().nonnegative().max(10_000_000).nullable(),
      inputTokens: tokenCount,
      outputTokens: tokenCount,
      cacheReadTokens: tokenCount,
      cacheWriteTokens: tokenCount,
    })
    .nullable(),
});

/** Parses `value` or throws `invalid_input` with one issue per field. */
export function parseInput<T>(schema: ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new CrewshipError(
    'invalid_input',
    `invalid ${what}: ${issues.map((issue) => `${issue.path || '(root)'} ${issue.message}`).join('; ')}`,
    { details: { issues } },
  );
}
