import type {
  Budget,
  BudgetMode,
  BudgetScope,
  BudgetWindow,
  CostLedgerEntry,
  InboxWriter,
  JournalWriter,
  LlmCallAdmission,
  LlmCallGuard,
  LlmCallSubject,
  Logger,
  MeteringEvent,
  MeteringSink,
  PaymasterSummary,
  RatePrice,
  SetRatePriceRequest,
} from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';

export interface PaymasterOptions {
  database: CrewshipDatabase;
  journal: JournalWriter;
  inbox: InboxWriter;
  logger: Logger;
  now?: () => Date;
  /** The run an agent has in progress (one at a time), for ledger rows; null when none. */
  runForAgent?: (agentId: string) => string | null;
  /** Called (synchronously, errors caught+logged) when a hard budget refuses a call or a run start. */
  onBlocked?: (event: {
    workspaceId: string;
    crewId: string | null;
    agentId: string | null;
    runId: string | null;
    budget: Budget;
  }) => void;
}

export interface BudgetInput {
  scope: BudgetScope;
  scopeId: string;
  window: BudgetWindow;
  mode: BudgetMode;
  limitUsd: number | null;
  limitTokens: number | null;
}

export interface CliRunTotals {
  costUsd: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface PaymasterRates {
  /** Shipped defaults merged with the workspace's overrides (an override hides the default of its model). */
  list(workspaceId: string): RatePrice[];
  set(workspaceId: string, input: SetRatePriceRequest): RatePrice;
}

export interface PaymasterBudgets {
  list(workspaceId: string): Budget[];
  /** Upsert on (workspace, scope, scopeId, window). scopeId is already resolved to an id by the caller (workspace id for scope workspace). */
  set(workspaceId: string, input: BudgetInput): Budget;
  /** Throws `not_found` when the workspace has no such budget. */
  delete(workspaceId: string, id: string): void;
}

/** Rate card, cost ledger and budgets of every workspace; the gateway's metering sink and call guard. */
export interface Paymaster extends MeteringSink, LlmCallGuard {
  /** Writes one cost_ledger row (sync), then raises the soft/hard budget alerts that row crossed. */
  record(event: MeteringEvent): CostLedgerEntry;
  /** Serializes calls per hard budget that applies and refuses when one is spent; `release` after recording. */
  admit(call: LlmCallSubject): Promise<LlmCallAdmission>;
  /** At run start: the first hard budget (workspace, crew or agent scope) already at/over 100 %, or null. */
  checkStart(subject: { workspaceId: string; crewId: string; agentId: string }): Budget | null;
  /** Dollars the ledger holds for a run. */
  runCostUsd(runId: string): number;
  /** Journals `cost.reconciled` (ledger vs the CLI's totals); books the CLI's cost when the ledger has none. Never throws. */
  reconcile(input: {
    workspaceId: string;
    crewId: string | null;
    agentId: string | null;
    runId: string;
    cli: CliRunTotals | null;
  }): Promise<void>;
  rates: PaymasterRates;
  budgets: PaymasterBudgets;
  /** Totals and groups of the current window; `day` groups by UTC date; crew/agent labels are slugs. */
  summary(
    workspaceId: string,
    query: { by: 'crew' | 'agent' | 'model' | 'day'; window: BudgetWindow },
  ): PaymasterSummary;
  /** Newest first, at most `limit` (default 100, max 1000). */
  ledger(
    workspaceId: string,
    filter: { runId?: string; agentId?: string; crewId?: string; limit?: number },
  ): CostLedgerEntry[];
}
