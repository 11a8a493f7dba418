import { describe, expect, it } from 'vitest';
import { budgetUsage, ratioOf } from './budget-usage';

const budget = {
  mode: 'hard' as const,
  limit_usd: 10,
  limit_tokens: null,
  spent_usd: 0,
  spent_tokens: 0,
};

describe('budgetUsage', () => {
  it('is ok below 80 % and warns from 80 %', () => {
    expect(budgetUsage({ ...budget, spent_usd: 7.99 }).state).toBe('ok');
    expect(budgetUsage({ ...budget, spent_usd: 8 })).toEqual({ ratio: 0.8, state: 'warning' });
  });

  it('blocks a hard budget at the limit and only marks a soft one as exceeded', () => {
    expect(budgetUsage({ ...budget, spent_usd: 10 }).state).toBe('blocked');
    expect(budgetUsage({ ...budget, mode: 'soft', spent_usd: 12 })).toEqual({
      ratio: 1.2,
      state: 'exceeded',
    });
  });

  it('takes the fuller of the dollar and token limits', () => {
    const both = { ...budget, limit_tokens: 1000, spent_usd: 1, spent_tokens: 900 };
    expect(budgetUsage(both)).toEqual({ ratio: 0.9, state: 'warning' });
    expect(budgetUsage({ ...both, limit_usd: null, spent_tokens: 100 })).toEqual({ ratio: 0.1, state: 'ok' });
  });

  it('treats a zero limit as reached', () => {
    expect(ratioOf(0, 0)).toBe(1);
    expect(budgetUsage({ ...budget, limit_usd: 0 }).state).toBe('blocked');
  });
});
