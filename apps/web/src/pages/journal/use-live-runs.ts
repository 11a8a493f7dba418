import { useQueryClient } from '@tanstack/react-query';
import { useRunStatusChanges } from '../../lib/use-run-status-changes';

/** Runs are re-read when one changes status on the workspace channel. */
export function useLiveRuns() {
  const queryClient = useQueryClient();
  useRunStatusChanges(() => void queryClient.invalidateQueries({ queryKey: ['runs'] }));
}
