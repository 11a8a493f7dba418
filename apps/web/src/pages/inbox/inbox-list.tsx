import type { InboxStatus } from '@crewship/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { EmptyState, ErrorNotice, Spinner } from '../../components/ui/feedback';
import { LoadMoreButton } from '../../components/ui/load-more-button';
import { useApi } from '../../lib/session';
import { InboxItemCard } from './inbox-item-card';

const PAGE_SIZE = 25;

const EMPTY: Record<string, { title: string; hint: string }> = {
  unread: {
    title: 'You are all caught up',
    hint: 'New approvals, failed runs and budget warnings show up here.',
  },
  all: {
    title: 'Your inbox is empty',
    hint: 'Approvals your rules ask for, failed runs and budget warnings addressed to you or your role land here.',
  },
  resolved: { title: 'Nothing resolved yet', hint: 'Items you resolve or decide move here.' },
  archived: { title: 'Nothing archived', hint: 'Archive items you no longer need; they stay here.' },
};

/**
 * The caller's items with one status (all but archived when `status` is undefined), newest first.
 * Kept under ['inbox', 'items'] so the pushed unread count refreshes it live.
 */
export function InboxList({ status }: { status: InboxStatus | undefined }) {
  const api = useApi();
  const items = useInfiniteQuery({
    queryKey: ['inbox', 'items', status ?? 'all'],
    queryFn: ({ pageParam }) => api.inbox.list({ status, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  if (items.isPending) return <Spinner label="Loading the inbox" />;
  if (!items.data) return <ErrorNotice error={items.error} />;
  const list = items.data.pages.flatMap((page) => page.items);
  const empty = EMPTY[status ?? 'all'] ?? EMPTY.all;
  if (list.length === 0) {
    return <EmptyState title={empty?.title ?? ''}>{empty?.hint}</EmptyState>;
  }
  return (
    <div className="grid gap-3">
      <ul aria-label="Inbox items" className="grid gap-3">
        {list.map((item) => (
          <InboxItemCard key={item.id} item={item} />
        ))}
      </ul>
      {items.isError ? <ErrorNotice error={items.error} /> : null}
      {items.hasNextPage ? (
        <LoadMoreButton loading={items.isFetchingNextPage} onClick={() => void items.fetchNextPage()} />
      ) : null}
    </div>
  );
}
