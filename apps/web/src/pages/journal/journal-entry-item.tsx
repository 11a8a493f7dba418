import type { JournalEntryDto } from '@crewship/contracts';
import { ChevronDown, ChevronRight } from 'lucide-react';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { Badge, type BadgeVariant } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { formatTime } from '../../lib/format';
import { shortId } from '../../lib/short-id';
import type { Names } from '../../lib/use-names';
import { matchSnippet } from './match-snippet';

const SEVERITY_VARIANTS: Record<JournalEntryDto['severity'], BadgeVariant> = {
  debug: 'outline',
  info: 'secondary',
  warn: 'warning',
  error: 'destructive',
};

/** One journal entry: when, what, who and its summary, with the full payload behind "Details". */
export function JournalEntryItem(props: {
  entry: JournalEntryDto;
  names: Names;
  /** The text search, to show where it matched when the summary does not. */
  search: string;
  onFilterRun?: ((runId: string) => void) | undefined;
}) {
  const { entry, names } = props;
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const agent = names.agent(entry.agent_id);
  const actor = names.actor(entry.actor);
  const snippet = props.search ? matchSnippet(entry.summary, entry.payload, props.search) : null;
  return (
    <li className="grid gap-1 px-3 py-2.5 sm:grid-cols-[1fr_auto]">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm sm:col-start-1 sm:row-start-1">
        <time dateTime={entry.at} className="text-muted-foreground tabular-nums">
          {formatTime(entry.at)}
        </time>
        <Badge variant={SEVERITY_VARIANTS[entry.severity]} className="font-mono">
          {entry.entry_type}
        </Badge>
        <span className="text-muted-foreground">
          by {actor}
          {agent && actor !== `agent ${agent}` ? ` · agent ${agent}` : ''}
        </span>
      </div>
      <p className="text-sm break-words whitespace-pre-wrap sm:col-span-2">{entry.summary}</p>
      {snippet ? (
        <p className="text-xs break-words text-muted-foreground sm:col-span-2">
          Matched: {snippet[0]}
          <mark className="rounded-sm bg-warning/25 px-0.5 text-foreground">{snippet[1]}</mark>
          {snippet[2]}
        </p>
      ) : null}
      <div className="-ml-1 flex flex-wrap items-center gap-1 sm:col-start-2 sm:row-start-1 sm:ml-0 sm:justify-end">
        {entry.trace_id ? (
          <>
            <Link
              to={`/runs/${encodeURIComponent(entry.trace_id)}`}
              title={entry.trace_id}
              className="rounded-sm px-1 text-sm text-primary underline-offset-4 hover:underline"
            >
              Run {shortId(entry.trace_id)}
            </Link>
            {props.onFilterRun ? (
              <Button
                variant="ghost"
                size="sm"
                className="h-7 px-2"
                onClick={() => props.onFilterRun?.(entry.trace_id as string)}
              >
                Only this run<span className="sr-only"> ({entry.trace_id})</span>
              </Button>
            ) : null}
          </>
        ) : null}
        <Button
          variant="ghost"
          size="sm"
          className="h-7 px-2"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen((value) => !value)}
        >
          {open ? <ChevronDown aria-hidden="true" /> : <ChevronRight aria-hidden="true" />}
          Details<span className="sr-only"> of entry {entry.seq}</span>
        </Button>
      </div>
      <div id={detailsId} hidden={!open} className="mt-1 sm:col-span-2">
        {open ? (
          <div className="grid gap-2">
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
              <dt className="text-muted-foreground">Sequence</dt>
              <dd className="font-mono">{entry.seq}</dd>
              <dt className="text-muted-foreground">Entry id</dt>
              <dd className="font-mono break-all">{entry.id}</dd>
              <dt className="text-muted-foreground">Severity</dt>
              <dd>{entry.severity}</dd>
              <dt className="text-muted-foreground">Crew</dt>
              <dd className="break-all">{names.crew(entry.crew_id) ?? entry.crew_id ?? '—'}</dd>
              <dt className="text-muted-foreground">Run</dt>
              <dd className="font-mono break-all">{entry.trace_id ?? '—'}</dd>
              <dt className="text-muted-foreground">Hash</dt>
              <dd className="font-mono break-all">{entry.entry_hash}</dd>
            </dl>
            <pre className="max-h-96 overflow-auto rounded-md bg-muted p-3 text-xs">
              {JSON.stringify(entry.payload, null, 2)}
            </pre>
          </div>
        ) : null}
      </div>
    </li>
  );
}
