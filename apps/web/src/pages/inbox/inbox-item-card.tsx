import type { InboxItem } from '@crewship/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Archive, CheckCheck, MailOpen } from 'lucide-react';
import { useId } from 'react';
import { Link } from 'react-router';
import { Badge, type BadgeVariant } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { useToast } from '../../components/ui/toast';
import { errorMessage } from '../../lib/api';
import { cn } from '../../lib/cn';
import { formatRelative, formatTime } from '../../lib/format';
import { useApi } from '../../lib/session';
import { shortId } from '../../lib/short-id';
import { useNames } from '../../lib/use-names';
import { ApprovalPanel } from './approval-panel';

const KINDS: Record<InboxItem['kind'], { label: string; variant: BadgeVariant }> = {
  approval: { label: 'Approval', variant: 'warning' },
  escalation: { label: 'Escalation', variant: 'warning' },
  failed_run: { label: 'Failed run', variant: 'destructive' },
  budget_warning: { label: 'Budget warning', variant: 'warning' },
  budget_exceeded: { label: 'Budget exceeded', variant: 'destructive' },
  agent_reply: { label: 'Agent reply', variant: 'secondary' },
};

type Action = 'read' | 'resolve' | 'archive';
const DONE: Record<Action, string> = { read: 'Marked read', resolve: 'Resolved', archive: 'Archived' };

function RefLink({ item, onOpen }: { item: InboxItem; onOpen: () => void }) {
  const className = 'text-sm text-primary underline-offset-4 hover:underline';
  if (!item.ref_id) return null;
  if (item.ref_type === 'run') {
    return (
      <Link
        to={`/runs/${encodeURIComponent(item.ref_id)}`}
        title={item.ref_id}
        className={className}
        onClick={onOpen}
      >
        Run {shortId(item.ref_id)}
      </Link>
    );
  }
  if (item.ref_type === 'budget') {
    return (
      <Link to="/cost" className={className} onClick={onOpen}>
        Open cost and budgets
      </Link>
    );
  }
  return null;
}

/** One inbox item: what happened, the approval inline when it asks for one, and its read/resolve/archive actions. */
export function InboxItemCard({ item }: { item: InboxItem }) {
  const api = useApi();
  const toast = useToast();
  const names = useNames();
  const queryClient = useQueryClient();
  const titleId = useId();
  const act = useMutation({
    mutationFn: (action: Action) => api.inbox[action](item.id),
    onSuccess: (_updated, action) => {
      if (action !== 'read') toast(DONE[action]);
    },
    onError: (error) => toast(errorMessage(error), 'error'),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['inbox'] }),
  });
  const markRead = () => {
    if (item.status === 'unread' && !act.isPending) act.mutate('read');
  };
  const approvalId = item.ref_type === 'approval' ? item.ref_id : null;
  // Same query as the panel's (one request): resolving an item whose approval is pending would leave the run waiting.
  const approval = useQuery({
    queryKey: ['approvals', 'detail', approvalId],
    queryFn: () => api.approvals.get(approvalId as string),
    enabled: approvalId !== null,
  });
  const kind = KINDS[item.kind];
  const unread = item.status === 'unread';
  const open = (item.status === 'unread' || item.status === 'read') && approval.data?.status !== 'pending';

  return (
    <li>
      <article
        aria-labelledby={titleId}
        className={cn('rounded-lg border bg-card p-4', unread && 'border-primary/60 shadow-sm')}
      >
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <Badge variant={kind.variant}>{kind.label}</Badge>
          {unread ? <Badge variant="default">Unread</Badge> : null}
          {item.status === 'resolved' ? (
            <Badge variant="success">
              Resolved{item.resolved_by ? ` by ${names.actor(item.resolved_by)}` : ''}
            </Badge>
          ) : null}
          {item.status === 'archived' ? <Badge variant="outline">Archived</Badge> : null}
          <time
            dateTime={item.created_at}
            title={formatTime(item.created_at)}
            className="text-muted-foreground"
          >
            {formatRelative(item.created_at)}
          </time>
        </div>
        <h2
          id={titleId}
          className={cn('mt-2 text-base break-words', unread ? 'font-semibold' : 'font-medium')}
        >
          {item.title}
        </h2>
        {item.body ? (
          <p className="mt-1 text-sm break-words whitespace-pre-wrap text-muted-foreground">{item.body}</p>
        ) : null}
        <p className="mt-2 empty:hidden">
          <RefLink item={item} onOpen={markRead} />
        </p>
        {approvalId ? <ApprovalPanel approvalId={approvalId} itemStatus={item.status} /> : null}
        <div className="mt-3 flex flex-wrap gap-2">
          {unread ? (
            <Button variant="outline" size="sm" disabled={act.isPending} onClick={() => act.mutate('read')}>
              <MailOpen aria-hidden="true" />
              Mark read
            </Button>
          ) : null}
          {open ? (
            <Button
              variant="outline"
              size="sm"
              disabled={act.isPending}
              onClick={() => act.mutate('resolve')}
            >
              <CheckCheck aria-hidden="true" />
              Resolve
            </Button>
          ) : null}
          {item.status !== 'archived' ? (
            <Button variant="ghost" size="sm" disabled={act.isPending} onClick={() => act.mutate('archive')}>
              <Archive aria-hidden="true" />
              Archive
            </Button>
          ) : null}
        </div>
      </article>
    </li>
  );
}
