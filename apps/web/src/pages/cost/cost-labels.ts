import type { BudgetWindow, PAYMASTER_GROUPINGS } from '@crewship/contracts';

export type Grouping = (typeof PAYMASTER_GROUPINGS)[number];
export type Measure = 'cost' | 'tokens';

export const WINDOW_LABELS: Record<BudgetWindow, string> = {
  day: 'Today',
  week: 'This week',
  month: 'This month',
};

export const GROUPING_LABELS: Record<Grouping, string> = {
  crew: 'Crew',
  agent: 'Agent',
  model: 'Model',
  day: 'Day',
};

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A UTC day key (`2026-05-04`) as `Mon, May 4` (UTC, like the windows themselves). */
export function formatDay(key: string, style: 'long' | 'weekday' | 'date' = 'long'): string {
  const day = new Date(`${key}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return key;
  const weekday = WEEKDAYS[day.getUTCDay()];
  const date = day.getUTCDate();
  if (style === 'date') return String(date);
  if (style === 'weekday') return `${weekday} ${date}`;
  return `${weekday}, ${MONTHS[day.getUTCMonth()]} ${date}`;
}

/** Every UTC day (`YYYY-MM-DD`) from the day of `start` to the day of `end`, both included. */
export function dayRange(start: string | Date, end: string | Date): string[] {
  const first = new Date(start);
  const last = new Date(end);
  const cursor = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate());
  const stop = Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate());
  const days: string[] = [];
  for (let day = cursor; day <= stop && days.length < 400; day += 86_400_000) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

/** Short axis label: `$0.25`, `$1.5K`, `12K` tokens. */
export function formatTick(value: number, measure: Measure): string {
  return measure === 'cost' ? `$${compact.format(value)}` : compact.format(value);
}
