import type { Run } from '@crewship/contracts';
import { Link } from 'react-router';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { formatTime } from '../../lib/format';
import { ApprovalNotice } from '../runs/approval-notice';
import { CancelRunButton } from '../runs/cancel-run-button';
import { useLiveRun } from '../runs/live-runs';
import { RunFacts } from '../runs/run-facts';
import { AssistantText, RunTimeline } from '../runs/run-timeline';
import type { Turn } from './group-turns';

export function ChatTurn({ turn, run }: { turn: Turn; run: Run | undefined }) {
  const live = useLiveRun(turn.runId);
  const liveHasText = live?.timeline.items.some((item) => item.kind === 'text') ?? false;
  const following = live && !live.failed ? live : null;
  const status = following?.status ?? run?.status ?? live?.status ?? 'running';
  const reason = following ? following.reason : (run?.reason ?? live?.reason ?? null);
  const running = status === 'running';
  const ended = live?.ended ?? (run && run.status !== 'running' ? run : null);
  return (
    <li className="grid gap-2">
      {turn.user ? (
        <div className="ml-auto max-w-[85%] rounded-lg bg-primary/10 px-3 py-2 text-sm">
          <span className="sr-only">You: </span>
          <p className="whitespace-pre-wrap break-words">{turn.user.content}</p>
          <time
            className="mt-1 block text-right text-xs text-muted-foreground"
            dateTime={turn.user.created_at}
          >
            {formatTime(turn.user.created_at)}
          </time>
        </div>
      ) : null}
      <div className="grid max-w-full gap-2 md:max-w-[92%]">
        {live ? <RunTimeline items={live.timeline.items} ended={!running} /> : null}
        {live?.gap ? (
          <p className="text-xs text-muted-foreground">
            Earlier output of this run may be missing here; the run details have all of it.
          </p>
        ) : null}
        {turn.assistants.map((message) =>
          live && liveHasText ? null : <AssistantText key={message.id} text={message.content} />,
        )}
        {following && running && live?.timeline.items.length === 0 ? (
          <Spinner label="The agent is working…" />
        ) : null}
        {live?.error && running ? <ErrorNotice error={live.error} /> : null}
        {running && turn.runId ? <ApprovalNotice runId={turn.runId} /> : null}
        {turn.runId && (live || run) ? (
          <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
            <div role="status">
              <RunFacts
                status={status}
                reason={reason}
                costUsd={ended?.cost_usd ?? live?.timeline.result?.cost_usd ?? null}
                usage={ended?.usage ?? live?.timeline.result?.usage ?? live?.timeline.usage ?? null}
                durationMs={ended?.duration_ms ?? null}
              />
            </div>
            {running ? <CancelRunButton runId={turn.runId} /> : null}
            <Link
              to={`/runs/${encodeURIComponent(turn.runId)}`}
              className="text-xs font-medium text-primary underline-offset-4 hover:underline"
            >
              Run details
            </Link>
          </div>
        ) : null}
      </div>
    </li>
  );
}
