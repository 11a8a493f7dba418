import { type BudgetMode, CrewshipError, usdToMicros } from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import type { BudgetInput, PaymasterBudgets } from './paymaster.js';
import { budgetInputSchema, parseInput } from './paymaster-schemas.js';
import { type BudgetRow, type BudgetState, type LedgerRow, SCOPE_ORDER, toBudget } from './rows.js';
import { createSpendCache } from './spend-cache.js';
import { windowStart } from './window-start.js';

export interface SqliteBudgets extends PaymasterBudgets {
  /** Budgets of the workspace, of `crewId` and of `agentId`, every mode. */
  applying(workspaceId: string, crewId: string | null, agentId: string | null): BudgetRow[];
  byId(id: string): BudgetRow | undefined;
  /** What the budget's scope spent in the window holding `now`. */
  stateOf(row: BudgetRow, now: Date): BudgetState;
  /** Counts a ledger row just written. */
  recorded(row: LedgerRow): void;
}

export function createSqliteBudgets(
  database: CrewshipDatabase,
  clock: () => Date,
  nextId: () => string,
): SqliteBudgets {
  const { sqlite } = database;
  const spend = createSpendCache(database, clock);
  const applying = sqlite.prepare<[string, string, string, string], BudgetRow>(
    `SELECT * FROM budget_limits WHERE workspace_id = ? AND ((scope = 'workspace' AND scope_id = ?)
       OR (scope = 'crew' AND scope_id = ?) OR (scope = 'agent' AND scope_id = ?))`,
  );
  const byId = sqlite.prepare<[string], BudgetRow>('SELECT * FROM budget_limits WHERE id = ?');
  const byKey = sqlite.prepare<[string, string, string, string], BudgetRow>(
    'SELECT * FROM budget_limits WHERE workspace_id = ? AND scope = ? AND scope_id = ? AND "window" = ?',
  );
  const insert = sqlite.prepare<BudgetRow>(
    `INSERT INTO budget_limits (id, workspace_id, scope, scope_id, "window", mode, limit_micros, limit_tokens,
       created_at, updated_at)
     VALUES (@id, @workspace_id, @scope, @scope_id, @window, @mode, @limit_micros, @limit_tokens,
       @created_at, @updated_at)`,
  );
  const update = sqlite.prepare<[BudgetMode, number | null, number | null, string, string]>(
    'UPDATE budget_limits SET mode = ?, limit_micros = ?, limit_tokens = ?, updated_at = ? WHERE id = ?',
  );
  const clearAlerts = sqlite.prepare<[string]>('DELETE FROM budget_alerts WHERE budget_id = ?');
  const exists = {
    workspace: sqlite.prepare<[string, string]>('SELECT 1 FROM workspaces WHERE id = ? AND id = ?'),
    crew: sqlite.prepare<[string, string]>('SELECT 1 FROM crews WHERE id = ? AND workspace_id = ?'),
    agent: sqlite.prepare<[string, string]>('SELECT 1 FROM agents WHERE id = ? AND workspace_id = ?'),
  };

  function stateOf(row: BudgetRow, now: Date): BudgetState {
    const start = windowStart(row.window, now).toISOString();
    return { row, windowStart: start, spent: spend.spent(row.workspace_id, row.scope, row.scope_id, start) };
  }

  const upsert = sqlite.transaction((workspaceId: string, input: BudgetInput, now: string): BudgetRow => {
    const limitMicros = input.limitUsd === null ? null : usdToMicros(input.limitUsd);
    const existing = byKey.get(workspaceId, input.scope, input.scopeId, input.window);
    if (!existing) {
      const row: BudgetRow = {
        id: nextId(),
        workspace_id: workspaceId,
        scope: input.scope,
        scope_id: input.scopeId,
        window: input.window,
        mode: input.mode,
        limit_micros: limitMicros,
        limit_tokens: input.limitTokens,
        created_at: now,
        updated_at: now,
      };
      insert.run(row);
      return row;
    }
    const row = { ...existing, mode: input.mode, limit_micros: limitMicros, limit_tokens: input.limitTokens };
    update.run(row.mode, row.limit_micros, row.limit_tokens, now, row.id);
    // New limits warn afresh in the current window.
    if (
      existing.mode !== row.mode ||
      existing.limit_micros !== row.limit_micros ||
      existing.limit_tokens !== row.limit_tokens
    ) {
      clearAlerts.run(row.id);
    }
    return { ...row, updated_at: now };
  });

  return {
    applying: (workspaceId, crewId, agentId) =>
      applying.all(workspaceId, workspaceId, crewId ?? '', agentId ?? ''),
    byId: (id) => byId.get(id),
    stateOf,
    recorded: (row) => spend.recorded(row),

    list(workspaceId) {
      const now = clock();
      return sqlite
        .prepare<[string], BudgetRow>('SELECT * FROM budget_limits WHERE workspace_id = ?')
        .all(workspaceId)
        .sort(
          (a, b) =>
            SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope] ||
            a.scope_id.localeCompare(b.scope_id) ||
            a.window.localeCompare(b.window),
        )
        .map((row) => toBudget(stateOf(row, now)));
    },

    set(workspaceId, input) {
      const budget = parseInput(budgetInputSchema, input, 'budget');
      if (budget.scope === 'workspace' && budget.scopeId !== workspaceId) {
        throw new CrewshipError('invalid_input', 'a workspace budget takes the workspace id as scopeId', {
          details: { issues: [{ path: 'scopeId', message: 'must be the workspace id' }] },
        });
      }
      if (!exists.workspace.get(workspaceId, workspaceId)) {
        throw new CrewshipError('not_found', `workspace "${workspaceId}" not found`);
      }
      if (!exists[budget.scope].get(budget.scopeId, workspaceId)) {
        throw new CrewshipError('not_found', `${budget.scope} "${budget.scopeId}" not found`);
      }
      const now = clock();
      return toBudget(stateOf(upsert(workspaceId, budget, now.toISOString()), now));
    },

    delete(workspaceId, id) {
      const { changes } = sqlite
        .prepare<[string, string]>('DELETE FROM budget_limits WHERE id = ? AND workspace_id = ?')
        .run(id, workspaceId);
      if (changes === 0) throw new CrewshipError('not_found', `budget "${id}" not found`);
    },
  };
}
