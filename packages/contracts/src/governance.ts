/**
 * Governance: Paymaster (rate card, cost ledger, budgets), approvals, Keeper and the inbox. The DTOs
 * are the REST shapes; the interfaces are the ports the gateway, the orchestrator and the server bind.
 */
import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';
import { CREDENTIAL_PROVIDERS } from './credentials.js';
import { type Role, roleSchema } from './roles.js';
import type { LlmProvider, MeteringEvent } from './sealed-path.js';

/** Money is stored and compared in micro-dollars (1 USD = 1,000,000) so sums are exact. */
export const MICROS_PER_USD = 1_000_000;
export const usdToMicros = (usd: number) => Math.round(usd * MICROS_PER_USD);
export const microsToUsd = (micros: number) => micros / MICROS_PER_USD;

// ── Paymaster ─────────────────────────────────────────────────────────────────────────────────────

const pricePerMillion = z.number().nonnegative().max(10_000);

/** Dollars per million tokens for one provider and model (`*` = any model of the provider). */
export const ratePriceSchema = z.object({
  provider: z.string(),
  model: z.string(),
  input_per_m: pricePerMillion,
  output_per_m: pricePerMillion,
  cache_read_per_m: pricePerMillion,
  cache_write_per_m: pricePerMillion,
  /** `default` ships with Crewship; `workspace` was set with `crewship model price`. */
  source: z.enum(['default', 'workspace']),
});
export type RatePrice = z.infer<typeof ratePriceSchema>;

export const setRatePriceRequestSchema = z.strictObject({
  provider: z.enum(CREDENTIAL_PROVIDERS),
  model: z.string().trim().min(1).max(200),
  input_per_m: pricePerMillion,
  output_per_m: pricePerMillion,
  cache_read_per_m: pricePerMillion.optional(),
  cache_write_per_m: pricePerMillion.optional(),
});
export type SetRatePriceRequest = z.infer<typeof setRatePriceRequestSchema>;

export const BILLING_MODES = ['api', 'subscription'] as const;
/** `exact`: priced from the rate card; `unpriced`: no rate for the model; `cli_reported`: from the CLI's own total. */
export const COST_CONFIDENCES = ['exact', 'unpriced', 'cli_reported'] as const;

export const costLedgerEntrySchema = z.object({
  id: idSchema,
  at: timestampSchema,
  workspace_id: idSchema,
  crew_id: idSchema.nullable(),
  agent_id: idSchema.nullable(),
  run_id: idSchema.nullable(),
  provider: z.string(),
  model: z.string().nullable(),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_read_tokens: z.number().int().nonnegative(),
  cache_write_tokens: z.number().int().nonnegative(),
  /** Null when the dollars are unknown (subscription usage without a rate). */
  cost_usd: z.number().nonnegative().nullable(),
  billing_mode: z.enum(BILLING_MODES),
  cost_confidence: z.enum(COST_CONFIDENCES),
  /** Upstream HTTP status of the call. */
  status: z.number().int().nullable(),
});
export type CostLedgerEntry = z.infer<typeof costLedgerEntrySchema>;

export const BUDGET_SCOPES = ['workspace', 'crew', 'agent'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];
export const BUDGET_WINDOWS = ['day', 'week', 'month'] as const;
export type BudgetWindow = (typeof BUDGET_WINDOWS)[number];
/** `soft` writes a warning at 80 %; `hard` also blocks the next LLM call at 100 %. */
export const BUDGET_MODES = ['soft', 'hard'] as const;
export type BudgetMode = (typeof BUDGET_MODES)[number];
export const SOFT_BUDGET_WARN_RATIO = 0.8;

export const budgetSchema = z.object({
  id: idSchema,
  workspace_id: idSchema,
  scope: z.enum(BUDGET_SCOPES),
  /** The crew or agent id; the workspace id for `workspace`. */
  scope_id: idSchema,
  window: z.enum(BUDGET_WINDOWS),
  mode: z.enum(BUDGET_MODES),
  /** Dollar limit, or null when the budget counts tokens only. */
  limit_usd: z.number().nonnegative().nullable(),
  /** Token limit (input + output + cache), counts subscription usage whose dollars are unknown. */
  limit_tokens: z.number().int().nonnegative().nullable(),
  /** Spent in the current window. */
  spent_usd: z.number().nonnegative(),
  spent_tokens: z.number().int().nonnegative(),
  window_start: timestampSchema,
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
export type Budget = z.infer<typeof budgetSchema>;

/** Creates or replaces the budget of one scope and window. `scope_ref` is a crew/agent id or slug. */
export const setBudgetRequestSchema = z
  .strictObject({
    scope: z.enum(BUDGET_SCOPES),
    scope_ref: z.string().min(1).max(128).optional(),
    window: z.enum(BUDGET_WINDOWS),
    mode: z.enum(BUDGET_MODES).default('hard'),
    limit_usd: z.number().nonnegative().max(10_000_000).optional(),
    limit_tokens: z.number().int().nonnegative().max(1e15).optional(),
  })
  .refine((value) => value.limit_usd !== undefined || value.limit_tokens !== undefined, {
    message: 'give limit_usd, limit_tokens or both',
  })
  .refine((value) => value.scope === 'workspace' || value.scope_ref !== undefined, {
    message: 'a crew or agent budget needs scope_ref',
    path: ['scope_ref'],
  });
export type SetBudgetRequest = z.input<typeof setBudgetRequestSchema>;

export const PAYMASTER_GROUPINGS = ['crew', 'agent', 'model', 'day'] as const;
export const paymasterSummaryQuerySchema = z.strictObject({
  by: z.enum(PAYMASTER_GROUPINGS).default('agent'),
  window: z.enum(BUDGET_WINDOWS).default('month'),
});
export const paymasterSummarySchema = z.object({
  window: z.enum(BUDGET_WINDOWS),
  window_start: timestampSchema,
  by: z.enum(PAYMASTER_GROUPINGS),
  total_usd: z.number().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  /** Calls whose dollars are unknown (subscription or unpriced), counted in tokens only. */
  unpriced_calls: z.number().int().nonnegative(),
  groups: z.array(
    z.object({
      /** Crew/agent id, `provider/model`, or the UTC day. */
      key: z.string(),
      /** Crew/agent slug when known. */
      label: z.string(),
      calls: z.number().int().nonnegative(),
      cost_usd: z.number().nonnegative(),
      input_tokens: z.number().int().nonnegative(),
      output_tokens: z.number().int().nonnegative(),
      cache_read_tokens: z.number().int().nonnegative(),
      cache_write_tokens: z.number().int().nonnegative(),
    }),
  ),
});
export type PaymasterSummary = z.infer<typeof paymasterSummarySchema>;

/** The identity of one LLM call as the gateway sees it before calling upstream. */
export interface LlmCallSubject {
  workspaceId: string;
  crewId: string;
  agentId: string;
  provider: LlmProvider;
  model: string | null;
}

export type LlmCallAdmission =
  | {
      allowed: true;
      /** Call once the call's metering event has been recorded (or it failed): frees the scope. */
      release(): void;
    }
  | { allowed: false; status: number; message: string };

/**
 * Checked by the gateway before each upstream call. Paymaster serializes calls per scope that has a
 * hard budget so concurrent runs cannot both pass the check and overspend.
 */
export interface LlmCallGuard {
  admit(call: LlmCallSubject): Promise<LlmCallAdmission>;
}

// ── Approvals ─────────────────────────────────────────────────────────────────────────────────────

export const APPROVAL_MODES = ['none', 'async', 'sync'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];
export const APPROVAL_TRIGGERS = ['run_start', 'tool_use'] as const;
export type ApprovalTrigger = (typeof APPROVAL_TRIGGERS)[number];
export const APPROVAL_STATUSES = [
  'pending',
  'approved',
  'denied',
  'timed_out',
  /** An async rule matched: logged, the run went on. */
  'logged',
  /** The run ended before anyone decided. */
  'cancelled',
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/**
 * One approval rule; rules are evaluated in order and the first whose every given condition matches
 * wins. Patterns are case-insensitive globs (`*` any run of characters, `?` one).
 */
export const approvalRuleSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  on: z.enum(APPROVAL_TRIGGERS),
  /** Tool name glob, e.g. `Bash`, `*shell*`, `write_file`. tool_use only. */
  tool: z.string().min(1).max(200).optional(),
  /** Glob over the tool input as compact JSON (e.g. `*rm -rf*`). tool_use only. */
  input: z.string().min(1).max(500).optional(),
  /** Host glob matched against every host named in URLs of the tool input (e.g. `*.prod.example.com`). */
  host: z.string().min(1).max(260).optional(),
  /** Matches when the run has already cost more than this. */
  cost_over_usd: z.number().nonnegative().optional(),
  /** Agent or crew slug globs limiting the rule. */
  agent: z.string().min(1).max(100).optional(),
  crew: z.string().min(1).max(100).optional(),
  mode: z.enum(APPROVAL_MODES),
  /** Sync only: how long the run waits before the request is denied. Default 600. */
  timeout_seconds: z.number().int().min(1).max(86_400).optional(),
});
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;
export const approvalRulesSchema = z.object({
  /** `default` until a workspace sets its own. */
  source: z.enum(['default', 'workspace']),
  rules: z.array(approvalRuleSchema),
});
export const setApprovalRulesRequestSchema = z.strictObject({
  rules: z.array(approvalRuleSchema).max(200),
});

export const approvalSchema = z.object({
  id: idSchema,
  workspace_id: idSchema,
  crew_id: idSchema.nullable(),
  agent_id: idSchema.nullable(),
  run_id: idSchema.nullable(),
  rule_name: z.string(),
  trigger: z.enum(APPROVAL_TRIGGERS),
  mode: z.enum(APPROVAL_MODES),
  status: z.enum(APPROVAL_STATUSES),
  /** One line: what is asked, e.g. `Bash: rm -rf /workspace/build`. */
  summary: z.string(),
  /** Tool name and input (scrubbed), or the prompt preview at run start. */
  detail: z.record(z.string(), z.unknown()),
  requested_at: timestampSchema,
  expires_at: timestampSchema.nullable(),
  decided_at: timestampSchema.nullable(),
  decided_by: z.string().nullable(),
  note: z.string().nullable(),
});
export type Approval = z.infer<typeof approvalSchema>;

export const listApprovalsQuerySchema = z.strictObject({
  status: z.enum(APPROVAL_STATUSES).optional(),
  run: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const decideApprovalRequestSchema = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  note: z.string().trim().max(1000).optional(),
});
export type DecideApprovalRequest = z.infer<typeof decideApprovalRequestSchema>;

/** What an approval rule is checked against. */
export type ApprovalSubject = {
  workspaceId: string;
  crewId: string | null;
  agentId: string | null;
  crewSlug: string | null;
  agentSlug: string | null;
  runId: string | null;
  /** Dollars the run has cost so far. */
  runCostUsd: number;
} & ({ trigger: 'run_start'; prompt: string } | { trigger: 'tool_use'; toolName: string; input: unknown });

export type ApprovalOutcome =
  | { allowed: true; approvalId: string | null; ruleName: string | null }
  | { allowed: false; approvalId: string; ruleName: string; reason: string };

/** Evaluates the rules; a `sync` match waits for a decision (or its timeout, which denies). */
export interface ApprovalGate {
  check(subject: ApprovalSubject, options?: { signal?: AbortSignal }): Promise<ApprovalOutcome>;
}

/** One tool call the model asked for, as the gateway read it from the response. */
export interface ModelToolCall {
  name: string;
  /** Parsed JSON arguments, or the raw string when they did not parse. */
  input: unknown;
}

/**
 * Consulted by the gateway when a model response asks for tool calls: the response is held until this
 * settles. Denied → the response is dropped and the run is ended by the server.
 */
export interface ToolCallGate {
  check(call: {
    workspaceId: string;
    crewId: string;
    agentId: string;
    provider: LlmProvider;
    toolCalls: readonly ModelToolCall[];
  }): Promise<{ allowed: true } | { allowed: false; reason: string }>;
}

// ── Keeper ────────────────────────────────────────────────────────────────────────────────────────

export const KEEPER_MAX_FIELD_CHARS = 4096;
const keeperText = z
  .string()
  .max(KEEPER_MAX_FIELD_CHARS, `must be at most ${KEEPER_MAX_FIELD_CHARS} characters`)
  .refine((value) => !value.includes('\0'), 'must not contain NUL characters');

/** Body of `POST /keeper/request` on the sidecar: the credential's value, if granted. */
export const keeperRequestBodySchema = z.strictObject({
  /** The asking agent's slug. */
  agent: z.string().min(1).max(48),
  /** Credential name or id. */
  credential: z.string().min(1).max(200),
  intent: keeperText,
});
export type KeeperRequestBody = z.infer<typeof keeperRequestBodySchema>;

/** Body of `POST /keeper/execute`: run `command` in the crew container with the credential in `env`. */
export const keeperExecuteBodySchema = z.strictObject({
  agent: z.string().min(1).max(48),
  credential: z.string().min(1).max(200),
  intent: keeperText,
  command: keeperText.refine((value) => value.trim().length > 0, 'must not be empty'),
  /** Environment variable that holds the value; default derived from the credential name (GITHUB_TOKEN). */
  env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'must be an upper-case environment variable name')
    .optional(),
  timeout_seconds: z.number().int().min(1).max(600).optional(),
});
export type KeeperExecuteBody = z.infer<typeof keeperExecuteBodySchema>;

export const KEEPER_DECISIONS = ['allow', 'deny'] as const;
/** How a decision was reached. */
export const KEEPER_DECIDERS = ['rule', 'l1', 'judge', 'approval', 'validation', 'fail_closed'] as const;

export const keeperResponseSchema = z.object({
  decision: z.enum(KEEPER_DECISIONS),
  decided_by: z.enum(KEEPER_DECIDERS),
  reason: z.string(),
  risk: z.enum(['low', 'medium', 'high']).nullable(),
  /** request + allow only. */
  value: z.string().optional(),
  /** execute + allow only; scrubbed. */
  exit_code: z.number().int().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
});
export type KeeperResponse = z.infer<typeof keeperResponseSchema>;

/** Largest `/keeper/*` request body, on the sidecar and on the gateway alike. */
export const KEEPER_MAX_BODY_BYTES = 64 * 1024;

/** A refusal made before Keeper itself decided (bad body, no Keeper, an error on the way). */
export const keeperDenial = (decidedBy: 'validation' | 'fail_closed', reason: string): KeeperResponse => ({
  decision: 'deny',
  decided_by: decidedBy,
  reason,
  risk: null,
});

/** Serves the sidecar's `/keeper/*` for one crew (the socket names the crew). */
export interface KeeperPort {
  request(crew: { workspaceId: string; crewId: string }, body: unknown): Promise<KeeperResponse>;
  execute(crew: { workspaceId: string; crewId: string }, body: unknown): Promise<KeeperResponse>;
}

export const keeperRulesDocumentSchema = z.object({
  yaml: z.string(),
  rules: z.number().int().nonnegative(),
  updated_at: timestampSchema.nullable(),
});
export const setKeeperRulesRequestSchema = z.strictObject({ yaml: z.string().max(256 * 1024) });
export const keeperStatusSchema = z.object({
  judge: z.object({
    configured: z.boolean(),
    kind: z.enum(['openai', 'ollama']).nullable(),
    model: z.string().nullable(),
    url: z.string().nullable(),
    timeout_ms: z.number().int(),
  }),
  rules: z.number().int().nonnegative(),
  decisions_24h: z.object({ allow: z.number().int(), deny: z.number().int() }),
});

// ── Inbox ─────────────────────────────────────────────────────────────────────────────────────────

export const INBOX_KINDS = [
  'approval',
  'escalation',
  'failed_run',
  'budget_warning',
  'budget_exceeded',
  'agent_reply',
] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];
export const INBOX_STATUSES = ['unread', 'read', 'resolved', 'archived'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export const inboxItemSchema = z.object({
  id: idSchema,
  workspace_id: idSchema,
  kind: z.enum(INBOX_KINDS),
  /** Exactly one of target_user_id and target_role is set. A role target reaches that role and above. */
  target_user_id: idSchema.nullable(),
  target_role: roleSchema.nullable(),
  title: z.string(),
  body: z.string(),
  /** What the item is about: `approval`, `run`, `budget`, `keeper`, `chat`. */
  ref_type: z.string().nullable(),
  ref_id: z.string().nullable(),
  status: z.enum(INBOX_STATUSES),
  created_at: timestampSchema,
  read_at: timestampSchema.nullable(),
  resolved_at: timestampSchema.nullable(),
  resolved_by: z.string().nullable(),
});
export type InboxItem = z.infer<typeof inboxItemSchema>;

export const listInboxQuerySchema = z.strictObject({
  status: z.enum(INBOX_STATUSES).optional(),
  kind: z.enum(INBOX_KINDS).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const inboxPageSchema = z.object({
  items: z.array(inboxItemSchema),
  next_cursor: z.string().nullable(),
});
export const inboxCountSchema = z.object({ unread: z.number().int().nonnegative() });

/** The `inbox.count` event on `user:<id>`: the unread count of one of the user's workspaces. */
export const INBOX_COUNT_EVENT = 'inbox.count';
export const inboxCountEventSchema = inboxCountSchema.extend({ workspace_id: idSchema });
export type InboxCountEvent = z.infer<typeof inboxCountEventSchema>;

export interface NewInboxItem {
  workspaceId: string;
  kind: InboxKind;
  target: { userId: string } | { role: Role };
  title: string;
  body: string;
  refType?: string;
  refId?: string;
}

/** How other features write to the inbox (approvals, Paymaster, runs, Keeper escalations). */
export interface InboxWriter {
  add(item: NewInboxItem): InboxItem;
  /** Resolves every open item about `ref` (e.g. an approval once decided). */
  resolveByRef(workspaceId: string, refType: string, refId: string, by: string): number;
}

/** Paymaster's view of metering, re-exported so the gateway port and its consumer meet here. */
export type { MeteringEvent };
