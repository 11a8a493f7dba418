import { useQuery } from '@tanstack/react-query';
import { Hand } from 'lucide-react';
import { Link } from 'react-router';
import { useApi } from '../../lib/session';

const POLL_MS = 2000;

/**
 * Shown while a running run waits for a sync approval. Approvals are not on the chat stream (the
 * gateway holds the model's answer), so this polls the run's pending requests while it is mounted.
 */
export function ApprovalNotice({ runId }: { runId: string }) {
  const api = useApi();
  const pending = useQuery({
    queryKey: ['approvals', { run: runId, status: 'pending' }],
    queryFn: () => api.approvals.list({ run: runId, status: 'pending' }),
    refetchInterval: POLL_MS,
  });
  const first = pending.data?.[0];
  return (
    <div role="status">
      {first ? (
        <div className="grid gap-1 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <Hand className="size-4 shrink-0 text-warning" aria-hidden="true" />
            <span className="font-medium">Waiting for approval</span>
            <Link to="/inbox" className="ml-auto font-medium text-primary underline-offset-4 hover:underline">
              Open inbox
            </Link>
          </div>
          <p className="min-w-0 break-words font-mono text-xs text-muted-foreground">{first.summary}</p>
        </div>
      ) : null}
    </div>
  );
}
