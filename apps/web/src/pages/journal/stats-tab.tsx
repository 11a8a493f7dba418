import { RUN_STATUSES } from '@crewship/contracts';
import { useQueries, useQuery } from '@tanstack/react-query';
import { type Bar, BarList } from '../../components/charts/bar-list';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Select } from '../../components/ui/input';
import { formatDuration, formatNumber, formatUsd } from '../../lib/format';
import { useApi } from '../../lib/session';
import { useLiveRuns } from './use-live-runs';

export const STATS_WINDOWS = {
  '24h': { label: 'Last 24 hours', ms: 24 * 3600_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
} as const;
export type StatsWindow = keyof typeof STATS_WINDOWS;

/** Per-agent figures are one request each; past this many agents only the totals are shown. */
const MAX_AGENTS = 25;

const STATUS_TONES: Record<string, string> = {
  completed: 'fill-success',
  failed: 'fill-destructive',
  timeout: 'fill-destructive',
  cancelled: 'fill-muted-foreground',
  running: 'fill-primary',
};

/** Computed when the request is made, so a refetch covers the period up to now. */
function sinceOf(period: StatsWindow): string {
  return new Date(Date.now() - STATS_WINDOWS[period].ms).toISOString();
}

function Figure(props: { label: string; value: string; detail?: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-sm font-medium text-muted-foreground">{props.label}</CardTitle>
      </CardHeader>
      <CardContent>
        <p className="text-2xl font-semibold tabular-nums">{props.value}</p>
        {props.detail ? <p className="text-xs text-muted-foreground">{props.detail}</p> : null}
      </CardContent>
    </Card>
  );
}

/** Run totals for a period: cards for the headline numbers, bars by status and by agent. */
export function StatsTab(props: { period: StatsWindow; onPeriodChange: (period: StatsWindow) => void }) {
  useLiveRuns();
  const api = useApi();
  const { period } = props;
  const stats = useQuery({
    queryKey: ['runs', 'stats', period],
    queryFn: () => api.runs.stats({ since: sinceOf(period) }),
  });
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => api.agents.list() });
  const charted = (agents.data ?? []).slice(0, MAX_AGENTS);
  const perAgent = useQueries({
    queries: charted.map((agent) => ({
      queryKey: ['runs', 'stats', period, { agent: agent.id }],
      queryFn: () => api.runs.stats({ since: sinceOf(period), agent: agent.id }),
    })),
  });

  const completed = stats.data?.by_status.completed ?? 0;
  const total = stats.data?.total ?? 0;
  const statusBars: Bar[] = stats.data
    ? RUN_STATUSES.map((status) => ({
        label: status,
        value: stats.data.by_status[status] ?? 0,
        tone: STATUS_TONES[status] ?? 'fill-primary',
      }))
    : [];
  const agentRows = charted
    .map((agent, index) => ({ agent, stats: perAgent[index]?.data }))
    .filter((row) => row.stats && row.stats.total > 0);
  const runsByAgent: Bar[] = agentRows.map(({ agent, stats: figures }) => ({
    label: agent.slug,
    value: figures?.total ?? 0,
  }));
  const costByAgent: Bar[] = agentRows.map(({ agent, stats: figures }) => ({
    label: agent.slug,
    value: figures?.cost_usd ?? 0,
    display: formatUsd(figures?.cost_usd ?? 0),
  }));
  const agentsLoading = agents.isPending || perAgent.some((query) => query.isPending);

  return (
    <section aria-label="Stats" className="grid gap-4">
      <Field label="Window" className="max-w-xs">
        <Select value={period} onChange={(event) => props.onPeriodChange(event.target.value as StatsWindow)}>
          {Object.entries(STATS_WINDOWS).map(([value, { label }]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      {stats.isPending ? <Spinner label="Loading stats" /> : null}
      {stats.error ? <ErrorNotice error={stats.error} /> : null}
      {stats.data ? (
        <>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <Figure
              label="Runs"
              value={formatNumber(total)}
              detail={`${formatNumber(stats.data.by_status.running ?? 0)} running now`}
            />
            <Figure
              label="Completed"
              value={total > 0 ? `${Math.round((completed / total) * 100)} %` : '—'}
              detail={`${formatNumber(completed)} of ${formatNumber(total)} runs`}
            />
            <Figure
              label="Cost"
              value={formatUsd(stats.data.cost_usd)}
              detail={`${formatNumber(stats.data.input_tokens)} tokens in, ${formatNumber(stats.data.output_tokens)} out`}
            />
            <Figure label="Average duration" value={formatDuration(stats.data.avg_duration_ms)} />
          </div>
          <div className="grid gap-3 lg:grid-cols-3">
            <Card>
              <CardContent className="pt-4">
                <BarList
                  title="Runs by status"
                  bars={total > 0 ? statusBars : []}
                  empty="No runs in this period."
                />
              </CardContent>
            </Card>
            <Card>
              <CardContent className="pt-4">
                {agentsLoading ? (
                  <Spinner label="Loading runs by agent" />
                ) : (
                  <BarList title="Runs by agent" bars={runsByAgent} empty="No agent ran in this period." />
                )}
              </CardContent>
            </Card>
            <Card>
              <CardContent className="pt-4">
                {agentsLoading ? (
                  <Spinner label="Loading cost by agent" />
                ) : (
                  <BarList
                    title="Cost by agent"
                    bars={costByAgent}
                    empty="No cost recorded in this period."
                  />
                )}
              </CardContent>
            </Card>
          </div>
          {(agents.data?.length ?? 0) > MAX_AGENTS ? (
            <p className="text-xs text-muted-foreground">
              Agent charts show the first {MAX_AGENTS} agents; see the Cost page for every agent.
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
