import {
  type Budget,
  type BudgetMode,
  type BudgetScope,
  type BudgetWindow,
  type CostLedgerEntry,
  microsToUsd,
} from '@crewship/contracts';
import type { RateCardEntry } from './rate-card.js';

export interface LedgerRow {
  id: string;
  at: string;
  workspace_id: string;
  crew_id: string | null;
  agent_id: string | null;
  run_id: string | null;
  credential_id: string | null;
  provider: string;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_micros: number | null;
  billing_mode: 'api' | 'subscription';
  cost_confidence: 'exact' | 'unpriced' | 'cli_reported';
  rate_input_per_m: number | null;
  rate_output_per_m: number | null;
  rate_cache_read_per_m: number | null;
  rate_cache_write_per_m: number | null;
  status: number | null;
  source: 'gateway' | 'cli';
}

export interface BudgetRow {
  id: string;
  workspace_id: string;
  scope: BudgetScope;
  scope_id: string;
  window: BudgetWindow;
  mode: BudgetMode;
  limit_micros: number | null;
  limit_tokens: number | null;
  created_at: string;
  updated_at: string;
}

export interface RateRow extends RateCardEntry {
  workspace_id: string;
  updated_at: string;
}

/** A budget with what was spent in the window holding "now". */
export interface BudgetState {
  row: BudgetRow;
  windowStart: string;
  spent: { micros: number; tokens: number };
}

/** Every token of a row, as budgets count them. */
export const TOKENS_SQL = 'input_tokens + output_tokens + cache_read_tokens + cache_write_tokens';
export const SCOPE_ORDER: Record<BudgetScope, number> = { workspace: 0, crew: 1, agent: 2 };

export const toEntry = (row: LedgerRow): CostLedgerEntry => ({
  id: row.id,
  at: row.at,
  workspace_id: row.workspace_id,
  crew_id: row.crew_id,
  agent_id: row.agent_id,
  run_id: row.run_id,
  provider: row.provider,
  model: row.model,
  input_tokens: row.input_tokens,
  output_tokens: row.output_tokens,
  cache_read_tokens: row.cache_read_tokens,
  cache_write_tokens: row.cache_write_tokens,
  cost_usd: row.cost_micros === null ? null : microsToUsd(row.cost_micros),
  billing_mode: row.billing_mode,
  cost_confidence: row.cost_confidence,
  status: row.status,
});

export function toBudget({ row, windowStart, spent }: BudgetState): Budget {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    scope: row.scope,
    scope_id: row.scope_id,
    window: row.window,
    mode: row.mode,
    limit_usd: row.limit_micros === null ? null : microsToUsd(row.limit_micros),
    limit_tokens: row.limit_tokens,
    spent_usd: microsToUsd(spent.micros),
    spent_tokens: spent.tokens,
    window_start: windowStart,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** True when either limit is at `numerator / denominator` of its value or more (exact integer compare). */
export function reached(state: BudgetState, numerator: number, denominator: number): boolean {
  const { limit_micros: limitMicros, limit_tokens: limitTokens } = state.row;
  return (
    (limitMicros !== null && state.spent.micros * denominator >= limitMicros * numerator) ||
    (limitTokens !== null && state.spent.tokens * denominator >= limitTokens * numerator)
  );
}

/** The larger share of the two limits used, in whole percent. */
export function percentUsed(state: BudgetState): number {
  const percent = (spent: number, limit: number | null) =>
    limit === null ? 0 : Math.floor((spent * 100) / Math.max(limit, 1));
  return Math.max(
    percent(state.spent.micros, state.row.limit_micros),
    percent(state.spent.tokens, state.row.limit_tokens),
  );
}

const dollars = (micros: number) => `$${microsToUsd(micros).toFixed(2)}`;
const tokens = (count: number) => count.toLocaleString('en-US');

/** `budget $10.00, spent $10.02`, or the token figures when only the token limit is reached. */
export function limitAndSpent(state: BudgetState): string {
  const { limit_micros: limitMicros, limit_tokens: limitTokens } = state.row;
  const overMoney = limitMicros !== null && state.spent.micros >= limitMicros;
  if (limitMicros !== null && (overMoney || limitTokens === null)) {
    return `budget ${dollars(limitMicros)}, spent ${dollars(state.spent.micros)}`;
  }
  return `budget ${tokens(limitTokens ?? 0)} tokens, spent ${tokens(state.spent.tokens)} tokens`;
}

export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
