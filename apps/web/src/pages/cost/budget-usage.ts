import { type Budget, SOFT_BUDGET_WARN_RATIO } from '@crewship/contracts';

export type BudgetState = 'ok' | 'warning' | 'exceeded' | 'blocked';

/** How far a budget's current window has gone: the larger of its dollar and token ratios, and what that means. */
export function budgetUsage(
  budget: Pick<Budget, 'mode' | 'limit_usd' | 'limit_tokens' | 'spent_usd' | 'spent_tokens'>,
): {
  ratio: number;
  state: BudgetState;
} {
  const ratios = [
    budget.limit_usd === null ? null : ratioOf(budget.spent_usd, budget.limit_usd),
    budget.limit_tokens === null ? null : ratioOf(budget.spent_tokens, budget.limit_tokens),
  ].filter((ratio): ratio is number => ratio !== null);
  const ratio = ratios.length === 0 ? 0 : Math.max(...ratios);
  if (ratio >= 1) return { ratio, state: budget.mode === 'hard' ? 'blocked' : 'exceeded' };
  if (ratio >= SOFT_BUDGET_WARN_RATIO) return { ratio, state: 'warning' };
  return { ratio, state: 'ok' };
}

/** Spent over limit; a zero limit is reached at once. */
export function ratioOf(spent: number, limit: number): number {
  if (limit <= 0) return 1;
  return spent / limit;
}
