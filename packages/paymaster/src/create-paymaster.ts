import {
  type Budget,
  CrewshipError,
  type JournalEntryInput,
  type LlmCallAdmission,
  microsToUsd,
  usdToMicros,
} from '@crewship/contracts';
import { monotonicFactory } from 'ulid';
import { createKeyedMutex } from './keyed-mutex.js';
import type { Paymaster, PaymasterOptions } from './paymaster.js';
import { meteringEventSchema, parseInput, reconcileInputSchema } from './paymaster-schemas.js';
import { costMicros, normalizeModel } from './rate-card.js';
import {
  type BudgetRow,
  type BudgetState,
  isForeignKeyViolation,
  type LedgerRow,
  limitAndSpent,
  percentUsed,
  reached,
  SCOPE_ORDER,
  toBudget,
  toEntry,
} from './rows.js';
import { createSqliteBudgets } from './sqlite-budgets.js';
import { createCostReports } from './sqlite-cost-reports.js';
import { createSqliteRateCard } from './sqlite-rate-card.js';

/** Who caused an alert or a refusal. */
interface Context {
  crewId: string | null;
  agentId: string | null;
  runId: string | null;
}

type AlertLevel = 'warning' | 'exceeded';

const PROVIDER_OF_ADAPTER: Record<string, string> = {
  CLAUDE_CODE: 'anthropic',
  CODEX_CLI: 'openai',
  GEMINI_CLI: 'google',
  CURSOR_CLI: 'cursor',
  FACTORY_DROID: 'factory',
};
const noop = () => {};

/** The provider a CLI-reported row is booked under: the adapter's, else guessed from the model. */
function inferProvider(adapter: string | undefined, model: string | null | undefined): string {
  const byAdapter = adapter ? PROVIDER_OF_ADAPTER[adapter] : undefined;
  if (byAdapter) return byAdapter;
  const name = normalizeModel(model ?? '');
  if (name.startsWith('claude')) return 'anthropic';
  if (name.startsWith('gemini')) return 'google';
  if (/^(gpt|o\d|codex)/.test(name)) return 'openai';
  return 'unknown';
}

/** Paymaster over the governance tables of a Crewship SQLite database. */
export function createPaymaster(options: PaymasterOptions): Paymaster {
  const { sqlite } = options.database;
  const { logger } = options;
  const clock = options.now ?? (() => new Date());
  const nextId = monotonicFactory();
  const locks = createKeyedMutex();
  const rates = createSqliteRateCard(options.database, clock);
  const budgets = createSqliteBudgets(options.database, clock, nextId);
  const reports = createCostReports(options.database, clock);

  const insertLedger = sqlite.prepare<LedgerRow>(
    `INSERT INTO cost_ledger (id, at, workspace_id, crew_id, agent_id, run_id, credential_id, provider, model,
       input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros, billing_mode,
       cost_confidence, rate_input_per_m, rate_output_per_m, rate_cache_read_per_m, rate_cache_write_per_m,
       status, source)
     VALUES (@id, @at, @workspace_id, @crew_id, @agent_id, @run_id, @credential_id, @provider, @model,
       @input_tokens, @output_tokens, @cache_read_tokens, @cache_write_tokens, @cost_micros, @billing_mode,
       @cost_confidence, @rate_input_per_m, @rate_output_per_m, @rate_cache_read_per_m, @rate_cache_write_per_m,
       @status, @source)`,
  );
  const insertAlert = sqlite.prepare<[string, string, AlertLevel, string]>(
    'INSERT OR IGNORE INTO budget_alerts (budget_id, window_start, level, at) VALUES (?, ?, ?, ?)',
  );
  const slugOf = {
    workspace: sqlite.prepare<[string], { slug: string }>('SELECT slug FROM workspaces WHERE id = ?'),
    crew: sqlite.prepare<[string], { slug: string }>('SELECT slug FROM crews WHERE id = ?'),
    agent: sqlite.prepare<[string], { slug: string }>('SELECT slug FROM agents WHERE id = ?'),
  };
  const agentById = sqlite.prepare<[string], { cli_adapter: string; model: string | null }>(
    'SELECT cli_adapter, model FROM agents WHERE id = ?',
  );

  function runForAgent(agentId: string | null): string | null {
    if (agentId === null || !options.runForAgent) return null;
    try {
      return options.runForAgent(agentId);
    } catch (error) {
      logger.error('runForAgent failed', { agentId, error: String(error) });
      return null;
    }
  }

  const scopeLabel = (row: BudgetRow) =>
    `${row.scope} ${slugOf[row.scope].get(row.scope_id)?.slug ?? row.scope_id}`;

  function journal(entry: JournalEntryInput): void {
    options.journal.append(entry).catch((error: unknown) => {
      logger.error('journal append failed', { entryType: entry.entryType, error: String(error) });
    });
  }

  /** Writes the alert row; only the first writer of a (budget, window, level) notifies. */
  function alert(level: AlertLevel, state: BudgetState, context: Context): void {
    const { row } = state;
    if (insertAlert.run(row.id, state.windowStart, level, clock().toISOString()).changes !== 1) return;
    const label = scopeLabel(row);
    const percent = percentUsed(state);
    const title =
      level === 'warning'
        ? `Budget warning: ${label} at ${percent} % of its ${row.window} budget`
        : `Budget exceeded: ${label} ${row.window} budget`;
    const body =
      `${limitAndSpent(state)} in the ${row.window} since ${state.windowStart} (${row.mode} budget). ` +
      (row.mode === 'hard' ? 'LLM calls in this scope are refused at 100 %.' : 'Soft budgets only warn.');
    try {
      options.inbox.add({
        workspaceId: row.workspace_id,
        kind: level === 'warning' ? 'budget_warning' : 'budget_exceeded',
        target: { role: 'ADMIN' },
        title,
        body,
        refType: 'budget',
        refId: row.id,
      });
    } catch (error) {
      logger.error('inbox add failed', { budgetId: row.id, level, error: String(error) });
    }
    journal({
      workspaceId: row.workspace_id,
      crewId: row.scope === 'crew' ? row.scope_id : context.crewId,
      agentId: row.scope === 'agent' ? row.scope_id : context.agentId,
      traceId: context.runId,
      entryType: level === 'warning' ? 'budget.warning' : 'budget.exceeded',
      severity: level === 'warning' ? 'warn' : 'error',
      actor: 'system',
      summary: title,
      payload: {
        budget_id: row.id,
        scope: row.scope,
        scope_id: row.scope_id,
        window: row.window,
        window_start: state.windowStart,
        mode: row.mode,
        limit_usd: row.limit_micros === null ? null : microsToUsd(row.limit_micros),
        limit_tokens: row.limit_tokens,
        spent_usd: microsToUsd(state.spent.micros),
        spent_tokens: state.spent.tokens,
        percent,
        run_id: context.runId,
      },
    });
  }

  /** After a ledger row: a warning at 80 % of any budget, `exceeded` at 100 % of a hard one. */
  function checkAlerts(row: LedgerRow): void {
    try {
      const now = clock();
      const context = { crewId: row.crew_id, agentId: row.agent_id, runId: row.run_id };
      for (const budget of budgets.applying(row.workspace_id, row.crew_id, row.agent_id)) {
        const state = budgets.stateOf(budget, now);
        if (reached(state, 4, 5)) alert('warning', state, context);
        if (budget.mode === 'hard' && reached(state, 1, 1)) alert('exceeded', state, context);
      }
    } catch (error) {
      logger.error('budget check failed', { ledgerId: row.id, error: String(error) });
    }
  }

  function insertRow(row: LedgerRow): LedgerRow {
    try {
      insertLedger.run(row);
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
      throw new CrewshipError('not_found', `workspace "${row.workspace_id}" not found`, { cause: error });
    }
    budgets.recorded(row);
    checkAlerts(row);
    return row;
  }

  function blocked(state: BudgetState, workspaceId: string, context: Context): Budget {
    const budget = toBudget(state);
    try {
      alert('exceeded', state, context);
    } catch (error) {
      logger.error('budget alert failed', { budgetId: state.row.id, error: String(error) });
    }
    try {
      options.onBlocked?.({ workspaceId, ...context, budget });
    } catch (error) {
      logger.error('onBlocked failed', { budgetId: state.row.id, error: String(error) });
    }
    return budget;
  }

  const hardBudgets = (workspaceId: string, crewId: string, agentId: string) =>
    budgets.applying(workspaceId, crewId, agentId).filter((row) => row.mode === 'hard');

  function instant(value: string): string {
    const time = Date.parse(value);
    return Number.isNaN(time) ? clock().toISOString() : new Date(time).toISOString();
  }

  return {
    record(event) {
      const call = parseInput(meteringEventSchema, event, 'metering event');
      // Subscription usage has no dollar price: it counts in tokens only.
      const rate =
        call.billingMode === 'subscription'
          ? null
          : rates.priceFor(call.workspaceId, call.provider, call.model);
      const row = insertRow({
        id: nextId(),
        at: instant(call.at),
        workspace_id: call.workspaceId,
        crew_id: call.crewId,
        agent_id: call.agentId,
        run_id: runForAgent(call.agentId),
        credential_id: call.credentialId,
        provider: call.provider,
        model: call.model,
        input_tokens: call.usage.inputTokens,
        output_tokens: call.usage.outputTokens,
        cache_read_tokens: call.usage.cacheReadTokens,
        cache_write_tokens: call.usage.cacheWriteTokens,
        cost_micros: rate ? costMicros(call.usage, rate) : null,
        billing_mode: call.billingMode,
        cost_confidence: rate ? 'exact' : 'unpriced',
        rate_input_per_m: rate?.input_per_m ?? null,
        rate_output_per_m: rate?.output_per_m ?? null,
        rate_cache_read_per_m: rate?.cache_read_per_m ?? null,
        rate_cache_write_per_m: rate?.cache_write_per_m ?? null,
        status: call.status,
        source: 'gateway',
      });
      return toEntry(row);
    },

    async admit(call): Promise<LlmCallAdmission> {
      const ids = hardBudgets(call.workspaceId, call.crewId, call.agentId)
        .map((row) => row.id)
        .sort();
      if (ids.length === 0) return { allowed: true, release: noop };
      // In id order: two calls sharing budgets take them in the same order, so they cannot deadlock.
      const unlocks: Array<() => void> = [];
      for (const id of ids) unlocks.push(await locks.acquire(id));
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        for (const unlock of unlocks.reverse()) unlock();
      };
      try {
        const now = clock();
        for (const id of ids) {
          const row = budgets.byId(id);
          if (row?.mode !== 'hard') continue;
          const state = budgets.stateOf(row, now);
          if (!reached(state, 1, 1)) continue;
          release();
          blocked(state, call.workspaceId, {
            crewId: call.crewId,
            agentId: call.agentId,
            runId: runForAgent(call.agentId),
          });
          return {
            allowed: false,
            status: 400,
            message: `Crewship budget exceeded: ${scopeLabel(row)} ${row.window} ${limitAndSpent(state)}`,
          };
        }
      } catch (error) {
        release();
        throw error;
      }
      return { allowed: true, release };
    },

    checkStart(subject) {
      const now = clock();
      const rows = hardBudgets(subject.workspaceId, subject.crewId, subject.agentId).sort(
        (a, b) => SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope],
      );
      for (const row of rows) {
        const state = budgets.stateOf(row, now);
        if (!reached(state, 1, 1)) continue;
        return blocked(state, subject.workspaceId, {
          crewId: subject.crewId,
          agentId: subject.agentId,
          runId: runForAgent(subject.agentId),
        });
      }
      return null;
    },

    runCostUsd: (runId) => microsToUsd(reports.run(runId).micros),

    async reconcile(input) {
      try {
        const run = parseInput(reconcileInputSchema, input, 'reconcile input');
        const ledger = reports.run(run.runId);
        const { cli } = run;
        const cliMicros = cli?.costUsd == null ? null : usdToMicros(cli.costUsd);
        const cliTokens = cli
          ? cli.inputTokens + cli.outputTokens + cli.cacheReadTokens + cli.cacheWriteTokens
          : 0;
        // No call metered and nothing reported (a run that never reached the model): nothing to reconcile.
        if (ledger.calls === 0 && cliMicros === null && cliTokens === 0) return;
        // Nothing went through the gateway (a CLI talking to its own backend): keep the CLI's money.
        const book = ledger.calls === 0 && cli !== null && cliMicros !== null;
        if (book) {
          const agent = run.agentId === null ? undefined : agentById.get(run.agentId);
          insertRow({
            id: nextId(),
            at: clock().toISOString(),
            workspace_id: run.workspaceId,
            crew_id: run.crewId,
            agent_id: run.agentId,
            run_id: run.runId,
            credential_id: null,
            provider: inferProvider(agent?.cli_adapter, agent?.model),
            model: agent?.model ?? null,
            input_tokens: cli.inputTokens,
            output_tokens: cli.outputTokens,
            cache_read_tokens: cli.cacheReadTokens,
            cache_write_tokens: cli.cacheWriteTokens,
            cost_micros: cliMicros,
            billing_mode: 'api',
            cost_confidence: 'cli_reported',
            rate_input_per_m: null,
            rate_output_per_m: null,
            rate_cache_read_per_m: null,
            rate_cache_write_per_m: null,
            status: null,
            source: 'cli',
          });
        }
        const ledgerUsd = microsToUsd(ledger.micros);
        const cliUsd = cliMicros === null ? null : microsToUsd(cliMicros);
        await options.journal.append({
          workspaceId: run.workspaceId,
          crewId: run.crewId,
          agentId: run.agentId,
          traceId: run.runId,
          entryType: 'cost.reconciled',
          severity: 'info',
          actor: 'system',
          summary:
            `run cost: ledger $${ledgerUsd.toFixed(4)} over ${ledger.calls} calls, ` +
            (cliUsd === null ? 'CLI reported no cost' : `CLI $${cliUsd.toFixed(4)}`) +
            (book ? ' (booked from the CLI)' : ''),
          payload: {
            ledger_usd: ledgerUsd,
            ledger_calls: ledger.calls,
            ledger_unpriced_calls: ledger.unpriced,
            ledger_tokens: ledger.input + ledger.output + ledger.cache_read + ledger.cache_write,
            ledger_usage: {
              input_tokens: ledger.input,
              output_tokens: ledger.output,
              cache_read_tokens: ledger.cache_read,
              cache_write_tokens: ledger.cache_write,
            },
            cli_usd: cliUsd,
            cli_tokens: cli
              ? cli.inputTokens + cli.outputTokens + cli.cacheReadTokens + cli.cacheWriteTokens
              : null,
            cli_usage: cli
              ? {
                  input_tokens: cli.inputTokens,
                  output_tokens: cli.outputTokens,
                  cache_read_tokens: cli.cacheReadTokens,
                  cache_write_tokens: cli.cacheWriteTokens,
                }
              : null,
            delta_usd: cliMicros === null ? null : microsToUsd(cliMicros - ledger.micros),
            booked_from_cli: book,
          },
        });
      } catch (error) {
        logger.error('cost reconciliation failed', { runId: input.runId, error: String(error) });
      }
    },

    rates: { list: rates.list, set: rates.set },
    budgets: { list: budgets.list, set: budgets.set, delete: budgets.delete },
    summary: reports.summary,
    ledger: reports.ledger,
  };
}
