import type { BudgetWindow } from '@crewship/contracts';

/** Start of the budget window holding `now`, in UTC: midnight, ISO-week Monday, or the 1st of the month. */
export function windowStart(window: BudgetWindow, now: Date): Date {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const day = now.getUTCDate();
  switch (window) {
    case 'day':
      return new Date(Date.UTC(year, month, day));
    case 'week':
      return new Date(Date.UTC(year, month, day - ((now.getUTCDay() + 6) % 7)));
    case 'month':
      return new Date(Date.UTC(year, month, 1));
  }
}
