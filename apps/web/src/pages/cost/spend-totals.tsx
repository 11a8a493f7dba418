import type { PaymasterSummary } from '@crewship/contracts';
import { formatNumber, formatUsd } from '../../lib/format';

/** The window's totals as a row of figures (a description list, so each number keeps its name). */
export function SpendTotals({ summary }: { summary: PaymasterSummary }) {
  const sum = (pick: (group: PaymasterSummary['groups'][number]) => number) =>
    summary.groups.reduce((total, group) => total + pick(group), 0);
  const figures = [
    { name: 'Cost', value: formatUsd(summary.total_usd) },
    { name: 'Calls', value: formatNumber(sum((group) => group.calls)) },
    { name: 'Tokens in', value: formatNumber(sum((group) => group.input_tokens)) },
    { name: 'Tokens out', value: formatNumber(sum((group) => group.output_tokens)) },
    {
      name: 'Cache tokens',
      value: formatNumber(sum((group) => group.cache_read_tokens + group.cache_write_tokens)),
    },
    { name: 'Unpriced calls', value: formatNumber(summary.unpriced_calls) },
  ];
  return (
    <div className="grid gap-2">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {figures.map((figure) => (
          <div key={figure.name} className="rounded-lg border bg-card p-3 shadow-xs">
            <dt className="text-xs text-muted-foreground">{figure.name}</dt>
            <dd className="mt-1 text-xl font-semibold tabular-nums">{figure.value}</dd>
          </div>
        ))}
      </dl>
      {summary.unpriced_calls > 0 ? (
        <p className="text-sm text-muted-foreground">
          {formatNumber(summary.unpriced_calls)} {summary.unpriced_calls === 1 ? 'call has' : 'calls have'} no
          dollar cost (subscription use or no price for the model); they count in tokens only. Set a price
          under Prices to cost them.
        </p>
      ) : null}
    </div>
  );
}
