import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './fixtures.js';

let harness: Harness;
beforeEach(() => {
  harness = createHarness();
});
afterEach(() => harness.remove());

const reconciled = () => harness.journal.entries.filter((entry) => entry.entryType === 'cost.reconciled');
const cli = (costUsd: number | null) => ({
  costUsd,
  inputTokens: 1000,
  outputTokens: 200,
  cacheReadTokens: 30,
  cacheWriteTokens: 4,
});

describe('reconcile', () => {
  it('journals the ledger against the CLI totals when the gateway metered the run', async () => {
    const { paymaster } = harness;
    harness.runs.set('agent-a1', 'run-1');
    harness.spend('agent-a1', 0.03);
    harness.spend('agent-a1', 0.015);
    await paymaster.reconcile({
      workspaceId: 'wa',
      crewId: 'crew-a1',
      agentId: 'agent-a1',
      runId: 'run-1',
      cli: cli(0.05),
    });
    expect(reconciled()).toEqual([
      expect.objectContaining({
        traceId: 'run-1',
        crewId: 'crew-a1',
        agentId: 'agent-a1',
        payload: expect.objectContaining({
          ledger_usd: 0.045,
          ledger_calls: 2,
          ledger_tokens: 45_000,
          cli_usd: 0.05,
          cli_tokens: 1234,
          delta_usd: 0.005,
          booked_from_cli: false,
        }),
      }),
    ]);
    expect(paymaster.ledger('wa', { runId: 'run-1' })).toHaveLength(2);
    expect(paymaster.runCostUsd('run-1')).toBe(0.045);
  });

  it('books the CLI cost when the ledger has nothing for the run', async () => {
    const { paymaster } = harness;
    paymaster.budgets.set('wa', {
      scope: 'agent',
      scopeId: 'agent-a1',
      window: 'day',
      mode: 'hard',
      limitUsd: 0.3,
      limitTokens: null,
    });
    await paymaster.reconcile({
      workspaceId: 'wa',
      crewId: 'crew-a1',
      agentId: 'agent-a1',
      runId: 'run-2',
      cli: cli(0.25),
    });
    expect(paymaster.ledger('wa', { runId: 'run-2' })).toEqual([
      expect.objectContaining({
        provider: 'anthropic',
        cost_usd: 0.25,
        cost_confidence: 'cli_reported',
        input_tokens: 1000,
        cache_write_tokens: 4,
        status: null,
      }),
    ]);
    expect(
      harness.database.sqlite.prepare("SELECT source FROM cost_ledger WHERE run_id = 'run-2'").get(),
    ).toEqual({ source: 'cli' });
    expect(paymaster.runCostUsd('run-2')).toBe(0.25);
    expect(reconciled()[0]?.payload).toMatchObject({
      ledger_usd: 0,
      ledger_calls: 0,
      cli_usd: 0.25,
      delta_usd: 0.25,
      booked_from_cli: true,
    });
    // The booked dollars count against budgets like any other row.
    expect(harness.inbox.items.map((item) => item.kind)).toEqual(['budget_warning']);
  });

  it('books nothing without a CLI cost, skips runs with nothing to reconcile, and never throws', async () => {
    const { paymaster } = harness;
    await paymaster.reconcile({ workspaceId: 'wa', crewId: null, agentId: null, runId: 'run-3', cli: null });
    await paymaster.reconcile({
      workspaceId: 'wa',
      crewId: 'crew-a1',
      agentId: 'agent-a1',
      runId: 'run-4',
      cli: cli(null),
    });
    expect(paymaster.ledger('wa', {})).toEqual([]);
    // run-3 never reached the model and reported nothing: no entry.
    expect(reconciled().map((entry) => entry.traceId)).toEqual(['run-4']);
    expect(reconciled()[0]?.payload).toMatchObject({ cli_usd: null, cli_tokens: 1234, delta_usd: null });

    await expect(
      paymaster.reconcile({
        workspaceId: 'wa',
        crewId: null,
        agentId: null,
        runId: 'run-5',
        cli: { ...cli(1), inputTokens: -5 },
      }),
    ).resolves.toBeUndefined();
    await expect(
      paymaster.reconcile({ workspaceId: 'nope', crewId: null, agentId: null, runId: 'run-6', cli: cli(1) }),
    ).resolves.toBeUndefined();
    harness.journal.fail = true;
    await expect(
      paymaster.reconcile({ workspaceId: 'wa', crewId: null, agentId: null, runId: 'run-7', cli: cli(null) }),
    ).resolves.toBeUndefined();
    expect(harness.logger.errors).toEqual([
      'cost reconciliation failed',
      'cost reconciliation failed',
      'cost reconciliation failed',
    ]);
  });
});
