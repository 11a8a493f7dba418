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
