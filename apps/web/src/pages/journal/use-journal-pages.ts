import { useInfiniteQuery } from '@tanstack/react-query';
import { useApi } from '../../lib/session';
import { type JournalFilters, journalQuery } from './use-journal-filters';

const PAGE_SIZE = 50;

/** The journal query for these filters, newest first, a page at a time (shared with the Runs tab). */
export function useJournalPages(filters: JournalFilters) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: ['journal', 'list', filters],
    queryFn: ({ pageParam }) =>
      api.journal.list({ ...journalQuery(filters), cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
