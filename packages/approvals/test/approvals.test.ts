import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApprovalRule,
  type ApprovalSubject,
  CrewshipError,
  type InboxItem,
  type InboxWriter,
  type JournalEntry,
  type JournalEntryInput,
  type JournalWriter,
  type NewInboxItem,
  silentLogger,
} from '@crewship/contracts';
import { type CrewshipDatabase, createDatabase, migrate } from '@crewship/db';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type Approvals,
  type ApprovalsOptions,
  createApprovals,
  DEFAULT_APPROVAL_RULES,
} from '../src/index.js';

interface RecordingJournal extends JournalWriter {
  entries: JournalEntryInput[];
  types(): string[];
}
interface RecordingInbox extends InboxWriter {
  added: NewInboxItem[];
  resolved: Array<{ workspaceId: string; refType: string; refId: string; by: string }>;
}

function recordingJournal(): RecordingJournal {
  const entries: JournalEntryInput[] = [];
  return {
    entries,
    types: () => entries.map((entry) => entry.entryType),
    async append(entry) {
      entries.push(entry);
      return { ...entry, id: String(entries.length) } as unknown as JournalEntry;
    },
  };
}

function recordingInbox(): RecordingInbox {
  const added: NewInboxItem[] = [];
  const resolved: RecordingInbox['resolved'] = [];
  return {
    added,
    resolved,
    add(item) {
      added.push(item);
      return { id: `inbox-${added.length}` } as InboxItem;
    },
    resolveByRef(workspaceId, refType, refId, by) {
      resolved.push({ workspaceId, refType, refId, by });
      return 1;
    },
  };
}

let directory: string;
let database: CrewshipDatabase;
let journal: RecordingJournal;
let inbox: RecordingInbox;
let approvals: Approvals;
const opened: Approvals[] = [];

function open(options: Partial<ApprovalsOptions> = {}): Approvals {
  const instance = createApprovals({ database, journal, inbox, logger: silentLogger, ...options });
  opened.push(instance);
  return instance;
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'crewship-approvals-'));
  database = createDatabase({ file: join(directory, 'crewship.db') });
  migrate(database.sqlite);
  for (const id of ['w1', 'w2']) {
    database.sqlite
      .prepare(
        "INSERT INTO workspaces (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, 'now', 'now')",
      )
      .run(id, id, id);
  }
  journal = recordingJournal();
  inbox = recordingInbox();
  approvals = open({ defaultTimeoutMs: 60_000 });
});

afterEach(() => {
  vi.useRealTimers();
  for (const instance of opened.splice(0)) instance.close();
  database.close();
  rmSync(directory, { recursive: true, force: true });
});

const bash = (command: string, extra: Partial<ApprovalSubject> = {}): ApprovalSubject =>
  ({
    workspaceId: 'w1',
    crewId: 'crew-1',
    agentId: 'agent-1',
    crewSlug: 'backend',
    agentSlug: 'dev',
    runId: 'run-1',
    runCostUsd: 0,
    trigger: 'tool_use',
    toolName: 'Bash',
    input: { command },
    ...extra,
  }) as ApprovalSubject;

const syncRule: ApprovalRule = { name: 'deploys', on: 'tool_use', input: '*deploy*', mode: 'sync' };
const rowCount = () =>
  (database.sqlite.prepare('SELECT count(*) AS n FROM approvals_queue').get() as { n: number }).n;
const lastInboxRef = () => {
  const item = inbox.added.at(-1);
  if (!item?.refId) throw new Error('no approval in the inbox');
  return item.refId;
};
const kindOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof CrewshipError ? error.kind : String(error);
  }
  return 'no error';
};

describe('rules', () => {
  it('serves the defaults until a workspace sets its own', async () => {
    expect(approvals.rules('w1')).toEqual({ source: 'default', rules: [...DEFAULT_APPROVAL_RULES] });
    const pending = approvals.check(bash('rm -rf / '));
    const id = lastInboxRef();
    expect(approvals.get('w1', id)).toMatchObject({
      status: 'pending',
      rule_name: 'rm-rf-root',
      mode: 'sync',
    });
    approvals.decide('w1', id, { decision: 'deny' }, 'user:u1');
    await expect(pending).resolves.toMatchObject({ allowed: false });

    const saved = approvals.setRules('w1', [syncRule], 'user:u1');
    expect(saved).toEqual({ source: 'workspace', rules: [syncRule] });
    expect(approvals.rules('w1')).toEqual(saved);
    expect(approvals.rules('w2').source).toBe('default');
    await expect(approvals.check(bash('rm -rf / '))).resolves.toEqual({
      allowed: true,
      approvalId: null,
      ruleName: null,
    });
    expect(journal.types()).toContain('approval_rules.updated');
  });

  it('lets the first matching rule win, mode none included', async () => {
    approvals.setRules(
      'w1',
      [
        { name: 'quiet-ls', on: 'tool_use', tool: 'bash', input: '*"ls*', mode: 'none' },
        { name: 'log-all', on: 'tool_use', mode: 'async' },
        { name: 'never-reached', on: 'tool_use', mode: 'sync' },
      ],
      'user:u1',
    );
    await expect(approvals.check(bash('ls -la'))).resolves.toEqual({
      allowed: true,
      approvalId: null,
      ruleName: 'quiet-ls',
    });
    expect(rowCount()).toBe(0);
    const logged = await approvals.check(bash('make'));
    expect(logged).toMatchObject({ allowed: true, ruleName: 'log-all' });
    expect(rowCount()).toBe(1);
  });

  it('rejects invalid rules with the path of each problem', () => {
    const attempt = (rules: unknown) => {
      try {
        approvals.setRules('w1', rules as ApprovalRule[], 'user:u1');
      } catch (error) {
        return error as CrewshipError;
      }
      throw new Error('setRules accepted invalid rules');
    };
    const error = attempt([
      { name: 'ok', on: 'tool_use', mode: 'sync' },
      { name: 'bad', on: 'tool_use', mode: 'maybe' },
      { name: 'extra', on: 'tool_use', mode: 'sync', regex: '.*' },
      { name: '', on: 'run_start', mode: 'sync', timeout_seconds: 0 },
    ]);
    expect(error.kind).toBe('invalid_input');
    const paths = (error.details?.issues ?? []).map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['rules.1.mode', 'rules.2', 'rules.3.name', 'rules.3.timeout_seconds']),
    );
    expect(attempt(Array.from({ length: 201 }, () => syncRule)).kind).toBe('invalid_input');
    expect(attempt('not an array').kind).toBe('invalid_input');
    expect(attempt([{ ...syncRule, input: 'x'.repeat(501) }]).kind).toBe('invalid_input');
    expect(approvals.rules('w1').source).toBe('default');
    expect(kindOf(() => approvals.setRules('nope', [syncRule], 'user:u1'))).toBe('not_found');
  });

  it('treats regex metacharacters in patterns as literal text', async () => {
    approvals.setRules(
      'w1',
      [{ name: 'meta', on: 'tool_use', input: '*(a+)+$[x]{2}\\d.*', mode: 'async' }],
      'user:u1',
    );
    expect((await approvals.check(bash('aaaa'))).approvalId).toBeNull();
    expect((await approvals.check(bash(`${'a'.repeat(100_000)}!`))).approvalId).toBeNull();
    // A string input is matched as it is; inside JSON the backslash would be doubled.
    const literal = bash('', { input: 'x (a+)+$[x]{2}\\d. y' });
    expect((await approvals.check(literal)).approvalId).not.toBeNull();
  });
});

describe('async rules', () => {
  it('log the call, journal it and let it through', async () => {
    approvals.setRules('w1', [{ ...syncRule, mode: 'async' }], 'user:u1');
    const outcome = await approvals.check(bash('deploy prod'));
    expect(outcome).toMatchObject({ allowed: true, ruleName: 'deploys' });
    const approval = approvals.get('w1', outcome.approvalId!);
    expect(approval).toMatchObject({
      status: 'logged',
      mode: 'async',
      trigger: 'tool_use',
      summary: 'Bash: deploy prod',
      detail: { tool: 'Bash', input: { command: 'deploy prod' } },
      run_id: 'run-1',
      crew_id: 'crew-1',
      agent_id: 'agent-1',
      expires_at: null,
    });
    expect(inbox.added).toHaveLength(0);
    const entry = journal.entries.find((candidate) => candidate.entryType === 'approval.logged');
    expect(entry).toMatchObject({
      severity: 'info',
      traceId: 'run-1',
      crewId: 'crew-1',
      agentId: 'agent-1',
      actor: 'agent:dev',
      payload: { approval_id: approval.id, rule: 'deploys', summary: 'Bash: deploy prod' },
    });
  });
});

describe('sync rules', () => {
  beforeEach(() => {
    approvals.setRules('w1', [syncRule], 'user:u1');
  });

  it('wait for an approval, then allow', async () => {
    let settled = false;
    const pending = approvals.check(bash('deploy api')).finally(() => {
      settled = true;
    });
    const id = lastInboxRef();
    expect(inbox.added.at(-1)).toMatchObject({
      workspaceId: 'w1',
      kind: 'approval',
      target: { role: 'MANAGER' },
      refType: 'approval',
      body: 'Bash: deploy api',
    });
    const row = approvals.get('w1', id);
    expect(row.status).toBe('pending');
    expect(Date.parse(row.expires_at!) - Date.parse(row.requested_at)).toBe(60_000);
    expect(journal.entries.find((entry) => entry.entryType === 'approval.requested')?.severity).toBe('warn');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);

    const decided = approvals.decide('w1', id, { decision: 'approve', note: ' looks fine ' }, 'user:u2');
    expect(decided).toMatchObject({ status: 'approved', decided_by: 'user:u2', note: 'looks fine' });
    await expect(pending).resolves.toEqual({ allowed: true, approvalId: id, ruleName: 'deploys' });
    expect(inbox.resolved).toEqual([{ workspaceId: 'w1', refType: 'approval', refId: id, by: 'user:u2' }]);
    expect(journal.entries.find((entry) => entry.entryType === 'approval.approved')).toMatchObject({
      actor: 'user:u2',
      traceId: 'run-1',
      payload: { approval_id: id, rule: 'deploys', decided_by: 'user:u2', note: 'looks fine' },
    });
  });

  it('deny with the reviewer and note as the reason', async () => {
    const pending = approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    approvals.decide('w1', id, { decision: 'deny', note: 'not on a Friday' }, 'user:u2');
    const outcome = await pending;
    expect(outcome).toEqual({
      allowed: false,
      approvalId: id,
      ruleName: 'deploys',
      reason: 'denied by user:u2: not on a Friday',
    });
    expect(approvals.get('w1', id).status).toBe('denied');
    expect(journal.types()).toContain('approval.denied');
  });

  it('deny when nobody decides before the timeout', async () => {
    const quick = open({ defaultTimeoutMs: 50 });
    const outcome = await quick.check(bash('deploy api'));
    expect(outcome.allowed).toBe(false);
    const id = outcome.approvalId!;
    expect(approvals.get('w1', id)).toMatchObject({ status: 'timed_out', decided_by: 'system' });
    expect(journal.types().filter((type) => type === 'approval.timed_out')).toHaveLength(1);
    expect(inbox.resolved.map((item) => item.refId)).toEqual([id]);
    expect(kindOf(() => approvals.decide('w1', id, { decision: 'approve' }, 'user:u2'))).toBe('conflict');
  });

  it('use the rule timeout over the default', async () => {
    vi.useFakeTimers();
    approvals.setRules('w1', [{ ...syncRule, timeout_seconds: 5 }], 'user:u1');
    const pending = approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(approvals.get('w1', id).status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toMatchObject({ allowed: false, approvalId: id });
    expect(approvals.get('w1', id).status).toBe('timed_out');
  });

  it('cancel when the signal aborts, also when it already has', async () => {
    const controller = new AbortController();
    const pending = approvals.check(bash('deploy api'), { signal: controller.signal });
    const id = lastInboxRef();
    controller.abort();
    await expect(pending).resolves.toMatchObject({ allowed: false, approvalId: id });
    expect(approvals.get('w1', id).status).toBe('cancelled');
    expect(journal.types()).toContain('approval.cancelled');

    const early = await approvals.check(bash('deploy web'), { signal: AbortSignal.abort() });
    expect(early.allowed).toBe(false);
    expect(approvals.get('w1', early.approvalId!).status).toBe('cancelled');
  });

  it('cancel the pending approvals of a run that ended, and only those', async () => {
    const first = approvals.check(bash('deploy a'));
    const second = approvals.check(bash('deploy b'));
    const other = approvals.check(bash('deploy c', { runId: 'run-2' }));
    const otherId = lastInboxRef();
    expect(approvals.cancelForRun('run-1')).toBe(2);
    await expect(first).resolves.toMatchObject({ allowed: false });
    await expect(second).resolves.toMatchObject({ allowed: false });
    expect(approvals.get('w1', otherId).status).toBe('pending');
    expect(approvals.list('w1', { status: 'cancelled', limit: 10 })).toHaveLength(2);
    expect(approvals.cancelForRun('run-1')).toBe(0);
    approvals.decide('w1', otherId, { decision: 'approve' }, 'user:u2');
    await expect(other).resolves.toMatchObject({ allowed: true });
  });

  it('recover rows left pending by a previous process, not rows this process waits for', async () => {
    const previous = open();
    void previous.check(bash('deploy old'));
    const orphan = lastInboxRef();
    const mine = approvals.check(bash('deploy new'));
    const mineId = lastInboxRef();

    expect(approvals.recoverPending()).toBe(1);
    expect(approvals.get('w1', orphan)).toMatchObject({ status: 'cancelled', decided_by: 'system' });
    expect(journal.types()).toContain('approval.cancelled');
    expect(inbox.resolved.map((item) => item.refId)).toEqual([orphan]);
    expect(approvals.get('w1', mineId).status).toBe('pending');
    approvals.decide('w1', mineId, { decision: 'approve' }, 'user:u2');
    await expect(mine).resolves.toMatchObject({ allowed: true });
    expect(open().recoverPending()).toBe(0);
  });

  it('let a decision happen once: the second is a conflict', async () => {
    const pending = approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    approvals.decide('w1', id, { decision: 'approve' }, 'user:u2');
    expect(kindOf(() => approvals.decide('w1', id, { decision: 'deny' }, 'user:u3'))).toBe('conflict');
    await expect(pending).resolves.toMatchObject({ allowed: true });
    expect(approvals.get('w1', id)).toMatchObject({ status: 'approved', decided_by: 'user:u2' });
    expect(journal.types().filter((type) => type.match(/^approval\.(approved|denied)$/))).toEqual([
      'approval.approved',
    ]);
  });

  it('keep approvals inside their workspace', () => {
    void approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    expect(kindOf(() => approvals.get('w2', id))).toBe('not_found');
    expect(kindOf(() => approvals.decide('w2', id, { decision: 'approve' }, 'user:u2'))).toBe('not_found');
    expect(kindOf(() => approvals.get('w1', 'missing'))).toBe('not_found');
    expect(approvals.list('w2', { limit: 10 })).toEqual([]);
    expect(approvals.get('w1', id).status).toBe('pending');
  });

  it('reject a malformed decision', () => {
    void approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    const bad = { decision: 'maybe' } as unknown as { decision: 'approve' };
    expect(kindOf(() => approvals.decide('w1', id, bad, 'user:u2'))).toBe('invalid_input');
    const long = { decision: 'approve' as const, note: 'x'.repeat(1001) };
    expect(kindOf(() => approvals.decide('w1', id, long, 'user:u2'))).toBe('invalid_input');
    expect(approvals.get('w1', id).status).toBe('pending');
  });

  it('wake every waiter on close and refuse new sync waits', async () => {
    const pending = approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    approvals.close();
    await expect(pending).resolves.toEqual({
      allowed: false,
      approvalId: id,
      ruleName: 'deploys',
      reason: 'the server is shutting down',
    });
    await expect(approvals.check(bash('deploy again'))).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(approvals.check(bash('ls'))).resolves.toMatchObject({ allowed: true });
  });
});

describe('direct requests (Keeper)', () => {
  it('wait for a decision whatever the rules say, as an escalation in the inbox', async () => {
    approvals.setRules('w1', [], 'user:u1');
    const pending = approvals.request({
      workspaceId: 'w1',
      crewId: 'c1',
      agentId: 'a1',
      agentSlug: 'ada',
      runId: 'run-9',
      ruleName: 'keeper',
      summary: 'Keeper execute with github-token: gh api user',
      detail: { credential: 'github-token', command: 'gh api user' },
      inboxKind: 'escalation',
    });
    const id = lastInboxRef();
    expect(inbox.added.at(-1)).toMatchObject({ kind: 'escalation', target: { role: 'MANAGER' } });
    expect(approvals.get('w1', id)).toMatchObject({
      status: 'pending',
      rule_name: 'keeper',
      run_id: 'run-9',
    });
    approvals.decide('w1', id, { decision: 'approve' }, 'user:u2');
    await expect(pending).resolves.toMatchObject({ allowed: true, approvalId: id });
  });

  it('deny when the request times out', async () => {
    const outcome = await approvals.request({
      workspaceId: 'w1',
      crewId: null,
      agentId: null,
      runId: null,
      ruleName: 'keeper',
      summary: 'Keeper request',
      detail: {},
      timeoutMs: 30,
    });
    expect(outcome).toMatchObject({ allowed: false, ruleName: 'keeper' });
    expect(approvals.list('w1', { limit: 10 })[0]?.status).toBe('timed_out');
  });
});

describe('a decision racing the timeout', () => {
  beforeEach(() => {
    approvals.setRules('w1', [{ ...syncRule, timeout_seconds: 1 }], 'user:u1');
  });
  const terminal = () =>
    journal.types().filter((type) => /^approval\.(approved|denied|timed_out)$/.test(type));

  it('timeout first: the decision is a conflict', async () => {
    vi.useFakeTimers();
    const pending = approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(kindOf(() => approvals.decide('w1', id, { decision: 'approve' }, 'user:u2'))).toBe('conflict');
    await expect(pending).resolves.toMatchObject({ allowed: false });
    expect(approvals.get('w1', id).status).toBe('timed_out');
    expect(terminal()).toEqual(['approval.timed_out']);
  });

  it('decision first: the timer does nothing', async () => {
    vi.useFakeTimers();
    const pending = approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    await vi.advanceTimersByTimeAsync(999);
    approvals.decide('w1', id, { decision: 'approve' }, 'user:u2');
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(pending).resolves.toMatchObject({ allowed: true });
    expect(approvals.get('w1', id).status).toBe('approved');
    expect(terminal()).toEqual(['approval.approved']);
  });

  it('decided through another connection: the timer finds the row settled and follows it', async () => {
    vi.useFakeTimers();
    const pending = approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    const otherConnection = createDatabase({ file: join(directory, 'crewship.db') });
    try {
      const other = createApprovals({ database: otherConnection, journal, inbox, logger: silentLogger });
      other.decide('w1', id, { decision: 'approve' }, 'user:u9');
    } finally {
      otherConnection.close();
    }
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(pending).resolves.toMatchObject({ allowed: true, approvalId: id });
    expect(terminal()).toEqual(['approval.approved']);
  });

  it('many decisions at once: exactly one wins', async () => {
    const pending = approvals.check(bash('deploy api'));
    const id = lastInboxRef();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        Promise.resolve().then(() =>
          approvals.decide('w1', id, { decision: index % 2 ? 'approve' : 'deny' }, `user:u${index}`),
        ),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter(
        (result) => result.status === 'rejected' && (result.reason as CrewshipError).kind === 'conflict',
      ),
    ).toHaveLength(19);
    await pending;
    expect(terminal()).toHaveLength(1);
  });
});

describe('hostile inputs', () => {
  it('store a scrubbed, clipped copy of a huge tool input', async () => {
    const scrubbing = open({ scrub: (text) => text.replaceAll('hunter2', '[REDACTED]') });
    scrubbing.setRules('w1', [{ name: 'writes', on: 'tool_use', tool: 'Write', mode: 'async' }], 'user:u1');
    const content = `password=hunter2 ${'x'.repeat(5_000_000)}`;
    const outcome = await scrubbing.check(
      bash('', { toolName: 'Write', input: { file_path: '/workspace/hunter2.txt', content } }),
    );
    const approval = scrubbing.get('w1', outcome.approvalId!);
    expect(approval.summary).toBe('Write: /workspace/[REDACTED].txt');
    expect(approval.detail.input_truncated).toBe(true);
    expect(String(approval.detail.input).length).toBeLessThanOrEqual(8192);
    expect(JSON.stringify(approval)).not.toContain('hunter2');
    expect(JSON.stringify(journal.entries)).not.toContain('hunter2');
  });

  it('scrub run-start prompts before they are stored', async () => {
    const scrubbing = open({ scrub: (text) => text.replaceAll('hunter2', '[REDACTED]') });
    scrubbing.setRules('w1', [{ name: 'starts', on: 'run_start', agent: 'dev', mode: 'async' }], 'user:u1');
    const outcome = await scrubbing.check({
      ...bash(''),
      trigger: 'run_start',
      prompt: 'log in with hunter2',
    });
    expect(scrubbing.get('w1', outcome.approvalId!)).toMatchObject({
      trigger: 'run_start',
      summary: 'Run start: log in with [REDACTED]',
      detail: { prompt_preview: 'log in with [REDACTED]' },
    });
  });

  it('match host rules against the host a URL really names', async () => {
    approvals.setRules('w1', [{ name: 'evil', on: 'tool_use', host: 'evil.com', mode: 'async' }], 'user:u1');
    expect((await approvals.check(bash('curl http://evil.com.good.com/'))).ruleName).toBeNull();
    expect((await approvals.check(bash('curl http://good.com@evil.com/'))).ruleName).toBe('evil');
    expect((await approvals.check(bash('curl HTTP://EVIL.COM:8443/x'))).ruleName).toBe('evil');
  });

  it('deny, not crash, when the database is gone as the timeout fires', async () => {
    vi.useFakeTimers();
    approvals.setRules('w1', [{ ...syncRule, timeout_seconds: 1 }], 'user:u1');
    const connection = createDatabase({ file: join(directory, 'crewship.db') });
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (message: string) => errors.push(message) };
    const fragile = createApprovals({
      database: connection,
      journal,
      inbox,
      logger: { ...logger, child: () => logger },
    });
    const pending = fragile.check(bash('deploy api'));
    connection.close();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(pending).resolves.toMatchObject({ allowed: false, reason: 'no decision within 1 s' });
    expect(errors).toEqual(['settling an approval failed']);
  });

  it('keep working when the journal fails', async () => {
    const broken: JournalWriter = {
      append() {
        throw new Error('journal down');
      },
    };
    const rejecting: JournalWriter = { append: () => Promise.reject(new Error('journal down')) };
    for (const failing of [broken, rejecting]) {
      const instance = open({ journal: failing });
      instance.setRules('w1', [syncRule], 'user:u1');
      const pending = instance.check(bash('deploy api'));
      instance.decide('w1', lastInboxRef(), { decision: 'approve' }, 'user:u2');
      await expect(pending).resolves.toMatchObject({ allowed: true });
    }
  });

  it('fail closed on stored rules that are no longer valid', async () => {
    database.sqlite
      .prepare(
        'INSERT INTO approval_rules VALUES (\'w1\', \'[{"name":"x","on":"tool_use"}]\', \'now\', \'x\')',
      )
      .run();
    await expect(approvals.check(bash('ls'))).rejects.toMatchObject({ kind: 'internal' });
  });
});

describe('list', () => {
  it('filters by status and run, newest first, up to the limit', async () => {
    approvals.setRules('w1', [{ name: 'log', on: 'tool_use', mode: 'async' }], 'user:u1');
    const ids: string[] = [];
    for (const [index, run] of ['run-1', 'run-2', 'run-1'].entries()) {
      ids.push((await approvals.check(bash(`step ${index}`, { runId: run }))).approvalId!);
    }
    expect(approvals.list('w1', { limit: 10 }).map((approval) => approval.id)).toEqual([...ids].reverse());
    expect(approvals.list('w1', { run: 'run-1', limit: 10 }).map((approval) => approval.id)).toEqual([
      ids[2],
      ids[0],
    ]);
    expect(approvals.list('w1', { limit: 1 })).toHaveLength(1);
    expect(approvals.list('w1', { status: 'pending', limit: 10 })).toEqual([]);
    expect(approvals.list('w1', { status: 'logged', limit: 10 })).toHaveLength(3);
  });
});
