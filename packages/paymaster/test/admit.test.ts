import type { LlmCallAdmission } from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, settle } from './fixtures.js';

let harness: Harness;
beforeEach(() => {
  harness = createHarness();
});
afterEach(() => harness.remove());

const call = (agentId: string, crewId: string, workspaceId = 'wa') => ({
  workspaceId,
  crewId,
  agentId,
  provider: 'anthropic' as const,
  model: 'test-model',
});

function hardBudget(
  scope: 'workspace' | 'crew' | 'agent',
  scopeId: string,
  limitUsd: number,
  workspace = 'wa',
) {
  return harness.paymaster.budgets.set(workspace, {
    scope,
    scopeId,
    window: 'day',
    mode: 'hard',
    limitUsd,
    limitTokens: null,
  });
}

/** Starts an admit and notes in `order` when it settles. */
function track(order: string[], name: string, admission: Promise<LlmCallAdmission>) {
  return admission.then((result) => {
    order.push(`${name} ${result.allowed ? 'allowed' : 'refused'}`);
    return result;
  });
}

describe('admit', () => {
  it('lets a call through at once when no hard budget applies', async () => {
    harness.paymaster.budgets.set('wa', {
      scope: 'crew',
      scopeId: 'crew-a1',
      window: 'day',
      mode: 'soft',
      limitUsd: 0,
      limitTokens: null,
    });
    const first = await harness.paymaster.admit(call('agent-a1', 'crew-a1'));
    const second = await harness.paymaster.admit(call('agent-a1', 'crew-a1'));
    expect(first.allowed && second.allowed).toBe(true);
  });

  it('holds a second call on the same hard budget until the first releases, then sees its spend', async () => {
    const { paymaster } = harness;
    hardBudget('crew', 'crew-a1', 1);
    const order: string[] = [];
    const first = await track(order, 'first', paymaster.admit(call('agent-a1', 'crew-a1')));
    const second = track(order, 'second', paymaster.admit(call('agent-a1b', 'crew-a1')));
    await settle();
    expect(order).toEqual(['first allowed']);

    harness.spend('agent-a1', 1); // the first call's metering event
    order.push('recorded');
    await settle();
    expect(order).toEqual(['first allowed', 'recorded']);
    if (first.allowed) first.release();
    expect(await second).toEqual({
      allowed: false,
      status: 400,
      message: 'Crewship budget exceeded: crew alpha day budget $1.00, spent $1.00',
    });
    expect(order).toEqual(['first allowed', 'recorded', 'second refused']);
    expect(harness.blocked.map((event) => event.agentId)).toEqual(['agent-a1b']);
  });

  it('passes calls on one by one while the budget holds, and release is idempotent', async () => {
    const { paymaster } = harness;
    hardBudget('agent', 'agent-a1', 1);
    const order: string[] = [];
    const first = await track(order, 'first', paymaster.admit(call('agent-a1', 'crew-a1')));
    const second = track(order, 'second', paymaster.admit(call('agent-a1', 'crew-a1')));
    const third = track(order, 'third', paymaster.admit(call('agent-a1', 'crew-a1')));
    harness.spend('agent-a1', 0.4);
    if (first.allowed) {
      first.release();
      first.release();
    }
    const secondResult = await second;
    await settle();
    expect(order).toEqual(['first allowed', 'second allowed']);
    if (first.allowed) first.release(); // a stale release must not free the second holder's lock
    await settle();
    expect(order).toEqual(['first allowed', 'second allowed']);
    harness.spend('agent-a1', 0.6);
    if (secondResult.allowed) secondResult.release();
    expect(await third).toMatchObject({ allowed: false });
    expect(order).toEqual(['first allowed', 'second allowed', 'third refused']);
  });

  it('serializes every call that shares one hard budget, across overlapping scopes', async () => {
    const { paymaster } = harness;
    hardBudget('workspace', 'wa', 100);
    hardBudget('crew', 'crew-a1', 100);
    hardBudget('agent', 'agent-a1', 100);
    hardBudget('crew', 'crew-a2', 100);
    const order: string[] = [];
    const calls = [
      track(order, 'a1', paymaster.admit(call('agent-a1', 'crew-a1'))),
      track(order, 'a1b', paymaster.admit(call('agent-a1b', 'crew-a1'))),
      track(order, 'a2', paymaster.admit(call('agent-a2', 'crew-a2'))),
      track(order, 'a1-again', paymaster.admit(call('agent-a1', 'crew-a1'))),
    ];
    for (const admission of calls) {
      const result = await admission;
      await settle();
      expect(order.filter((line) => line.endsWith('allowed'))).toHaveLength(calls.indexOf(admission) + 1);
      if (result.allowed) result.release();
    }
    expect(order).toEqual(['a1 allowed', 'a1b allowed', 'a2 allowed', 'a1-again allowed']);
  });

  it('does not hold or refuse calls outside the budget scope', async () => {
    const { paymaster } = harness;
    hardBudget('crew', 'crew-a2', 5);
    hardBudget('workspace', 'wb', 1, 'wb');
    harness.spend('agent-b', 3);
    const held = await paymaster.admit(call('agent-a2', 'crew-a2'));
    expect(held.allowed).toBe(true);
    // crew-a2's lock is held, yet crew-a1's call and the other workspace's budget do not touch it.
    expect((await paymaster.admit(call('agent-a1', 'crew-a1'))).allowed).toBe(true);
    expect((await paymaster.admit(call('agent-b', 'crew-b', 'wb'))).allowed).toBe(false);
    expect((await paymaster.admit(call('agent-a1', 'crew-a1'))).allowed).toBe(true);
    if (held.allowed) held.release();
    expect((await paymaster.admit(call('agent-a2', 'crew-a2'))).allowed).toBe(true);
  });

  it('stops holding a budget that was deleted while a call waited', async () => {
    const { paymaster } = harness;
    const budget = hardBudget('agent', 'agent-a1', 0.5);
    const first = await paymaster.admit(call('agent-a1', 'crew-a1'));
    const second = paymaster.admit(call('agent-a1', 'crew-a1'));
    harness.spend('agent-a1', 1);
    paymaster.budgets.delete('wa', budget.id);
    if (first.allowed) first.release();
    expect((await second).allowed).toBe(true);
  });
});
