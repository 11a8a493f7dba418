import type { Budget } from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './fixtures.js';

let harness: Harness;
beforeEach(() => {
  harness = createHarness('2025-03-12T10:00:00.000Z');
});
afterEach(() => harness.remove());

const ofType = (type: string) => harness.journal.entries.filter((entry) => entry.entryType === type);
const inboxOf = (kind: string) => harness.inbox.items.filter((item) => item.kind === kind);
const call = (agentId: string, crewId: string, workspaceId = 'wa') => ({
  workspaceId,
  crewId,
  agentId,
  provider: 'anthropic' as const,
  model: 'test-model',
});

describe('budgets', () => {
  it('upserts one budget per scope and window and reports the window spend', () => {
    const { paymaster } = harness;
    harness.spend('agent-a1', 0.3);
    const first = paymaster.budgets.set('wa', {
      scope: 'crew',
      scopeId: 'crew-a1',
      window: 'week',
      mode: 'soft',
      limitUsd: 10,
      limitTokens: null,
    });
    expect(first).toMatchObject({
      scope: 'crew',
      scope_id: 'crew-a1',
      window: 'week',
      mode: 'soft',
      limit_usd: 10,
      limit_tokens: null,
      spent_usd: 0.3,
      spent_tokens: 300_000,
      window_start: '2025-03-10T00:00:00.000Z',
    });
    const second = paymaster.budgets.set('wa', {
      scope: 'crew',
      scopeId: 'crew-a1',
      window: 'week',
      mode: 'hard',
      limitUsd: null,
      limitTokens: 5000,
    });
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ mode: 'hard', limit_usd: null, limit_tokens: 5000 });
    paymaster.budgets.set('wa', {
      scope: 'workspace',
      scopeId: 'wa',
      window: 'month',
      mode: 'soft',
      limitUsd: 100,
      limitTokens: null,
    });
    expect(paymaster.budgets.list('wa').map((budget) => [budget.scope, budget.window])).toEqual([
      ['workspace', 'month'],
      ['crew', 'week'],
    ]);
    expect(paymaster.budgets.list('wb')).toEqual([]);
    paymaster.budgets.delete('wa', first.id);
    expect(paymaster.budgets.list('wa')).toHaveLength(1);
  });

  it('warns once per window at 80 % of a soft budget, and never blocks', async () => {
    const { paymaster, clock } = harness;
    const budget = paymaster.budgets.set('wa', {
      scope: 'crew',
      scopeId: 'crew-a1',
      window: 'day',
      mode: 'soft',
      limitUsd: 1,
      limitTokens: null,
    });
    harness.spend('agent-a1', 0.5);
    harness.spend('agent-a2', 0.5); // another crew: does not count
    harness.spend('agent-a1', 0.29);
    expect(inboxOf('budget_warning')).toEqual([]);
    harness.runs.set('agent-a1b', 'run-9');
    harness.spend('agent-a1b', 0.01); // 0.80: the threshold
    expect(harness.inbox.items).toEqual([
      expect.objectContaining({
        workspaceId: 'wa',
        kind: 'budget_warning',
        target: { role: 'ADMIN' },
        refType: 'budget',
        refId: budget.id,
        title: 'Budget warning: crew alpha at 80 % of its day budget',
      }),
    ]);
    await Promise.resolve();
    expect(ofType('budget.warning')).toEqual([
      expect.objectContaining({
        severity: 'warn',
        crewId: 'crew-a1',
        traceId: 'run-9',
        payload: expect.objectContaining({ budget_id: budget.id, spent_usd: 0.8, limit_usd: 1 }),
      }),
    ]);
    harness.spend('agent-a1', 0.5); // 130 %: soft budgets have no exceeded stage
    expect(harness.inbox.items).toHaveLength(1);
    expect((await paymaster.admit(call('agent-a1', 'crew-a1'))).allowed).toBe(true);
    expect(paymaster.checkStart({ workspaceId: 'wa', crewId: 'crew-a1', agentId: 'agent-a1' })).toBeNull();

    clock.set('2025-03-13T00:00:00.000Z'); // a new day, a new window
    harness.spend('agent-a1', 0.79);
    expect(harness.inbox.items).toHaveLength(1);
    harness.spend('agent-a1', 0.02);
    expect(inboxOf('budget_warning')).toHaveLength(2);
    expect(
      harness.database.sqlite
        .prepare('SELECT window_start, level FROM budget_alerts ORDER BY window_start')
        .all(),
    ).toEqual([
      { window_start: '2025-03-12T00:00:00.000Z', level: 'warning' },
      { window_start: '2025-03-13T00:00:00.000Z', level: 'warning' },
    ]);
  });

  it('counts tokens, subscription usage included, against a token limit', () => {
    const { paymaster, event } = harness;
    paymaster.budgets.set('wa', {
      scope: 'agent',
      scopeId: 'agent-a1',
      window: 'month',
      mode: 'hard',
      limitUsd: null,
      limitTokens: 1000,
    });
    const usage = { inputTokens: 700, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 };
    paymaster.record(event('agent-a1', { model: 'claude-sonnet-4-5', usage, billingMode: 'subscription' }));
    expect(inboxOf('budget_warning')).toHaveLength(1);
    const more = { inputTokens: 100, outputTokens: 50, cacheReadTokens: 25, cacheWriteTokens: 25 };
    paymaster.record(
      event('agent-a1', { model: 'claude-sonnet-4-5', usage: more, billingMode: 'subscription' }),
    );
    expect(inboxOf('budget_exceeded')).toHaveLength(1);
    expect(paymaster.checkStart({ workspaceId: 'wa', crewId: 'crew-a1', agentId: 'agent-a1' })).toMatchObject(
      {
        spent_tokens: 1000,
        spent_usd: 0,
      },
    );
  });

  it('blocks at 100 % of a hard budget with onBlocked and one inbox item per window', async () => {
    const { paymaster } = harness;
    harness.runs.set('agent-a1', 'run-1');
    const budget = paymaster.budgets.set('wa', {
      scope: 'agent',
      scopeId: 'agent-a1',
      window: 'day',
      mode: 'hard',
      limitUsd: 1,
      limitTokens: null,
    });
    harness.spend('agent-a1', 0.9);
    expect(inboxOf('budget_warning')).toHaveLength(1);
    const admitted = await paymaster.admit(call('agent-a1', 'crew-a1'));
    expect(admitted.allowed).toBe(true);
    harness.spend('agent-a1', 0.2);
    if (admitted.allowed) admitted.release();
    expect(inboxOf('budget_exceeded')).toEqual([
      expect.objectContaining({
        target: { role: 'ADMIN' },
        refId: budget.id,
        title: 'Budget exceeded: agent ada day budget',
      }),
    ]);
    expect(harness.blocked).toEqual([]);

    const refused = await paymaster.admit(call('agent-a1', 'crew-a1'));
    expect(refused).toEqual({
      allowed: false,
      status: 400,
      message: 'Crewship budget exceeded: agent ada day budget $1.00, spent $1.10',
    });
    expect(harness.blocked).toEqual([
      {
        workspaceId: 'wa',
        crewId: 'crew-a1',
        agentId: 'agent-a1',
        runId: 'run-1',
        budget: expect.objectContaining({ id: budget.id, spent_usd: 1.1, limit_usd: 1 }) as Budget,
      },
    ]);
    expect((await paymaster.admit(call('agent-a1', 'crew-a1'))).allowed).toBe(false);
    expect(paymaster.checkStart({ workspaceId: 'wa', crewId: 'crew-a1', agentId: 'agent-a1' })?.id).toBe(
      budget.id,
    );
    expect(harness.blocked).toHaveLength(3);
    expect(inboxOf('budget_exceeded')).toHaveLength(1);
    await Promise.resolve();
    expect(ofType('budget.exceeded')).toHaveLength(1);
    expect(ofType('budget.exceeded')[0]).toMatchObject({
      severity: 'error',
      agentId: 'agent-a1',
      traceId: 'run-1',
    });

    // The same crew's other agent is not under this budget.
    const other = await paymaster.admit(call('agent-a1b', 'crew-a1'));
    expect(other.allowed).toBe(true);
    expect(paymaster.checkStart({ workspaceId: 'wa', crewId: 'crew-a1', agentId: 'agent-a1b' })).toBeNull();

    // Raising the limit lets calls through again, and the new limit warns afresh.
    paymaster.budgets.set('wa', {
      scope: 'agent',
      scopeId: 'agent-a1',
      window: 'day',
      mode: 'hard',
      limitUsd: 1.3,
      limitTokens: null,
    });
    const again = await paymaster.admit(call('agent-a1', 'crew-a1'));
    expect(again.allowed).toBe(true);
    if (again.allowed) again.release();
    harness.spend('agent-a1', 0.01);
    expect(inboxOf('budget_warning')).toHaveLength(2);
  });

  it('raises the exceeded alert at the first refusal when no record crossed the limit', async () => {
    const { paymaster } = harness;
    harness.spend('agent-a2', 2);
    const budget = paymaster.budgets.set('wa', {
      scope: 'workspace',
      scopeId: 'wa',
      window: 'month',
      mode: 'hard',
      limitUsd: 1.5,
      limitTokens: null,
    });
    expect(paymaster.checkStart({ workspaceId: 'wa', crewId: 'crew-a1', agentId: 'agent-a1' })?.id).toBe(
      budget.id,
    );
    expect(harness.blocked).toEqual([
      expect.objectContaining({ workspaceId: 'wa', crewId: 'crew-a1', agentId: 'agent-a1', runId: null }),
    ]);
    expect(inboxOf('budget_exceeded')).toHaveLength(1);
    const refused = await paymaster.admit(call('agent-a1', 'crew-a1'));
    expect(refused).toMatchObject({
      allowed: false,
      message: 'Crewship budget exceeded: workspace wa-slug month budget $1.50, spent $2.00',
    });
    harness.spend('agent-a2', 0.1);
    expect(inboxOf('budget_exceeded')).toHaveLength(1);
    expect((await paymaster.admit(call('agent-b', 'crew-b', 'wb'))).allowed).toBe(true);
  });

  it('names the token figures when a token limit blocks', async () => {
    const { paymaster } = harness;
    paymaster.budgets.set('wa', {
      scope: 'crew',
      scopeId: 'crew-a2',
      window: 'week',
      mode: 'hard',
      limitUsd: 50,
      limitTokens: 1_000_000,
    });
    harness.spend('agent-a2', 1.25);
    expect(await paymaster.admit(call('agent-a2', 'crew-a2'))).toMatchObject({
      allowed: false,
      message: 'Crewship budget exceeded: crew beta week budget 1,000,000 tokens, spent 1,250,000 tokens',
    });
  });
});

describe('spend in a window', () => {
  it('always equals the ledger sum, across windows, late rows and scopes', () => {
    const { paymaster, clock, database, event } = harness;
    const agents = ['agent-a1', 'agent-a1b', 'agent-a2', 'agent-b'] as const;
    for (const workspace of ['wa', 'wb']) {
      for (const window of ['day', 'week', 'month'] as const) {
        paymaster.budgets.set(workspace, {
          scope: 'workspace',
          scopeId: workspace,
          window,
          mode: 'soft',
          limitUsd: 1e6,
          limitTokens: null,
        });
      }
    }
    for (const [scope, scopeId] of [
      ['crew', 'crew-a1'],
      ['agent', 'agent-a1'],
      ['agent', 'agent-a2'],
    ] as const) {
      for (const window of ['day', 'week', 'month'] as const) {
        paymaster.budgets.set('wa', {
          scope,
          scopeId,
          window,
          mode: 'hard',
          limitUsd: 1e6,
          limitTokens: 1e15,
        });
      }
    }
    const sum = database.sqlite.prepare<[string, string, string], { micros: number; tokens: number }>(
      `SELECT COALESCE(SUM(cost_micros), 0) AS micros,
         COALESCE(SUM(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens), 0) AS tokens
       FROM cost_ledger WHERE workspace_id = ? AND at >= ? AND
         (? IN (workspace_id, crew_id, agent_id))`,
    );
    let seed = 7;
    const next = (bound: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % bound;
    };
    let time = Date.parse('2025-02-26T20:00:00.000Z');
    for (let step = 0; step < 400; step++) {
      time += next(5) * 3_600_000 + next(60_000);
      clock.set(new Date(time).toISOString());
      const agent = agents[next(agents.length)]!;
      // Some calls end after the window they started in turned over.
      const at = new Date(time - (next(4) === 0 ? next(7_200_000) : 0)).toISOString();
      const billingMode = next(5) === 0 ? 'subscription' : 'api';
      const usage = {
        inputTokens: next(5000),
        outputTokens: next(900),
        cacheReadTokens: next(20_000),
        cacheWriteTokens: next(3),
      };
      paymaster.record(event(agent, { at, usage, billingMode, model: 'claude-sonnet-4-5' }));
      if (step % 10 !== 0) continue;
      for (const workspace of ['wa', 'wb']) {
        for (const budget of paymaster.budgets.list(workspace)) {
          const expected = sum.get(workspace, budget.window_start, budget.scope_id)!;
          expect([budget.scope_id, budget.window, budget.spent_usd, budget.spent_tokens]).toEqual([
            budget.scope_id,
            budget.window,
            expected.micros / 1e6,
            expected.tokens,
          ]);
        }
      }
    }
  });

  it('picks up rows written by another process within a minute', () => {
    const { paymaster, clock, database } = harness;
    const budget = paymaster.budgets.set('wa', {
      scope: 'crew',
      scopeId: 'crew-a1',
      window: 'day',
      mode: 'hard',
      limitUsd: 1,
      limitTokens: null,
    });
    database.sqlite
      .prepare(
        `INSERT INTO cost_ledger (id, at, workspace_id, crew_id, agent_id, provider, cost_micros, billing_mode,
           cost_confidence) VALUES ('elsewhere', ?, 'wa', 'crew-a1', 'agent-a1', 'anthropic', 2000000, 'api', 'exact')`,
      )
      .run(clock.now().toISOString());
    expect(paymaster.budgets.list('wa').find((item) => item.id === budget.id)?.spent_usd).toBe(0);
    clock.set('2025-03-12T10:01:00.000Z');
    expect(paymaster.budgets.list('wa').find((item) => item.id === budget.id)?.spent_usd).toBe(2);
  });
});
