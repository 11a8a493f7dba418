import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { EmptyState, ErrorNotice, Spinner } from '../../components/ui/feedback';
import { LoadMoreButton } from '../../components/ui/load-more-button';
import { useApi } from '../../lib/session';
import { useNames } from '../../lib/use-names';
import { RunsTable } from './runs-table';
import type { JournalFilters } from './use-journal-filters';
import { useJournalPages } from './use-journal-pages';
import { useLiveRuns } from './use-live-runs';

const STEP = 50;
const MAX_RUNS = 500;

/** The newest runs, or with a text search the runs whose journal entries match it. */
export function RunsTab(props: { filters: JournalFilters }) {
  useLiveRuns();
  return props.filters.q ? <MatchingRuns filters={props.filters} /> : <LatestRuns filters={props.filters} />;
}

function LatestRuns({ filters }: { filters: JournalFilters }) {
  const api = useApi();
  const names = useNames();
  const [limit, setLimit] = useState(STEP);
  const query = { agent: filters.agent || undefined, crew: filters.crew || undefined, limit };
  const runs = useQuery({
    queryKey: ['runs', 'list', query],
    queryFn: () => api.runs.list(query),
    placeholderData: (previous) => previous,
  });
  if (runs.isPending) return <Spinner label="Loading runs" />;
  if (!runs.data) return <ErrorNotice error={runs.error} />;
  if (runs.data.length === 0) {
    return (
      <EmptyState title="No runs yet">A run starts when someone sends an agent a message in Chat.</EmptyState>
    );
  }
  const rows = runs.data.map((run) => ({ id: run.id, run }));
  return (
    <div className="grid gap-3">
      <RunsTable rows={rows} names={names} caption="Latest runs, newest first" />
      {runs.data.length >= limit && limit < MAX_RUNS ? (
        <LoadMoreButton loading={runs.isFetching} onClick={() => setLimit(limit + STEP)} />
      ) : null}
    </div>
  );
}

function MatchingRuns({ filters }: { filters: JournalFilters }) {
  const api = useApi();
  const names = useNames();
  const pages = useJournalPages(filters);
  // Runs are read from the list (not one by one), so a trace id that is no run never costs a 404.
  const runs = useQuery({
    queryKey: ['runs', 'list', { limit: MAX_RUNS }],
    queryFn: () => api.runs.list({ limit: MAX_RUNS }),
  });
  const runIds = useMemo(() => {
    const ids = new Set<string>();
    for (const page of pages.data?.pages ?? []) {
      for (const entry of page.items) if (entry.trace_id) ids.add(entry.trace_id);
    }
    return [...ids];
  }, [pages.data]);

  if (pages.isPending || runs.isPending) return <Spinner label="Finding matching runs" />;
  if (!pages.data) return <ErrorNotice error={pages.error} />;
  if (!runs.data) return <ErrorNotice error={runs.error} />;
  const byId = new Map(runs.data.map((run) => [run.id, run]));
  return (
    <div className="grid gap-3">
      <p className="text-sm text-muted-foreground" role="status">
        {runIds.length} {runIds.length === 1 ? 'run has' : 'runs have'} journal entries matching “{filters.q}”
        {pages.hasNextPage ? ' (in the entries read so far)' : ''}
      </p>
      {runIds.length === 0 ? (
        <EmptyState title="No run matches this search">
          Entries that match are not part of a run; see them on the Timeline tab.
        </EmptyState>
      ) : (
        <RunsTable
          rows={runIds.map((id) => ({ id, run: byId.get(id) }))}
          names={names}
          caption={`Runs with journal entries matching ${filters.q}`}
        />
      )}
      {pages.hasNextPage ? (
        <LoadMoreButton
          label="Search older entries"
          loading={pages.isFetchingNextPage}
          onClick={() => void pages.fetchNextPage()}
        />
      ) : null}
    </div>
  );
}
