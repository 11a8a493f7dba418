import { INBOX_COUNT_EVENT, inboxCountEventSchema } from '@crewship/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useChannel } from './realtime';
import { useApi, useSession } from './session';

/** Unread inbox items in the current workspace: fetched once, then pushed on the user's channel. */
export function useInboxUnread(): number {
  const api = useApi();
  const { me, workspace } = useSession();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ['inbox', 'count'], queryFn: () => api.inbox.count() });
  useChannel(
    `user:${me.user.id}`,
    (event) => {
      if (event.type !== INBOX_COUNT_EVENT) return;
      const parsed = inboxCountEventSchema.safeParse(event.data);
      if (!parsed.success || parsed.data.workspace_id !== workspace.id) return;
      queryClient.setQueryData(['inbox', 'count'], (previous: object | undefined) => ({
        ...previous,
        unread: parsed.data.unread,
      }));
      void queryClient.invalidateQueries({ queryKey: ['inbox', 'items'] });
    },
    () => void queryClient.invalidateQueries({ queryKey: ['inbox'] }),
  );
  return query.data?.unread ?? 0;
}
