import {
  type CostLedgerEntry,
  microsToUsd,
  type PaymasterSummary,
  paymasterSummaryQuerySchema,
} from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import type { Paymaster } from './paymaster.js';
import { ledgerFilterSchema, parseInput } from './paymaster-schemas.js';
import { type LedgerRow, TOKENS_SQL, toEntry } from './rows.js';
import { windowStart } from './window-start.js';

/** Ledger totals of one run. */
export interface RunTotals {
  calls: number;
  unpriced: number;
  micros: number;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

export interface CostReports {
  summary: Paymaster['summary'];
  ledger: Paymaster['ledger'];
  run(runId: string): RunTotals;
}

interface GroupRow {
  group_key: string | null;
  group_label: string | null;
  calls: number;
  micros: number;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

// Labels join the crews/agents tables; a deleted crew or agent keeps its id as label.
const GROUPINGS = {
  crew: { key: 'l.crew_id', label: 'crews.slug', join: 'LEFT JOIN crews ON crews.id = l.crew_id' },
  agent: { key: 'l.agent_id', label: 'agents.slug', join: 'LEFT JOIN agents ON agents.id = l.agent_id' },
  model: { key: `l.provider || '/' || COALESCE(l.model, 'unknown')`, label: 'NULL', join: '' },
  day: { key: 'substr(l.at, 1, 10)', label: 'NULL', join: '' },
} as const;

const SUMS = `COUNT(*) AS calls, COALESCE(SUM(l.cost_micros), 0) AS micros,
  COALESCE(SUM(l.input_tokens), 0) AS input, COALESCE(SUM(l.output_tokens), 0) AS output,
  COALESCE(SUM(l.cache_read_tokens), 0) AS cache_read, COALESCE(SUM(l.cache_write_tokens), 0) AS cache_write`;

export function createCostReports(database: CrewshipDatabase, clock: () => Date): CostReports {
  const { sqlite } = database;
  const runTotals = sqlite.prepare<[string], RunTotals>(
    `SELECT ${SUMS}, COALESCE(SUM(l.cost_micros IS NULL), 0) AS unpriced FROM cost_ledger l WHERE l.run_id = ?`,
  );
  const totals = sqlite.prepare<[string, string], { micros: number; tokens: number; unpriced: number }>(
    `SELECT COALESCE(SUM(cost_micros), 0) AS micros, COALESCE(SUM(${TOKENS_SQL}), 0) AS tokens,
       COALESCE(SUM(cost_micros IS NULL), 0) AS unpriced
     FROM cost_ledger WHERE workspace_id = ? AND at >= ?`,
  );
  const groupStatements = Object.fromEntries(
    Object.entries(GROUPINGS).map(([by, grouping]) => [
      by,
      sqlite.prepare<[string, string], GroupRow>(
        `SELECT ${grouping.key} AS group_key, ${grouping.label} AS group_label, ${SUMS}
         FROM cost_ledger l ${grouping.join}
         WHERE l.workspace_id = ? AND l.at >= ?
         GROUP BY 1
         ORDER BY ${by === 'day' ? 'group_key' : 'micros DESC, calls DESC, group_key'}`,
      ),
    ]),
  ) as Record<keyof typeof GROUPINGS, ReturnType<typeof sqlite.prepare<[string, string], GroupRow>>>;

  return {
    run: (runId) =>
      runTotals.get(runId) ?? {
        calls: 0,
        unpriced: 0,
        micros: 0,
        input: 0,
        output: 0,
        cache_read: 0,
        cache_write: 0,
      },

    summary(workspaceId, query): PaymasterSummary {
      const { by, window } = parseInput(paymasterSummaryQuerySchema, query, 'summary query');
      const start = windowStart(window, clock()).toISOString();
      const total = totals.get(workspaceId, start) ?? { micros: 0, tokens: 0, unpriced: 0 };
      return {
        window,
        window_start: start,
        by,
        total_usd: microsToUsd(total.micros),
        total_tokens: total.tokens,
        unpriced_calls: total.unpriced,
        groups: groupStatements[by].all(workspaceId, start).map((group) => ({
          key: group.group_key ?? 'none',
          label: group.group_label ?? group.group_key ?? '(none)',
          calls: group.calls,
          cost_usd: microsToUsd(group.micros),
          input_tokens: group.input,
          output_tokens: group.output,
          cache_read_tokens: group.cache_read,
          cache_write_tokens: group.cache_write,
        })),
      };
    },

    ledger(workspaceId, filter): CostLedgerEntry[] {
      const { runId, agentId, crewId, limit } = parseInput(ledgerFilterSchema, filter, 'ledger filter');
      const conditions = ['workspace_id = ?'];
      const values: Array<string | number> = [workspaceId];
      for (const [column, value] of [
        ['run_id', runId],
        ['agent_id', agentId],
        ['crew_id', crewId],
      ] as const) {
        if (value === undefined) continue;
        conditions.push(`${column} = ?`);
        values.push(value);
      }
      values.push(limit ?? 100);
      return sqlite
        .prepare<Array<string | number>, LedgerRow>(
          `SELECT * FROM cost_ledger WHERE ${conditions.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`,
        )
        .all(...values)
        .map(toEntry);
    },
  };
}
