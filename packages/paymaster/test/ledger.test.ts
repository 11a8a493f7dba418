import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './fixtures.js';

let harness: Harness;
beforeEach(() => {
  harness = createHarness();
});
afterEach(() => harness.remove());

const usage = (inputTokens: number, outputTokens = 0, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

describe('ledger and pricing', () => {
  it('prices every row from the rate card; sums equal a hand computation to the cent', () => {
    const { paymaster, event } = harness;
    harness.runs.set('agent-a1', 'run-1');
    const calls = [
      // 1200 x 3 + 350 x 15 + 40000 x 0.30 + 2500 x 3.75 = 30,225 µ$
      {
        agent: 'agent-a1',
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        usage: usage(1200, 350, 40_000, 2500),
      },
      // 5000 x 2 + 800 x 8 + 12000 x 0.50 = 22,400 µ$
      { agent: 'agent-a1b', provider: 'openai', model: 'gpt-4.1', usage: usage(5000, 800, 12_000) },
      // 7 x 0.30 + 3 x 2.50 + 11 x 0.03 = 9.93 µ$, rounded once to 10
      { agent: 'agent-a2', provider: 'google', model: 'gemini-2.5-flash', usage: usage(7, 3, 11) },
      // 333 x 1 + 77 x 5 = 718 µ$
      { agent: 'agent-a1', provider: 'anthropic', model: 'claude-haiku-4-5', usage: usage(333, 77) },
    ] as const;
    let handDollars = 0;
    const perMillion: Record<string, [number, number, number, number]> = {
      'claude-sonnet-4-5': [3, 15, 0.3, 3.75],
      'gpt-4.1': [2, 8, 0.5, 0],
      'gemini-2.5-flash': [0.3, 2.5, 0.03, 0],
      'claude-haiku-4-5': [1, 5, 0.1, 1.25],
    };
    for (let round = 0; round < 250; round += 1) {
      for (const call of calls) {
        paymaster.record(
          event(call.agent, { provider: call.provider, model: call.model, usage: call.usage }),
        );
        const [input, output, cacheRead, cacheWrite] = perMillion[call.model]!;
        handDollars +=
          (call.usage.inputTokens * input +
            call.usage.outputTokens * output +
            call.usage.cacheReadTokens * cacheRead +
            call.usage.cacheWriteTokens * cacheWrite) /
          1e6;
      }
    }
    const summary = paymaster.summary('wa', { by: 'model', window: 'month' });
    // (30,225 + 22,400 + 10 + 718) µ$ x 250 = 13,338,250 µ$
    expect(summary.total_usd).toBe(13.33825);
    expect(summary.total_usd.toFixed(2)).toBe('13.34');
    expect(handDollars.toFixed(2)).toBe('13.34');
    expect(summary.unpriced_calls).toBe(0);
    expect(summary.groups.map((group) => [group.key, group.calls, group.cost_usd])).toEqual([
      ['anthropic/claude-sonnet-4-5', 250, 7.55625],
      ['openai/gpt-4.1', 250, 5.6],
      ['anthropic/claude-haiku-4-5', 250, 0.1795],
      ['google/gemini-2.5-flash', 250, 0.0025],
    ]);
    // agent-a1's rows belong to run-1: 250 x (30,225 + 718) µ$
    expect(paymaster.runCostUsd('run-1')).toBe(7.73575);
    const [first] = paymaster.ledger('wa', { agentId: 'agent-a1', limit: 1 });
    expect(first).toMatchObject({
      model: 'claude-haiku-4-5',
      cost_usd: 0.000718,
      cost_confidence: 'exact',
      billing_mode: 'api',
      run_id: 'run-1',
      status: 200,
    });
    const snapshot = harness.database.sqlite
      .prepare(
        'SELECT rate_input_per_m, rate_cache_write_per_m, source FROM cost_ledger WHERE model = ? LIMIT 1',
      )
      .get('claude-sonnet-4-5');
    expect(snapshot).toEqual({ rate_input_per_m: 3, rate_cache_write_per_m: 3.75, source: 'gateway' });
  });

  it('keeps tokens but no dollars for subscription usage and unpriced models', () => {
    const { paymaster, event } = harness;
    const subscription = paymaster.record(
      event('agent-a1', { model: 'claude-sonnet-4-5', usage: usage(1000, 200), billingMode: 'subscription' }),
    );
    expect(subscription).toMatchObject({
      cost_usd: null,
      cost_confidence: 'unpriced',
      billing_mode: 'subscription',
      input_tokens: 1000,
      output_tokens: 200,
    });
    expect(paymaster.record(event('agent-a1', { model: 'mystery-1', usage: usage(50) }))).toMatchObject({
      cost_usd: null,
      cost_confidence: 'unpriced',
      billing_mode: 'api',
    });
    expect(paymaster.record(event('agent-a1', { model: null, usage: usage(5) })).cost_usd).toBeNull();
    const failed = paymaster.record(event('agent-a1', { model: 'claude-sonnet-4-5', status: 529 }));
    expect(failed).toMatchObject({ status: 529, cost_usd: 0, input_tokens: 0, cost_confidence: 'exact' });
    const summary = paymaster.summary('wa', { by: 'agent', window: 'day' });
    expect(summary).toMatchObject({ total_usd: 0, total_tokens: 1255, unpriced_calls: 3 });
    expect(summary.groups).toEqual([
      {
        key: 'agent-a1',
        label: 'ada',
        calls: 4,
        cost_usd: 0,
        input_tokens: 1055,
        output_tokens: 200,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
      },
    ]);
  });

  it('lets workspace prices win over the defaults, in that workspace only', () => {
    const { paymaster, event } = harness;
    const set = paymaster.rates.set('wa', {
      provider: 'anthropic',
      model: 'Claude-Sonnet-4*',
      input_per_m: 2,
      output_per_m: 10,
    });
    expect(set).toEqual({
      provider: 'anthropic',
      model: 'claude-sonnet-4*',
      input_per_m: 2,
      output_per_m: 10,
      cache_read_per_m: 0.2,
      cache_write_per_m: 2.5,
      source: 'workspace',
    });
    paymaster.rates.set('wa', { provider: 'openai', model: '*', input_per_m: 9, output_per_m: 9 });
    const listed = paymaster.rates.list('wa');
    expect(listed.filter((rate) => rate.model === 'claude-sonnet-4*')).toEqual([set]);
    expect(listed.find((rate) => rate.model === 'claude-haiku-4*')?.source).toBe('default');
    expect(paymaster.rates.list('wb').find((rate) => rate.model === 'claude-sonnet-4*')?.source).toBe(
      'default',
    );

    const call = { model: 'claude-sonnet-4-5', usage: usage(1_000_000) };
    expect(paymaster.record(event('agent-a1', call)).cost_usd).toBe(2);
    expect(paymaster.record(event('agent-b', call)).cost_usd).toBe(3);
    // A workspace glob is looked at before any default, even a more specific one.
    const gpt = paymaster.record(
      event('agent-a1b', { provider: 'openai', model: 'gpt-4.1', usage: usage(1e6) }),
    );
    expect(gpt.cost_usd).toBe(9);
    // Setting again replaces the override.
    paymaster.rates.set('wa', { provider: 'openai', model: '*', input_per_m: 4, output_per_m: 4 });
    expect(paymaster.rates.list('wa').filter((rate) => rate.model === '*')).toHaveLength(1);
    const again = paymaster.record(
      event('agent-a1b', { provider: 'openai', model: 'gpt-4.1', usage: usage(1e6) }),
    );
    expect(again.cost_usd).toBe(4);
  });

  it('filters the ledger and groups the summary by crew, agent and UTC day', () => {
    const { paymaster, clock } = harness;
    clock.set('2025-03-10T23:59:00.000Z');
    harness.spend('agent-a1', 0.5);
    clock.set('2025-03-11T00:00:00.000Z');
    harness.runs.set('agent-a1b', 'run-7');
    harness.spend('agent-a1b', 0.25);
    harness.spend('agent-a2', 1);
    harness.spend('agent-b', 4);
    clock.set('2025-03-11T08:00:00.000Z');

    expect(paymaster.ledger('wa', {}).map((entry) => entry.agent_id)).toEqual([
      'agent-a2',
      'agent-a1b',
      'agent-a1',
    ]);
    expect(paymaster.ledger('wa', { runId: 'run-7' }).map((entry) => entry.cost_usd)).toEqual([0.25]);
    expect(paymaster.ledger('wa', { crewId: 'crew-a1' })).toHaveLength(2);
    expect(paymaster.ledger('wa', { crewId: 'crew-b' })).toEqual([]);
    expect(paymaster.ledger('wa', { limit: 1 })).toHaveLength(1);

    const byCrew = paymaster.summary('wa', { by: 'crew', window: 'week' });
    expect(byCrew.window_start).toBe('2025-03-10T00:00:00.000Z');
    expect(byCrew.groups.map((group) => [group.key, group.label, group.cost_usd])).toEqual([
      ['crew-a2', 'beta', 1],
      ['crew-a1', 'alpha', 0.75],
    ]);
    const byDay = paymaster.summary('wa', { by: 'day', window: 'month' });
    expect(byDay.groups.map((group) => [group.key, group.calls, group.cost_usd])).toEqual([
      ['2025-03-10', 1, 0.5],
      ['2025-03-11', 2, 1.25],
    ]);
    const today = paymaster.summary('wa', { by: 'agent', window: 'day' });
    expect(today.total_usd).toBe(1.25);
    expect(today.groups.map((group) => group.label)).toEqual(['cy', 'bob']);
  });
});
