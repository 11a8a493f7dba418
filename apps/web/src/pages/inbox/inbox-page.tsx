import type { InboxStatus } from '@crewship/contracts';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/ui/feedback';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { useApi } from '../../lib/session';
import { useSetSearchParam } from '../../lib/use-set-search-param';
import { InboxList } from './inbox-list';

const FILTERS = [
  { value: 'all', label: 'All', status: undefined },
  { value: 'unread', label: 'Unread', status: 'unread' },
  { value: 'resolved', label: 'Resolved', status: 'resolved' },
  { value: 'archived', label: 'Archived', status: 'archived' },
] as const satisfies readonly { value: string; label: string; status: InboxStatus | undefined }[];

/** Approvals to decide, failed runs and budget warnings for the caller, with a filter kept in the URL. */
export function InboxPage() {
  const api = useApi();
  const [params] = useSearchParams();
  const setParam = useSetSearchParam();
  const current = FILTERS.find((filter) => filter.value === params.get('status')) ?? FILTERS[0];
  const count = useQuery({ queryKey: ['inbox', 'count'], queryFn: () => api.inbox.count() });
  const unread = count.data?.unread ?? 0;
  return (
    <>
      <PageHeader
        title="Inbox"
        description={
          <span role="status">
            {unread === 0 ? 'No unread items.' : `${unread} unread ${unread === 1 ? 'item' : 'items'}.`}
          </span>
        }
      />
      <Tabs
        value={current.value}
        onValueChange={(value) => setParam('status', value === 'all' ? null : value)}
      >
        <TabsList aria-label="Show">
          {FILTERS.map((filter) => (
            <TabsTrigger key={filter.value} value={filter.value}>
              {filter.label}
              {filter.value === 'unread' && unread > 0 ? (
                <span className="ml-1.5 rounded-full bg-primary px-1.5 text-xs text-primary-foreground">
                  {unread}
                </span>
              ) : null}
            </TabsTrigger>
          ))}
        </TabsList>
        {FILTERS.map((filter) => (
          <TabsContent key={filter.value} value={filter.value}>
            <InboxList status={filter.status} />
          </TabsContent>
        ))}
      </Tabs>
    </>
  );
}
