import type { BudgetScope } from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import { type LedgerRow, TOKENS_SQL } from './rows.js';
import { windowStart } from './window-start.js';

export interface Spent {
  micros: number;
  tokens: number;
}

/**
 * What each budget scope spent since a window start. Summing the ledger costs a table lookup per row
 * (tens of ms at 50k rows in a window, on every LLM call), so each sum is read once with the indexed
 * query and then kept up to date from the rows this process writes; it is re-read after `refreshMs` so
 * rows written elsewhere show up too.
 */
export interface SpendCache {
  spent(workspaceId: string, scope: BudgetScope, scopeId: string, since: string): Spent;
  /** Adds a row just written to every cached sum it belongs to. */
  recorded(row: LedgerRow): void;
}

interface CachedSum extends Spent {
  readAt: number;
}

export function createSpendCache(
  database: CrewshipDatabase,
  clock: () => Date,
  refreshMs = 60_000,
): SpendCache {
  // One statement per scope so each uses its (scope column, at) index.
  const sumSql = (column: string) =>
    database.sqlite.prepare<[string, string, string], Spent>(
      `SELECT COALESCE(SUM(cost_micros), 0) AS micros, COALESCE(SUM(${TOKENS_SQL}), 0) AS tokens
       FROM cost_ledger WHERE ${column} = ? AND at >= ? AND workspace_id = ?`,
    );
  const sumBy = { workspace: sumSql('workspace_id'), crew: sumSql('crew_id'), agent: sumSql('agent_id') };
  /** scope key -> window start -> sum of the rows at or after it. */
  const sums = new Map<string, Map<string, CachedSum>>();
  const scopeKey = (workspaceId: string, scope: BudgetScope, scopeId: string) =>
    `${workspaceId}\n${scope}\n${scopeId}`;

  return {
    spent(workspaceId, scope, scopeId, since) {
      const key = scopeKey(workspaceId, scope, scopeId);
      let starts = sums.get(key);
      if (!starts) {
        starts = new Map();
        sums.set(key, starts);
      }
      const now = clock().getTime();
      const cached = starts.get(since);
      if (cached && now - cached.readAt < refreshMs) return { micros: cached.micros, tokens: cached.tokens };
      // Windows only move forward: a sum older than every current window start is of no further use.
      const oldest = Math.min(
        windowStart('week', clock()).getTime(),
        windowStart('month', clock()).getTime(),
      );
      for (const start of starts.keys()) if (Date.parse(start) < oldest) starts.delete(start);
      const fresh = sumBy[scope].get(scopeId, since, workspaceId) ?? { micros: 0, tokens: 0 };
      starts.set(since, { ...fresh, readAt: now });
      return fresh;
    },

    recorded(row) {
      const micros = row.cost_micros ?? 0;
      const tokens = row.input_tokens + row.output_tokens + row.cache_read_tokens + row.cache_write_tokens;
      const scopes: Array<[BudgetScope, string | null]> = [
        ['workspace', row.workspace_id],
        ['crew', row.crew_id],
        ['agent', row.agent_id],
      ];
      for (const [scope, scopeId] of scopes) {
        if (scopeId === null) continue;
        for (const [start, sum] of sums.get(scopeKey(row.workspace_id, scope, scopeId)) ?? []) {
          if (row.at < start) continue;
          sum.micros += micros;
          sum.tokens += tokens;
        }
      }
    },
  };
}
