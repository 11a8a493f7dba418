import { useQueryClient } from '@tanstack/react-query';
import { useChannel } from '../../lib/realtime';
import { useSession } from '../../lib/session';

/** Runs are re-read when one changes status on the workspace channel. */
export function useLiveRuns() {
  const { workspace } = useSession();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['runs'] });
  useChannel(
    `workspace:${workspace.id}`,
    (event) => {
      if (event.type === 'run.status') refresh();
    },
    refresh,
  );
}
