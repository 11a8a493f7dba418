import type { JournalEntryDto } from '@crewship/contracts';
import { useCallback, useMemo, useState } from 'react';
import { Button } from '../../components/ui/button';
import { EmptyState, ErrorNotice, Spinner } from '../../components/ui/feedback';
import { LoadMoreButton } from '../../components/ui/load-more-button';
import { useNames } from '../../lib/use-names';
import { JournalEntryItem } from './journal-entry-item';
import { LiveIndicator } from './live-indicator';
import { type JournalFilters, matchesFilters } from './use-journal-filters';
import { useJournalPages } from './use-journal-pages';
import { useJournalTail } from './use-journal-tail';

const MAX_LIVE = 500;

/**
 * Entries newest first. Without a text search, new entries stream in at the top; with one, they are
 * counted instead so the results do not move under the reader. Remount (key) it when filters change.
 */
export function TimelineTab(props: { filters: JournalFilters; onFilterRun: (runId: string) => void }) {
  const { filters } = props;
  const names = useNames();
  const pages = useJournalPages(filters);
  const [live, setLive] = useState<JournalEntryDto[]>([]);
  const [newCount, setNewCount] = useState(0);
  const searching = filters.q !== '';
  const clientFiltered = Boolean(filters.agent || filters.crew || filters.run);

  const loaded = useMemo(() => pages.data?.pages.flatMap((page) => page.items) ?? [], [pages.data]);
  const onEntry = useCallback(
    (entry: JournalEntryDto) => {
      if (!matchesFilters(entry, filters)) return;
      if (searching) setNewCount((count) => count + 1);
      else setLive((current) => [entry, ...current].slice(0, MAX_LIVE));
    },
    [filters, searching],
  );
  const status = useJournalTail({
    enabled: pages.data !== undefined,
    afterSeq: searching || clientFiltered ? 'head' : (loaded[0]?.seq ?? 0),
    type: filters.type || undefined,
    onEntry,
  });

  const entries = useMemo(() => {
    const bySeq = new Map<number, JournalEntryDto>();
    for (const entry of [...live, ...loaded]) bySeq.set(entry.seq, entry);
    return [...bySeq.values()].sort((a, b) => b.seq - a.seq);
  }, [live, loaded]);

  if (pages.isPending) return <Spinner label="Loading the journal" />;
  if (!pages.data) return <ErrorNotice error={pages.error} />;

  return (
    <section aria-label="Timeline" className="grid gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-muted-foreground">
          {searching ? `Entries matching “${filters.q}”` : 'Newest first'}
        </p>
        <LiveIndicator status={status} />
      </div>
      {searching && newCount > 0 ? (
        <div
          role="status"
          className="flex flex-wrap items-center justify-between gap-2 rounded-md border bg-muted/50 p-2 text-sm"
        >
          <span>
            {newCount} new {newCount === 1 ? 'entry' : 'entries'} since this search
          </span>
          <Button
            size="sm"
            variant="outline"
            onClick={() => {
              setNewCount(0);
              void pages.refetch();
            }}
          >
            Refresh results
          </Button>
        </div>
      ) : null}
      {entries.length === 0 ? (
        <EmptyState title={searching ? 'No entries match this search' : 'No journal entries yet'}>
          {searching
            ? 'Try other words, a prefix such as deploy*, or clear the filters.'
            : 'Entries appear here as agents run: start a chat with an agent to see its run journaled live.'}
        </EmptyState>
      ) : (
        <ol aria-label="Journal entries" className="divide-y rounded-lg border bg-card">
          {entries.map((entry) => (
            <JournalEntryItem
              key={entry.seq}
              entry={entry}
              names={names}
              search={filters.q}
              onFilterRun={filters.run ? undefined : props.onFilterRun}
            />
          ))}
        </ol>
      )}
      {pages.hasNextPage ? (
        <LoadMoreButton loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()} />
      ) : null}
      {pages.isError ? <ErrorNotice error={pages.error} /> : null}
    </section>
  );
}
