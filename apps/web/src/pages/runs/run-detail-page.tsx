import type { JournalEntryDto, Run } from '@crewship/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { StatusBadge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { formatDuration, formatNumber, formatTime, formatUsd } from '../../lib/format';
import { useChannel } from '../../lib/realtime';
import { useApi, useSession } from '../../lib/session';
import { useDirectory } from '../../lib/use-directory';
import { ApprovalNotice } from './approval-notice';
import { CancelRunButton } from './cancel-run-button';
import { RunTimeline } from './run-timeline';
import { timelineFromJournal } from './timeline-state';

const POLL_MS = 2000;
const JOURNAL_LIMIT = 1000;

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid min-w-0 gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words text-sm">{children}</dd>
    </div>
  );
}

/** Time since `since`, ticking every second while mounted. */
function useElapsed(since: string | undefined, active: boolean): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return since ? Math.max(0, now - new Date(since).getTime()) : null;
}

function modelOf(entries: readonly JournalEntryDto[]): string | null {
  for (const entry of entries) {
    const model = entry.payload.model;
    if (
      (entry.entry_type === 'agent.usage' || entry.entry_type === 'run.started') &&
      typeof model === 'string'
    ) {
      return model;
    }
  }
  return null;
}

/** One run: its facts, a live header while it runs, and its journal as a timeline with tool calls. */
export function RunDetailPage() {
  const { run: runId = '' } = useParams();
  const api = useApi();
  const { workspace } = useSession();
  const queryClient = useQueryClient();
  const running = (data: Run | undefined) => data?.status === 'running';
  const run = useQuery({
    queryKey: ['runs', 'detail', runId],
    queryFn: () => api.runs.get(runId),
    refetchInterval: (query) => (running(query.state.data) ? POLL_MS : false),
  });
  const isRunning = running(run.data);
  const journal = useQuery({
    queryKey: ['journal', { trace: runId, limit: JOURNAL_LIMIT }],
    queryFn: () => api.journal.list({ trace: runId, limit: JOURNAL_LIMIT }),
    enabled: run.isSuccess,
    refetchInterval: isRunning ? POLL_MS : false,
  });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['runs', 'detail', runId] }),
      queryClient.invalidateQueries({ queryKey: ['journal', { trace: runId }] }),
    ]);
  useChannel(
    `workspace:${workspace.id}`,
    (event) => {
      if (event.type === 'run.status' && (event.data as { run_id?: string }).run_id === runId) void refresh();
    },
    () => void refresh(),
  );
  const directory = useDirectory();
  const elapsed = useElapsed(run.data?.started_at, isRunning);
  const entries = useMemo(() => [...(journal.data?.items ?? [])].reverse(), [journal.data]);
  const timeline = useMemo(() => timelineFromJournal(entries), [entries]);

  if (run.isPending) return <Spinner />;
  if (run.error) {
    return (
      <>
        <PageHeader title="Run" />
        <ErrorNotice error={run.error} className="mb-4" />
        <Button asChild variant="outline">
          <Link to="/runs">All runs</Link>
        </Button>
      </>
    );
  }
  const data = run.data;
  const agent = directory.agent(data.agent_id);
  const crew = directory.crew(data.crew_id);
  const model = timeline.model ?? modelOf(entries) ?? agent?.model ?? null;
  const usage = data.usage ?? timeline.usage;
  const chatLink =
    data.chat_id && (agent?.slug ?? data.agent_id)
      ? `/chat/${encodeURIComponent(agent?.slug ?? data.agent_id ?? '')}?chat=${encodeURIComponent(data.chat_id)}`
      : null;
  return (
    <>
      <PageHeader
        title="Run"
        description={data.prompt_preview.trim() || data.id}
        actions={
          <>
            {isRunning ? <CancelRunButton runId={data.id} size="default" /> : null}
            {chatLink ? (
              <Button asChild variant="outline">
                <Link to={chatLink}>Open chat</Link>
              </Button>
            ) : null}
            <Button asChild variant="ghost">
              <Link to="/runs">All runs</Link>
            </Button>
          </>
        }
      />
      <section aria-label="Run facts" className="mb-6 rounded-lg border bg-card p-4">
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
          <Fact label="Status">
            <span role="status">
              <StatusBadge status={data.status} />
            </span>
          </Fact>
          <Fact label="Failure reason">
            {data.reason && data.reason !== data.status ? (
              <span className="text-destructive">{data.reason.replaceAll('_', ' ')}</span>
            ) : (
              '—'
            )}
          </Fact>
          <Fact label="Agent">
            {agent ? (
              <Link to={`/agents/${encodeURIComponent(agent.slug)}`} className="text-primary hover:underline">
                {agent.name}
              </Link>
            ) : (
              (data.agent_id ?? '—')
            )}
          </Fact>
          <Fact label="Crew">
            {crew ? (
              <Link to={`/crews/${encodeURIComponent(crew.slug)}`} className="text-primary hover:underline">
                {crew.name}
              </Link>
            ) : (
              (data.crew_id ?? '—')
            )}
          </Fact>
          <Fact label="Model">{model ?? 'CLI default'}</Fact>
          <Fact label="Started">{formatTime(data.started_at)}</Fact>
          <Fact label="Ended">{isRunning ? 'still running' : formatTime(data.ended_at)}</Fact>
          <Fact label="Duration">{formatDuration(isRunning ? elapsed : data.duration_ms)}</Fact>
          <Fact label="Cost">{formatUsd(data.cost_usd ?? timeline.result?.cost_usd)}</Fact>
          <Fact label="Tokens">
            {usage ? (
              <>
                {formatNumber(usage.input_tokens)} in · {formatNumber(usage.output_tokens)} out
                {usage.cache_read_tokens || usage.cache_write_tokens ? (
                  <span className="block text-xs text-muted-foreground">
                    cache {formatNumber(usage.cache_read_tokens)} read ·{' '}
                    {formatNumber(usage.cache_write_tokens)} written
                  </span>
                ) : null}
              </>
            ) : (
              '—'
            )}
          </Fact>
          <Fact label="Turns">{formatNumber(data.turns)}</Fact>
          <Fact label="Journal entries">{formatNumber(data.entries)}</Fact>
        </dl>
      </section>
      {isRunning ? (
        <div className="mb-4">
          <ApprovalNotice runId={data.id} />
        </div>
      ) : null}
      <section aria-labelledby="timeline-heading" className="grid gap-3">
        <h2 id="timeline-heading" className="text-lg font-semibold">
          Timeline
        </h2>
        {journal.isPending ? <Spinner /> : null}
        {journal.error ? <ErrorNotice error={journal.error} /> : null}
        {journal.data && entries.length === 0 ? (
          <EmptyState title="No journal entries for this run yet" />
        ) : null}
        {journal.data?.next_cursor ? (
          <p className="text-xs text-muted-foreground">
            The latest {formatNumber(JOURNAL_LIMIT)} entries are shown; older ones are in the journal.
          </p>
        ) : null}
        {entries.length > 0 ? <RunTimeline items={timeline.items} ended={!isRunning} showNotes /> : null}
      </section>
    </>
  );
}
