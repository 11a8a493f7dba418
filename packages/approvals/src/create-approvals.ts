import {
  type Approval,
  type ApprovalGate,
  type ApprovalMode,
  type ApprovalOutcome,
  type ApprovalRule,
  type ApprovalStatus,
  type ApprovalSubject,
  type ApprovalTrigger,
  approvalRuleSchema,
  CrewshipError,
  decideApprovalRequestSchema,
  type InboxWriter,
  type JournalEntryInput,
  type JournalSeverity,
  type JournalWriter,
  type Logger,
  setApprovalRulesRequestSchema,
} from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import { monotonicFactory } from 'ulid';
import { DEFAULT_APPROVAL_RULES } from './default-approval-rules.js';
import { describeRequest, describeSubject, type SubjectDescription } from './describe-subject.js';
import { matchView, viewOf } from './match-rule.js';

export interface ApprovalsOptions {
  database: CrewshipDatabase;
  journal: JournalWriter;
  inbox: InboxWriter;
  logger: Logger;
  now?: () => Date;
  /** Sync rules without timeout_seconds wait this long; default 600_000. */
  defaultTimeoutMs?: number;
  /** Applied to tool inputs and prompts before they are stored or journaled. */
  scrub?: (text: string) => string;
}

/** The approval gate plus the rules and queue behind `/api/v1/approvals`; every call is workspace-scoped. */
export interface Approvals extends ApprovalGate {
  check(subject: ApprovalSubject, options?: { signal?: AbortSignal }): Promise<ApprovalOutcome>;
  /** The workspace's own rules, or the defaults when it has none. */
  rules(workspaceId: string): { source: 'default' | 'workspace'; rules: ApprovalRule[] };
  /** Replaces the workspace's rules (at most 200); `by` is the actor, e.g. `user:<id>`. */
  setRules(
    workspaceId: string,
    rules: ApprovalRule[],
    by: string,
  ): { source: 'workspace'; rules: ApprovalRule[] };
  /** Newest first. */
  list(workspaceId: string, query: { status?: ApprovalStatus; run?: string; limit: number }): Approval[];
  get(workspaceId: string, id: string): Approval;
  /** Decides a pending approval and wakes its waiter; `conflict` once it is no longer pending. */
  decide(
    workspaceId: string,
    id: string,
    input: { decision: 'approve' | 'deny'; note?: string },
    by: string,
  ): Approval;
  /**
   * A sync approval whatever the rules say (Keeper's `require_approval` and `escalate`): journaled,
   * put in the inbox of Managers, and waited for like a sync rule (the timeout denies).
   */
  request(
    input: {
      workspaceId: string;
      crewId: string | null;
      agentId: string | null;
      agentSlug?: string | null;
      runId: string | null;
      ruleName: string;
      summary: string;
      detail: Record<string, unknown>;
      timeoutMs?: number;
      inboxKind?: 'approval' | 'escalation';
    },
    options?: { signal?: AbortSignal },
  ): Promise<ApprovalOutcome>;
  /** Pending approvals of a run that ended → 'cancelled'; their waiters resolve as denied. */
  cancelForRun(runId: string): number;
  /** At server start: rows left 'pending' by a previous process → 'cancelled'. */
  recoverPending(): number;
  /** Wakes every waiter (denied) — server shutdown. */
  close(): void;
}

interface ApprovalRow {
  id: string;
  workspace_id: string;
  crew_id: string | null;
  agent_id: string | null;
  run_id: string | null;
  rule_name: string;
  trigger: ApprovalTrigger;
  mode: ApprovalMode;
  status: ApprovalStatus;
  summary: string;
  detail_json: string;
  requested_at: string;
  expires_at: string | null;
  decided_at: string | null;
  decided_by: string | null;
  note: string | null;
}

interface Waiter {
  ruleName: string;
  resolve(outcome: ApprovalOutcome): void;
  dispose(): void;
}

const SYSTEM = 'system';
const MAX_TIMER_MS = 2_147_483_647;
const SEVERITY: Record<ApprovalStatus, JournalSeverity> = {
  pending: 'warn',
  logged: 'info',
  approved: 'info',
  denied: 'warn',
  timed_out: 'warn',
  cancelled: 'info',
};
const VERB: Record<ApprovalStatus, string> = {
  pending: 'requested',
  logged: 'logged',
  approved: 'approved',
  denied: 'denied',
  timed_out: 'timed_out',
  cancelled: 'cancelled',
};
const storedRulesSchema = approvalRuleSchema.array();

function seconds(milliseconds: number): string {
  return milliseconds < 1000 ? `${milliseconds} ms` : `${Math.round(milliseconds / 1000)} s`;
}

function invalidInput(
  message: string,
  zodIssues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): CrewshipError {
  const issues = zodIssues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const listed = issues
    .slice(0, 10)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  return new CrewshipError('invalid_input', `${message}: ${listed}`, { details: { issues } });
}

function toApproval(row: ApprovalRow): Approval {
  const { detail_json: detailJson, ...rest } = row;
  let detail: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(detailJson);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      detail = parsed as Record<string, unknown>;
    }
  } catch {
    // A row written by hand with broken JSON still lists, without detail.
  }
  return { ...rest, detail };
}

/** Approval rules, the approvals queue and the waiters of sync approvals, on `approvals_queue`. */
export function createApprovals(options: ApprovalsOptions): Approvals {
  const { sqlite } = options.database;
  const { journal, inbox } = options;
  const logger = options.logger.child({ component: 'approvals' });
  const now = options.now ?? (() => new Date());
  const scrub = options.scrub ?? ((text: string) => text);
  const defaultTimeoutMs = Math.min(
    Math.max(Math.trunc(options.defaultTimeoutMs ?? 600_000), 1),
    MAX_TIMER_MS,
  );
  const waiters = new Map<string, Waiter>();
  const nextId = monotonicFactory();
  let closed = false;

  const rulesRow = sqlite.prepare<[string], { rules_json: string }>(
    'SELECT rules_json FROM approval_rules WHERE workspace_id = ?',
  );
  const upsertRules = sqlite.prepare<[string, string, string, string]>(
    `INSERT INTO approval_rules (workspace_id, rules_json, updated_at, updated_by) VALUES (?, ?, ?, ?)
     ON CONFLICT (workspace_id) DO UPDATE SET rules_json = excluded.rules_json,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );
  const workspaceExists = sqlite.prepare<[string], { id: string }>('SELECT id FROM workspaces WHERE id = ?');
  const insertRow = sqlite.prepare<ApprovalRow>(
    `INSERT INTO approvals_queue (id, workspace_id, crew_id, agent_id, run_id, rule_name, trigger, mode, status,
       summary, detail_json, requested_at, expires_at, decided_at, decided_by, note)
     VALUES (@id, @workspace_id, @crew_id, @agent_id, @run_id, @rule_name, @trigger, @mode, @status,
       @summary, @detail_json, @requested_at, @expires_at, @decided_at, @decided_by, @note)`,
  );
  const rowById = sqlite.prepare<[string], ApprovalRow>('SELECT * FROM approvals_queue WHERE id = ?');
  const rowInWorkspace = sqlite.prepare<[string, string], ApprovalRow>(
    'SELECT * FROM approvals_queue WHERE id = ? AND workspace_id = ?',
  );
  const settleRow = sqlite.prepare<[ApprovalStatus, string, string, string | null, string]>(
    `UPDATE approvals_queue SET status = ?, decided_at = ?, decided_by = ?, note = ?
     WHERE id = ? AND status = 'pending'`,
  );
  const pendingOfRun = sqlite.prepare<[string], { id: string }>(
    "SELECT id FROM approvals_queue WHERE run_id = ? AND status = 'pending'",
  );
  const allPending = sqlite.prepare<[], { id: string }>(
    "SELECT id FROM approvals_queue WHERE status = 'pending'",
  );

  function rulesOf(workspaceId: string): { source: 'default' | 'workspace'; rules: ApprovalRule[] } {
    const row = rulesRow.get(workspaceId);
    if (!row) return { source: 'default', rules: DEFAULT_APPROVAL_RULES.map((rule) => ({ ...rule })) };
    let stored: unknown;
    try {
      stored = JSON.parse(row.rules_json);
    } catch (cause) {
      throw new CrewshipError('internal', 'the stored approval rules are not valid JSON', { cause });
    }
    const parsed = storedRulesSchema.safeParse(stored);
    if (!parsed.success) {
      throw new CrewshipError('internal', 'the stored approval rules are not valid', { cause: parsed.error });
    }
    return { source: 'workspace', rules: parsed.data };
  }

  function record(row: ApprovalRow, actor: string): Promise<void> {
    const entry: JournalEntryInput = {
      workspaceId: row.workspace_id,
      crewId: row.crew_id,
      agentId: row.agent_id,
      traceId: row.run_id,
      entryType: `approval.${VERB[row.status]}`,
      severity: SEVERITY[row.status],
      actor,
      summary: `approval ${VERB[row.status].replace('_', ' ')}: ${row.summary} (rule ${row.rule_name})`,
      payload: {
        approval_id: row.id,
        rule: row.rule_name,
        summary: row.summary,
        decided_by: row.decided_by,
        note: row.note,
      },
    };
    return appendToJournal(entry);
  }

  /** The journal is the audit trail, but a failing journal must not block or crash the gate. */
  function appendToJournal(entry: JournalEntryInput): Promise<void> {
    const failed = (error: unknown) =>
      logger.error('journal append failed', { entryType: entry.entryType, error });
    try {
      return journal.append(entry).then(() => undefined, failed);
    } catch (error) {
      failed(error);
      return Promise.resolve();
    }
  }

  function outcomeOf(row: ApprovalRow): ApprovalOutcome {
    if (row.status === 'approved' || row.status === 'logged') {
      return { allowed: true, approvalId: row.id, ruleName: row.rule_name };
    }
    let reason = row.note ?? `the approval was ${VERB[row.status].replace('_', ' ')}`;
    if (row.status === 'denied')
      reason = `denied by ${row.decided_by ?? 'a reviewer'}${row.note ? `: ${row.note}` : ''}`;
    return { allowed: false, approvalId: row.id, ruleName: row.rule_name, reason };
  }

  /**
   * Moves a pending row to `status`; only one caller can win because the UPDATE is conditional. The
   * winner journals, resolves the inbox item and wakes the waiter. Null when the row was not pending.
   */
  function settle(id: string, status: ApprovalStatus, by: string, note: string | null): ApprovalRow | null {
    const changed = settleRow.run(status, now().toISOString(), by, note, id).changes === 1;
    const row = rowById.get(id);
    if (!row) return null;
    if (row.status !== 'pending') wake(row);
    if (!changed) return null;
    void record(row, by);
    try {
      inbox.resolveByRef(row.workspace_id, 'approval', row.id, by);
    } catch (error) {
      logger.error('resolving the inbox item failed', { approvalId: row.id, error });
    }
    return row;
  }

  function wake(row: ApprovalRow): void {
    const waiter = waiters.get(row.id);
    if (!waiter) return;
    waiters.delete(row.id);
    waiter.dispose();
    waiter.resolve(outcomeOf(row));
  }

  function timeoutMsOf(rule: ApprovalRule): number {
    return rule.timeout_seconds === undefined ? defaultTimeoutMs : rule.timeout_seconds * 1000;
  }

  function waitFor(
    row: ApprovalRow,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<ApprovalOutcome> {
    return new Promise<ApprovalOutcome>((resolve) => {
      // Runs outside any caller: a failure (say the database closed) must deny, never throw.
      const settleOrDeny = (status: ApprovalStatus, note: string) => {
        try {
          settle(row.id, status, SYSTEM, note);
        } catch (error) {
          logger.error('settling an approval failed', { approvalId: row.id, status, error });
          const waiter = waiters.get(row.id);
          waiters.delete(row.id);
          waiter?.dispose();
          resolve({ allowed: false, approvalId: row.id, ruleName: row.rule_name, reason: note });
        }
      };
      const onAbort = () => settleOrDeny('cancelled', 'the run stopped waiting');
      const timer = setTimeout(
        () => settleOrDeny('timed_out', `no decision within ${seconds(timeoutMs)}`),
        timeoutMs,
      );
      waiters.set(row.id, {
        ruleName: row.rule_name,
        resolve,
        dispose() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A new queue row: `pending` with an expiry for sync, `logged` for async. */
  function newRow(fields: {
    workspaceId: string;
    crewId: string | null;
    agentId: string | null;
    runId: string | null;
    ruleName: string;
    trigger: ApprovalTrigger;
    mode: ApprovalMode;
    description: SubjectDescription;
    timeoutMs: number;
  }): ApprovalRow {
    const requestedAt = now();
    const sync = fields.mode === 'sync';
    return {
      id: nextId(),
      workspace_id: fields.workspaceId,
      crew_id: fields.crewId,
      agent_id: fields.agentId,
      run_id: fields.runId,
      rule_name: fields.ruleName,
      trigger: fields.trigger,
      mode: fields.mode,
      status: sync ? 'pending' : 'logged',
      summary: fields.description.summary,
      detail_json: JSON.stringify(fields.description.detail),
      requested_at: requestedAt.toISOString(),
      expires_at: sync ? new Date(requestedAt.getTime() + fields.timeoutMs).toISOString() : null,
      decided_at: null,
      decided_by: null,
      note: null,
    };
  }

  /** Journals the request, puts it in the inbox of Managers and waits for the decision. */
  function openSync(
    row: ApprovalRow,
    actor: string,
    inboxKind: 'approval' | 'escalation',
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<ApprovalOutcome> {
    // Everything up to waitFor runs synchronously, so no decision can slip in before the waiter exists.
    void record(row, actor);
    try {
      inbox.add({
        workspaceId: row.workspace_id,
        kind: inboxKind,
        target: { role: 'MANAGER' },
        title: `Approval needed: ${row.rule_name}`,
        body: row.summary,
        refType: 'approval',
        refId: row.id,
      });
    } catch (error) {
      logger.error('adding the approval to the inbox failed', { approvalId: row.id, error });
    }
    return waitFor(row, timeoutMs, signal);
  }

  return {
    async check(subject, checkOptions = {}) {
      const view = viewOf(subject);
      const rule = rulesOf(subject.workspaceId).rules.find((candidate) => matchView(candidate, view));
      if (!rule || rule.mode === 'none')
        return { allowed: true, approvalId: null, ruleName: rule?.name ?? null };
      if (rule.mode === 'sync' && closed) {
        throw new CrewshipError('unavailable', 'approvals are closed: the server is shutting down');
      }
      const timeoutMs = Math.min(timeoutMsOf(rule), MAX_TIMER_MS);
      const row = newRow({
        workspaceId: subject.workspaceId,
        crewId: subject.crewId,
        agentId: subject.agentId,
        runId: subject.runId,
        ruleName: rule.name,
        trigger: subject.trigger,
        mode: rule.mode,
        description: describeSubject(subject, scrub),
        timeoutMs,
      });
      insertRow.run(row);
      const actor = subject.agentSlug ? `agent:${subject.agentSlug}` : SYSTEM;
      if (rule.mode === 'async') {
        await record(row, actor);
        return { allowed: true, approvalId: row.id, ruleName: rule.name };
      }
      return openSync(row, actor, 'approval', timeoutMs, checkOptions.signal);
    },

    request(input, requestOptions = {}) {
      if (closed) throw new CrewshipError('unavailable', 'approvals are closed: the server is shutting down');
      const timeoutMs = Math.min(input.timeoutMs ?? defaultTimeoutMs, MAX_TIMER_MS);
      const row = newRow({
        workspaceId: input.workspaceId,
        crewId: input.crewId,
        agentId: input.agentId,
        runId: input.runId,
        ruleName: input.ruleName,
        trigger: 'tool_use',
        mode: 'sync',
        description: describeRequest(input.summary, input.detail, scrub),
        timeoutMs,
      });
      insertRow.run(row);
      const actor = input.agentSlug ? `agent:${input.agentSlug}` : SYSTEM;
      return openSync(row, actor, input.inboxKind ?? 'approval', timeoutMs, requestOptions.signal);
    },

    rules: rulesOf,

    setRules(workspaceId, rules, by) {
      const parsed = setApprovalRulesRequestSchema.safeParse({ rules });
      if (!parsed.success) throw invalidInput('invalid approval rules', parsed.error.issues);
      if (!workspaceExists.get(workspaceId)) {
        throw new CrewshipError('not_found', `workspace "${workspaceId}" not found`);
      }
      const saved = parsed.data.rules;
      upsertRules.run(workspaceId, JSON.stringify(saved), now().toISOString(), by);
      void appendToJournal({
        workspaceId,
        entryType: 'approval_rules.updated',
        severity: 'info',
        actor: by,
        summary: `approval rules replaced (${saved.length} rules)`,
        payload: { rules: saved.length, names: saved.map((rule) => rule.name) },
      });
      return { source: 'workspace', rules: saved };
    },

    list(workspaceId, query) {
      const limit = Math.min(Math.max(Math.trunc(query.limit), 1), 500);
      const conditions = ['workspace_id = ?'];
      const parameters: (string | number)[] = [workspaceId];
      if (query.status !== undefined) {
        conditions.push('status = ?');
        parameters.push(query.status);
      }
      if (query.run !== undefined) {
        conditions.push('run_id = ?');
        parameters.push(query.run);
      }
      parameters.push(limit);
      return sqlite
        .prepare<(string | number)[], ApprovalRow>(
          `SELECT * FROM approvals_queue WHERE ${conditions.join(' AND ')}
           ORDER BY requested_at DESC, id DESC LIMIT ?`,
        )
        .all(...parameters)
        .map(toApproval);
    },

    get(workspaceId, id) {
      const row = rowInWorkspace.get(id, workspaceId);
      if (!row) throw new CrewshipError('not_found', `approval "${id}" not found`);
      return toApproval(row);
    },

    decide(workspaceId, id, input, by) {
      const decision = decideApprovalRequestSchema.safeParse(input);
      if (!decision.success) throw invalidInput('invalid decision', decision.error.issues);
      const current = rowInWorkspace.get(id, workspaceId);
      if (!current) throw new CrewshipError('not_found', `approval "${id}" not found`);
      const note = decision.data.note ? decision.data.note : null;
      const settled =
        current.status === 'pending'
          ? settle(id, decision.data.decision === 'approve' ? 'approved' : 'denied', by, note)
          : null;
      if (!settled) {
        const status = rowById.get(id)?.status ?? current.status;
        throw new CrewshipError('conflict', `approval "${id}" is ${status}, not pending`, {
          details: { status },
        });
      }
      return toApproval(settled);
    },

    cancelForRun(runId) {
      let cancelled = 0;
      for (const { id } of pendingOfRun.all(runId)) {
        if (settle(id, 'cancelled', SYSTEM, 'the run ended')) cancelled += 1;
      }
      return cancelled;
    },

    recoverPending() {
      let cancelled = 0;
      for (const { id } of allPending.all()) {
        if (waiters.has(id)) continue;
        if (settle(id, 'cancelled', SYSTEM, 'the server restarted before anyone decided')) cancelled += 1;
      }
      return cancelled;
    },

    close() {
      closed = true;
      for (const [id, waiter] of [...waiters]) {
        waiters.delete(id);
        waiter.dispose();
        waiter.resolve({
          allowed: false,
          approvalId: id,
          ruleName: waiter.ruleName,
          reason: 'the server is shutting down',
        });
      }
    },
  };
}
