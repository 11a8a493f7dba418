import { type Approval, isCrewshipError } from '@crewship/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { StatusBadge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Textarea } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { errorMessage, fieldErrors } from '../../lib/api';
import { formatRelative, formatTime } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { shortId } from '../../lib/short-id';
import { useNames } from '../../lib/use-names';

const OUTCOMES: Record<string, string> = {
  approved: 'Approved',
  denied: 'Denied',
  timed_out: 'Timed out, so denied,',
  cancelled: 'Cancelled',
  logged: 'Logged',
};

function inputText(detail: Approval['detail']): string | null {
  if (detail.input === undefined) return null;
  return typeof detail.input === 'string' ? detail.input : JSON.stringify(detail.input, null, 2);
}

/**
 * The approval an inbox item asks for: what the agent wants to do, under which rule, until when; with
 * Approve and Deny for Managers while it is pending, and who decided once it is not.
 */
export function ApprovalPanel(props: { approvalId: string; itemStatus: string; onDecided?: () => void }) {
  const api = useApi();
  const names = useNames();
  const toast = useToast();
  const queryClient = useQueryClient();
  const canDecide = useCan('MANAGER');
  const [note, setNote] = useState('');
  const queryKey = ['approvals', 'detail', props.approvalId];
  const approval = useQuery({ queryKey, queryFn: () => api.approvals.get(props.approvalId) });

  // Someone else may decide (or it may time out): the item's status moves and the approval is re-read.
  const seenStatus = useRef(props.itemStatus);
  useEffect(() => {
    if (seenStatus.current === props.itemStatus) return;
    seenStatus.current = props.itemStatus;
    void queryClient.invalidateQueries({ queryKey: ['approvals', 'detail', props.approvalId] });
  }, [props.itemStatus, props.approvalId, queryClient]);

  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'deny') =>
      api.approvals.decide(props.approvalId, { decision, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: (decided) => {
      queryClient.setQueryData(queryKey, decided);
      toast(decided.status === 'approved' ? 'Approved: the run goes on' : 'Denied: the run is stopped');
      props.onDecided?.();
    },
    onError: (error) => {
      // Decided by someone else or timed out meanwhile: the form goes away, so say why.
      if (isCrewshipError(error) && error.kind === 'conflict') toast(errorMessage(error), 'error');
      void queryClient.invalidateQueries({ queryKey });
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['inbox'] }),
        queryClient.invalidateQueries({ queryKey: ['approvals', 'list'] }),
        queryClient.invalidateQueries({ queryKey: ['runs'] }),
      ]),
  });

  if (approval.isPending) return <Spinner label="Loading the approval" />;
  if (!approval.data) return <ErrorNotice error={approval.error} />;
  const item = approval.data;
  const tool = typeof item.detail.tool === 'string' ? item.detail.tool : null;
  const prompt = typeof item.detail.prompt_preview === 'string' ? item.detail.prompt_preview : null;
  const input = inputText(item.detail);
  const agent = names.agent(item.agent_id);
  const pending = item.status === 'pending';
  const noteError = fieldErrors(decide.error).note;

  return (
    <div className="mt-3 grid gap-3 rounded-md border bg-muted/40 p-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <StatusBadge status={item.status} />
        <span className="font-medium break-words">{item.summary}</span>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        {tool ? (
          <>
            <dt className="text-muted-foreground">Tool</dt>
            <dd className="font-mono break-all">{tool}</dd>
          </>
        ) : null}
        <dt className="text-muted-foreground">Agent</dt>
        <dd>{agent ?? '—'}</dd>
        <dt className="text-muted-foreground">Rule</dt>
        <dd className="break-words">
          {item.rule_name}{' '}
          <span className="text-muted-foreground">
            ({item.mode}, {item.trigger.replace('_', ' ')})
          </span>
        </dd>
        <dt className="text-muted-foreground">Requested</dt>
        <dd>
          <time dateTime={item.requested_at} title={formatTime(item.requested_at)}>
            {formatRelative(item.requested_at)}
          </time>
        </dd>
        {pending && item.expires_at ? (
          <>
            <dt className="text-muted-foreground">Expires</dt>
            <dd>
              <time dateTime={item.expires_at}>{formatTime(item.expires_at)}</time>
              <span className="text-muted-foreground"> (denied if nobody decides)</span>
            </dd>
          </>
        ) : null}
        {item.run_id ? (
          <>
            <dt className="text-muted-foreground">Run</dt>
            <dd>
              <Link
                to={`/runs/${encodeURIComponent(item.run_id)}`}
                title={item.run_id}
                className="text-primary underline-offset-4 hover:underline"
              >
                Run {shortId(item.run_id)}
              </Link>
            </dd>
          </>
        ) : null}
      </dl>
      {prompt ? (
        <div className="grid gap-1">
          <p className="text-xs text-muted-foreground">Prompt</p>
          <pre className="max-h-48 overflow-auto rounded-md bg-background p-2 text-xs whitespace-pre-wrap">
            {prompt}
          </pre>
        </div>
      ) : null}
      {input ? (
        <div className="grid gap-1">
          <p className="text-xs text-muted-foreground">
            Input{item.detail.input_truncated ? ' (truncated)' : ''}
          </p>
          <pre className="max-h-48 overflow-auto rounded-md bg-background p-2 text-xs whitespace-pre-wrap break-all">
            {input}
          </pre>
        </div>
      ) : null}
      {pending && canDecide ? (
        <form className="grid gap-2" onSubmit={(event) => event.preventDefault()}>
          <Field label="Reason (optional)" hint="Kept in the journal with your decision." error={noteError}>
            <Textarea
              value={note}
              maxLength={1000}
              rows={2}
              className="min-h-0"
              onChange={(event) => setNote(event.target.value)}
            />
          </Field>
          {decide.error && !noteError ? <ErrorNotice error={decide.error} /> : null}
          <div className="flex flex-wrap gap-2">
            <Button disabled={decide.isPending} onClick={() => decide.mutate('approve')}>
              <Check aria-hidden="true" />
              Approve
            </Button>
            <Button variant="destructive" disabled={decide.isPending} onClick={() => decide.mutate('deny')}>
              <X aria-hidden="true" />
              Deny
            </Button>
          </div>
        </form>
      ) : null}
      {pending && !canDecide ? (
        <p className="text-sm text-muted-foreground">A Manager or above decides this request.</p>
      ) : null}
      {item.decided_at ? (
        <p role="status" className="text-sm">
          {OUTCOMES[item.status] ?? item.status}
          {item.status === 'approved' || item.status === 'denied'
            ? ` by ${names.actor(item.decided_by)}`
            : ''}{' '}
          <time dateTime={item.decided_at} title={formatTime(item.decided_at)}>
            {formatRelative(item.decided_at)}
          </time>
          {item.note ? <span className="text-muted-foreground">: “{item.note}”</span> : null}
        </p>
      ) : null}
    </div>
  );
}
