import { isCrewshipError } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Square } from 'lucide-react';
import { Button } from '../../components/ui/button';
import { useToast } from '../../components/ui/toast';
import { errorMessage } from '../../lib/api';
import { useApi, useCan } from '../../lib/session';

/** "Cancel run" for Members and up; hidden for Viewers (the server refuses them too). */
export function CancelRunButton({ runId, size = 'sm' }: { runId: string; size?: 'sm' | 'default' }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const canCancel = useCan('MEMBER');
  const cancel = useMutation({
    mutationFn: () => api.runs.cancel(runId),
    onSuccess: (run) => {
      toast(`Run ${run.status}`);
    },
    onError: (error) => {
      // A run that ended while the click was on its way is not worth an error.
      if (isCrewshipError(error) && error.kind === 'conflict') toast('The run has already ended');
      else toast(errorMessage(error), 'error');
    },
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['runs'] }),
        queryClient.invalidateQueries({ queryKey: ['chats'] }),
        queryClient.invalidateQueries({ queryKey: ['journal'] }),
      ]);
    },
  });
  if (!canCancel) return null;
  return (
    <Button variant="outline" size={size} onClick={() => cancel.mutate()} disabled={cancel.isPending}>
      <Square aria-hidden="true" />
      {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
    </Button>
  );
}
