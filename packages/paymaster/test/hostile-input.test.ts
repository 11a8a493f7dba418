import { CrewshipError } from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BudgetInput } from '../src/index.js';
import { createHarness, type Harness } from './fixtures.js';

let harness: Harness;
beforeEach(() => {
  harness = createHarness();
});
afterEach(() => harness.remove());

function kindOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof CrewshipError) return error.kind;
    throw error;
  }
  return 'none';
}

const budget: BudgetInput = {
  scope: 'crew',
  scopeId: 'crew-a1',
  window: 'day',
  mode: 'hard',
  limitUsd: 5,
  limitTokens: null,
};
const setBudget = (patch: Record<string, unknown>, workspace = 'wa') =>
  kindOf(() => harness.paymaster.budgets.set(workspace, { ...budget, ...patch } as BudgetInput));

describe('hostile input', () => {
  it('refuses bad budgets', () => {
    for (const patch of [
      { limitUsd: -1 },
      { limitUsd: Number.NaN },
      { limitUsd: Number.POSITIVE_INFINITY },
      { limitUsd: 1e300 },
      { limitUsd: '5' },
      { limitUsd: null, limitTokens: -10 },
      { limitUsd: null, limitTokens: 1.5 },
      { limitUsd: null, limitTokens: 1e300 },
      { limitUsd: null, limitTokens: null },
      { scope: 'planet' },
      { window: 'year' },
      { mode: 'maybe' },
      { scopeId: '' },
      { scopeId: 'x'.repeat(65) },
      { extra: true },
      { scope: 'workspace', scopeId: 'wb' },
    ]) {
      expect([patch, setBudget(patch)]).toEqual([patch, 'invalid_input']);
    }
    expect(setBudget({ scope: 'crew', scopeId: 'crew-b' })).toBe('not_found');
    expect(setBudget({ scope: 'agent', scopeId: 'agent-b' })).toBe('not_found');
    expect(setBudget({}, 'no-such-workspace')).toBe('not_found');
    expect(harness.paymaster.budgets.list('wa')).toEqual([]);
    expect(setBudget({ limitUsd: 10_000_000, limitTokens: 1e15 })).toBe('none');
  });

  it('refuses to delete a budget that is absent or of another workspace', () => {
    const created = harness.paymaster.budgets.set('wa', budget);
    expect(kindOf(() => harness.paymaster.budgets.delete('wb', created.id))).toBe('not_found');
    expect(kindOf(() => harness.paymaster.budgets.delete('wa', 'nope'))).toBe('not_found');
    expect(harness.paymaster.budgets.list('wa')).toHaveLength(1);
  });

  it('refuses bad prices, queries and metering events', () => {
    const { paymaster, event } = harness;
    const rate = { provider: 'openai', model: 'gpt-x', input_per_m: 1, output_per_m: 1 };
    for (const patch of [
      { input_per_m: -1 },
      { output_per_m: 1e9 },
      { provider: 'evil' },
      { model: '   ' },
      { model: 'm'.repeat(201) },
      { surprise: 1 },
    ]) {
      expect(kindOf(() => paymaster.rates.set('wa', { ...rate, ...patch } as never))).toBe('invalid_input');
    }
    expect(kindOf(() => paymaster.rates.set('no-such-workspace', rate as never))).toBe('not_found');
    expect(kindOf(() => paymaster.summary('wa', { by: 'planet' as never, window: 'day' }))).toBe(
      'invalid_input',
    );
    expect(kindOf(() => paymaster.summary('wa', { by: 'crew', window: 'year' as never }))).toBe(
      'invalid_input',
    );
    expect(kindOf(() => paymaster.ledger('wa', { limit: 0 }))).toBe('invalid_input');
    expect(kindOf(() => paymaster.ledger('wa', { limit: 1e6 }))).toBe('invalid_input');
    expect(kindOf(() => paymaster.ledger('wa', { runId: "' OR 1=1 --" }))).toBe('none');

    const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 1, cacheWriteTokens: 1 };
    for (const bad of [
      { usage: { ...usage, inputTokens: -1 } },
      { usage: { ...usage, outputTokens: 0.5 } },
      { usage: { ...usage, cacheReadTokens: Number.NaN } },
      { usage: { ...usage, cacheWriteTokens: 1e12 } },
      { provider: 'evil' as never },
      { billingMode: 'free' as never },
      { workspaceId: '' },
    ]) {
      expect(kindOf(() => paymaster.record(event('agent-a1', bad)))).toBe('invalid_input');
    }
    expect(kindOf(() => paymaster.record(event('agent-a1', { workspaceId: 'no-such-workspace' })))).toBe(
      'not_found',
    );
    expect(paymaster.ledger('wa', {})).toEqual([]);
    // An unreadable time falls back to the clock.
    expect(paymaster.record(event('agent-a1', { at: 'yesterday-ish' })).at).toBe('2025-03-12T10:00:00.000Z');
  });
});
