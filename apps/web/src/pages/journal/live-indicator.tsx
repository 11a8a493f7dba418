import { cn } from '../../lib/cn';
import type { TailStatus } from './use-journal-tail';

const LABELS: Record<TailStatus, string> = {
  off: 'Not live',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

/** Whether new journal entries are arriving, announced politely when it changes. */
export function LiveIndicator({ status }: { status: TailStatus }) {
  return (
    <span role="status" className="inline-flex items-center gap-2 text-sm text-muted-foreground">
      <span
        aria-hidden="true"
        className={cn(
          'size-2 rounded-full',
          status === 'live'
            ? 'animate-pulse bg-success'
            : status === 'off'
              ? 'bg-muted-foreground'
              : 'bg-warning',
        )}
      />
      {LABELS[status]}
    </span>
  );
}
