import {
  agentUsageSchema,
  CrewshipError,
  type OpenRunFinder,
  RUN_ENTRY_TYPES,
  RUN_STATUSES,
  type Run,
  type RunStats,
  type RunStatus,
  TERMINAL_RUN_STATUSES,
} from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';

export interface ListRunsQuery {
  workspaceId: string;
  crewId?: string;
  agentId?: string;
  chatId?: string;
  status?: RunStatus;
  /** Runs started at or after this ISO time. */
  since?: string;
  /** 1..500, default 50. */
  limit?: number;
}

export interface RunStatsQuery {
  workspaceId: string;
  since?: string;
  crewId?: string;
  agentId?: string;
}

export type OpenRun = Awaited<ReturnType<OpenRunFinder['openRuns']>>[number];

export interface RunProjections {
  /** Newest first by start. */
  listRuns(query: ListRunsQuery): Run[];
  /** Throws `not_found` when the workspace has no run with this id. */
  getRun(workspaceId: string, runId: string): Run;
  runStats(query: RunStatsQuery): RunStats;
  /** Runs with `run.started` and no terminal entry, in every workspace, oldest first. */
  openRuns(): Promise<OpenRun[]>;
}

type Sqlite = CrewshipDatabase['sqlite'];
type Statement = ReturnType<Sqlite['prepare']>;

interface RunRow {
  id: string;
  workspace_id: string;
  crew_id: string | null;
  agent_id: string | null;
  started_at: string;
  started_payload: string;
  end_type: string | null;
  ended_at: string | null;
  end_payload: string | null;
  entries: number;
}

interface StatsRow {
  status: string;
  runs: number;
  cost_usd: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  duration_sum: number | null;
  duration_count: number;
}

const quote = (text: string) => `'${text}'`;
const STARTED = quote(RUN_ENTRY_TYPES.started);
const TERMINAL_TYPES = TERMINAL_RUN_STATUSES.map((status) => quote(RUN_ENTRY_TYPES[status])).join(', ');
const LIFECYCLE_TYPES = `${STARTED}, ${TERMINAL_TYPES}`;

// The terminal entry is found from the newest end of the run's trace index, where it normally sits.
const RUN_SELECT = `
SELECT s.trace_id AS id, s.workspace_id, s.crew_id, s.agent_id, s.at AS started_at, s.payload AS started_payload,
  t.entry_type AS end_type, t.at AS ended_at, t.payload AS end_payload,
  (SELECT COUNT(*) FROM journal_entries c WHERE c.trace_id = s.trace_id) AS entries
FROM journal_entries s
LEFT JOIN journal_entries t ON t.seq = (
  SELECT x.seq FROM journal_entries x
  WHERE x.trace_id = s.trace_id AND x.entry_type IN (${TERMINAL_TYPES})
  ORDER BY x.seq DESC LIMIT 1)`;

// One row per run from the lifecycle entries only (the (workspace_id, entry_type, seq) index), not from
// every entry of every run.
const LIFECYCLE = (where: string) => `
SELECT trace_id,
  MAX(CASE WHEN entry_type = ${STARTED} THEN seq END) AS started_seq,
  MAX(CASE WHEN entry_type <> ${STARTED} THEN seq END) AS ended_seq
FROM journal_entries
WHERE ${where} AND entry_type IN (${LIFECYCLE_TYPES}) AND trace_id IS NOT NULL
GROUP BY trace_id`;

const nonNegative = (payload: string, path: string) =>
  `CASE WHEN json_type(${payload}, '${path}') IN ('integer', 'real') THEN max(json_extract(${payload}, '${path}'), 0) END`;

function parseObject(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const numberOrNull = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
const stringOrNull = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);

function toRun(row: RunRow): Run {
  const started = parseObject(row.started_payload);
  const ended = row.end_type === null ? null : parseObject(row.end_payload);
  const turns = numberOrNull(ended?.turns);
  const usage = agentUsageSchema.safeParse(ended?.usage);
  const elapsed =
    row.ended_at === null ? null : Math.max(0, Date.parse(row.ended_at) - Date.parse(row.started_at));
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    crew_id: row.crew_id,
    agent_id: row.agent_id,
    chat_id: stringOrNull(started.chat_id),
    status: row.end_type === null ? 'running' : (row.end_type.slice('run.'.length) as RunStatus),
    reason: stringOrNull(ended?.reason),
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration_ms: ended === null ? null : (numberOrNull(ended.duration_ms) ?? elapsed),
    cost_usd: numberOrNull(ended?.cost_usd),
    turns: turns !== null && Number.isInteger(turns) ? turns : null,
    usage: usage.success ? usage.data : null,
    prompt_preview: typeof started.prompt_preview === 'string' ? started.prompt_preview : '',
    entries: row.entries,
  };
}

/**
 * Runs are not stored: each is the projection of the entries sharing its trace id (= run id), built from
 * its `run.started` entry and its terminal `run.completed|failed|cancelled|timeout` entry.
 * `resolveSince` validates an ISO time and finds the first seq written at or after it (null: none).
 */
export function createRunProjections(
  sqlite: Sqlite,
  resolveSince: (since: string) => { since: string; seq: number } | null,
): RunProjections {
  const statements = new Map<string, Statement>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (!prepared) {
      prepared = sqlite.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };

  const getRunStatement = sqlite.prepare<{ runId: string }, RunRow>(
    `${RUN_SELECT} WHERE s.trace_id = @runId AND s.entry_type = ${STARTED} ORDER BY s.seq LIMIT 1`,
  );
  const openRunsStatement = sqlite.prepare<[], OpenRunRow>(
    `WITH RECURSIVE workspaces(id) AS (
       SELECT MIN(workspace_id) FROM journal_entries
       UNION ALL
       SELECT (SELECT MIN(workspace_id) FROM journal_entries WHERE workspace_id > workspaces.id)
       FROM workspaces WHERE workspaces.id IS NOT NULL
     ), lifecycle AS (${LIFECYCLE('workspace_id IN (SELECT id FROM workspaces)')})
     SELECT s.trace_id AS run_id, s.workspace_id, s.crew_id, s.agent_id, s.payload
     FROM lifecycle l JOIN journal_entries s ON s.seq = l.started_seq
     WHERE l.ended_seq IS NULL ORDER BY s.seq`,
  );

  return {
    listRuns(query) {
      const params: Record<string, unknown> = {
        workspaceId: query.workspaceId,
        limit: Number.isFinite(query.limit) ? Math.min(Math.max(Math.trunc(query.limit!), 1), 500) : 50,
      };
      const clauses = [
        `s.workspace_id = @workspaceId AND s.entry_type = ${STARTED} AND s.trace_id IS NOT NULL`,
      ];
      if (query.crewId !== undefined) {
        clauses.push('s.crew_id = @crewId');
        params.crewId = query.crewId;
      }
      if (query.agentId !== undefined) {
        clauses.push('s.agent_id = @agentId');
        params.agentId = query.agentId;
      }
      if (query.chatId !== undefined) {
        clauses.push("json_extract(s.payload, '$.chat_id') = @chatId");
        params.chatId = query.chatId;
      }
      if (query.since !== undefined) {
        const since = resolveSince(query.since);
        if (since === null) return [];
        clauses.push('s.seq >= @sinceSeq AND s.at >= @since');
        Object.assign(params, { sinceSeq: since.seq, since: since.since });
      }
      if (query.status === 'running') clauses.push('t.seq IS NULL');
      else if (query.status !== undefined) {
        if (!(RUN_STATUSES as readonly string[]).includes(query.status)) {
          throw new CrewshipError(
            'invalid_input',
            `run status "${query.status}" is not one of ${RUN_STATUSES.join(', ')}`,
          );
        }
        clauses.push('t.entry_type = @endType');
        params.endType = RUN_ENTRY_TYPES[query.status];
      }
      const sql = `${RUN_SELECT} WHERE ${clauses.join(' AND ')} ORDER BY s.seq DESC LIMIT @limit`;
      return (statement(sql).all(params) as RunRow[]).map(toRun);
    },

    getRun(workspaceId, runId) {
      const row = getRunStatement.get({ runId });
      if (!row || row.workspace_id !== workspaceId) {
        throw new CrewshipError('not_found', `run ${runId} was not found`);
      }
      return toRun(row);
    },

    runStats(query) {
      const params: Record<string, unknown> = { workspaceId: query.workspaceId };
      const lifecycle = ['workspace_id = @workspaceId'];
      const clauses = ['l.started_seq IS NOT NULL'];
      // `at` never decreases along seq, so a seq bound is the since filter; the started row itself is
      // read only when a crew or agent filter needs it (reading it is most of the cost).
      if (query.since !== undefined) {
        const since = resolveSince(query.since);
        if (since === null) return emptyStats();
        lifecycle.push('seq >= @sinceSeq');
        params.sinceSeq = since.seq;
      }
      if (query.crewId !== undefined) {
        clauses.push('s.crew_id = @crewId');
        params.crewId = query.crewId;
      }
      if (query.agentId !== undefined) {
        clauses.push('s.agent_id = @agentId');
        params.agentId = query.agentId;
      }
      const started = clauses.length > 1 ? 'JOIN journal_entries s ON s.seq = l.started_seq' : '';
      const sql = `WITH lifecycle AS (${LIFECYCLE(lifecycle.join(' AND '))}), runs AS (
          SELECT coalesce(substr(t.entry_type, ${'run.'.length + 1}), 'running') AS status,
            ${nonNegative('t.payload', '$.cost_usd')} AS cost_usd,
            ${nonNegative('t.payload', '$.usage.input_tokens')} AS input_tokens,
            ${nonNegative('t.payload', '$.usage.output_tokens')} AS output_tokens,
            CASE WHEN t.seq IS NOT NULL THEN coalesce(${nonNegative('t.payload', '$.duration_ms')},
              max((julianday(t.at) - julianday((SELECT at FROM journal_entries WHERE seq = l.started_seq)))
                * 86400000.0, 0)) END AS duration_ms
          FROM lifecycle l ${started} LEFT JOIN journal_entries t ON t.seq = l.ended_seq
          WHERE ${clauses.join(' AND ')})
        SELECT status, COUNT(*) AS runs, SUM(cost_usd) AS cost_usd, SUM(input_tokens) AS input_tokens,
          SUM(output_tokens) AS output_tokens, SUM(duration_ms) AS duration_sum,
          COUNT(duration_ms) AS duration_count
        FROM runs GROUP BY status`;
      const stats = emptyStats();
      let durationSum = 0;
      let durationCount = 0;
      for (const row of statement(sql).all(params) as StatsRow[]) {
        stats.total += row.runs;
        stats.by_status[row.status] = row.runs;
        stats.cost_usd += row.cost_usd ?? 0;
        stats.input_tokens += Math.round(row.input_tokens ?? 0);
        stats.output_tokens += Math.round(row.output_tokens ?? 0);
        durationSum += row.duration_sum ?? 0;
        durationCount += row.duration_count;
      }
      stats.avg_duration_ms = durationCount === 0 ? null : Math.round(durationSum / durationCount);
      return stats;
    },

    async openRuns() {
      return openRunsStatement.all().map((row) => ({
        runId: row.run_id,
        workspaceId: row.workspace_id,
        crewId: row.crew_id,
        agentId: row.agent_id,
        chatId: stringOrNull(parseObject(row.payload).chat_id),
      }));
    },
  };
}

interface OpenRunRow {
  run_id: string;
  workspace_id: string;
  crew_id: string | null;
  agent_id: string | null;
  payload: string;
}

function emptyStats(): RunStats {
  return {
    total: 0,
    by_status: Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])),
    cost_usd: 0,
    input_tokens: 0,
    output_tokens: 0,
    avg_duration_ms: null,
  };
}
