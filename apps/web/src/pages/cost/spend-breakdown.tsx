import type { PaymasterSummary } from '@crewship/contracts';
import { Link } from 'react-router';
import { BarChart, type ChartDatum } from '../../components/charts/bar-chart';
import { ColumnChart } from '../../components/charts/column-chart';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { EmptyState } from '../../components/ui/feedback';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { formatNumber, formatUsd } from '../../lib/format';
import { dayRange, formatDay, formatTick, GROUPING_LABELS, type Measure, WINDOW_LABELS } from './cost-labels';

type Group = PaymasterSummary['groups'][number];

const MAX_BARS = 12;
const tokensOf = (group: Group) =>
  group.input_tokens + group.output_tokens + group.cache_read_tokens + group.cache_write_tokens;
const emptyGroup = (key: string): Group => ({
  key,
  label: key,
  calls: 0,
  cost_usd: 0,
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
});

function groupName(summary: PaymasterSummary, group: Group): string {
  if (summary.by === 'day') return formatDay(group.key);
  if (group.key === 'none') return '(none)';
  return group.label;
}

/** Every day of the window up to today, with zero for days without calls. */
function filledDays(summary: PaymasterSummary): Group[] {
  const byKey = new Map(summary.groups.map((group) => [group.key, group]));
  const last = summary.groups.at(-1)?.key;
  const end = last && last > new Date().toISOString().slice(0, 10) ? `${last}T00:00:00Z` : new Date();
  return dayRange(summary.window_start, end).map((day) => byKey.get(day) ?? emptyGroup(day));
}

/** The summary's groups as a chart (bars per crew/agent/model, columns per day) and a table of all figures. */
export function SpendBreakdown({ summary, measure }: { summary: PaymasterSummary; measure: Measure }) {
  const groupLabel = GROUPING_LABELS[summary.by];
  const windowLabel = WINDOW_LABELS[summary.window].toLowerCase();
  const measureLabel = measure === 'cost' ? 'Cost' : 'Tokens';
  const groups = summary.by === 'day' ? filledDays(summary) : summary.groups;
  const measured = (group: Group) => (measure === 'cost' ? group.cost_usd : tokensOf(group));
  const data: ChartDatum[] = groups.map((group) => ({
    key: group.key,
    label: groupName(summary, group),
    value: measured(group),
    display: measure === 'cost' ? formatUsd(group.cost_usd) : formatTick(measured(group), 'tokens'),
  }));
  const tick = (value: number) => formatTick(value, measure);
  const since = formatDay(summary.window_start.slice(0, 10));

  return (
    <Card>
      <CardHeader>
        <CardTitle>
          {measureLabel} by {groupLabel.toLowerCase()}
        </CardTitle>
        <CardDescription>
          {WINDOW_LABELS[summary.window]}, since {since} (UTC)
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {summary.groups.length === 0 ? (
          <EmptyState title={`No LLM calls ${windowLabel}`}>
            Costs appear here once an agent answers a chat message or runs a routine.
          </EmptyState>
        ) : (
          <>
            {summary.by === 'day' ? (
              <ColumnChart
                data={data}
                integer={measure === 'tokens'}
                label={describeDays(measureLabel, windowLabel, data)}
                formatTick={tick}
                axisLabel={(datum) => formatDay(datum.key, summary.window === 'week' ? 'weekday' : 'date')}
              />
            ) : (
              <>
                <BarChart
                  data={data.slice(0, MAX_BARS)}
                  integer={measure === 'tokens'}
                  label={describeBars(`${measureLabel} by ${groupLabel.toLowerCase()} ${windowLabel}`, data)}
                  formatTick={tick}
                />
                {data.length > MAX_BARS ? (
                  <p className="text-xs text-muted-foreground">
                    The chart shows the top {MAX_BARS} of {data.length}; the table lists all of them.
                  </p>
                ) : null}
              </>
            )}
            <BreakdownTable summary={summary} />
          </>
        )}
      </CardContent>
    </Card>
  );
}

function describeBars(title: string, data: ChartDatum[]): string {
  const shown = data.slice(0, 8).map((datum) => `${datum.label} ${datum.display}`);
  const more = data.length > 8 ? `, and ${data.length - 8} more` : '';
  return `${title}: ${shown.join(', ')}${more}.`;
}

function describeDays(measureLabel: string, windowLabel: string, data: ChartDatum[]): string {
  const active = data.filter((datum) => datum.value > 0);
  const highest = active.reduce<ChartDatum | undefined>(
    (best, datum) => (!best || datum.value > best.value ? datum : best),
    undefined,
  );
  const peak = highest ? `; highest ${highest.display} on ${highest.label}` : '';
  return `${measureLabel} by day ${windowLabel}: ${active.length} of ${data.length} days with calls${peak}.`;
}

function BreakdownTable({ summary }: { summary: PaymasterSummary }) {
  const linkTo = summary.by === 'crew' ? '/crews/' : summary.by === 'agent' ? '/agents/' : null;
  return (
    <Table>
      <caption className="sr-only">
        Spend by {GROUPING_LABELS[summary.by].toLowerCase()}, {WINDOW_LABELS[summary.window].toLowerCase()}
      </caption>
      <THead>
        <Tr>
          <Th>{GROUPING_LABELS[summary.by]}</Th>
          <Th className="text-right">Calls</Th>
          <Th className="text-right">Cost</Th>
          <Th className="text-right">Tokens in</Th>
          <Th className="text-right">Tokens out</Th>
          <Th className="text-right">Cache read</Th>
          <Th className="text-right">Cache write</Th>
        </Tr>
      </THead>
      <TBody>
        {summary.groups.map((group) => (
          <Tr key={group.key}>
            <Td className="font-medium">
              {linkTo && group.key !== 'none' ? (
                <Link
                  to={`${linkTo}${encodeURIComponent(group.key)}`}
                  className="text-primary hover:underline"
                >
                  {groupName(summary, group)}
                </Link>
              ) : (
                groupName(summary, group)
              )}
            </Td>
            <Td className="text-right tabular-nums">{formatNumber(group.calls)}</Td>
            <Td className="text-right tabular-nums">{formatUsd(group.cost_usd)}</Td>
            <Td className="text-right tabular-nums">{formatNumber(group.input_tokens)}</Td>
            <Td className="text-right tabular-nums">{formatNumber(group.output_tokens)}</Td>
            <Td className="text-right tabular-nums">{formatNumber(group.cache_read_tokens)}</Td>
            <Td className="text-right tabular-nums">{formatNumber(group.cache_write_tokens)}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
