import { Brain, CircleAlert } from 'lucide-react';
import { cn } from '../../lib/cn';
import { formatTime } from '../../lib/format';
import type { TimelineItem } from './timeline-state';
import { ToolCallItem } from './tool-call-item';

/** Assistant text as plain text: whitespace kept, never parsed as HTML. */
export function AssistantText({ text, streaming }: { text: string; streaming?: boolean }) {
  return (
    <div
      className="whitespace-pre-wrap break-words rounded-lg border bg-card px-3 py-2 text-sm leading-relaxed"
      aria-busy={streaming || undefined}
    >
      {text}
      {streaming ? (
        <span
          className="ml-0.5 inline-block h-4 w-1.5 animate-pulse bg-foreground/60 align-text-bottom"
          aria-hidden="true"
        />
      ) : null}
    </div>
  );
}

/** The items of a run in order: answer text, tool calls (collapsible), thinking, errors and journal notes. */
export function RunTimeline(props: { items: readonly TimelineItem[]; ended: boolean; showNotes?: boolean }) {
  return (
    <ol className="grid gap-2">
      {props.items.map((item) => {
        if (item.kind === 'note' && !props.showNotes) return null;
        return (
          <li key={item.key} className="min-w-0">
            <TimelineEntry item={item} ended={props.ended} />
          </li>
        );
      })}
    </ol>
  );
}

function TimelineEntry({ item, ended }: { item: TimelineItem; ended: boolean }) {
  switch (item.kind) {
    case 'text':
      return <AssistantText text={item.text} streaming={item.streaming} />;
    case 'tool':
      return <ToolCallItem name={item.name} input={item.input} result={item.result} ended={ended} />;
    case 'thinking':
      return (
        <details className="rounded-md border border-dashed text-sm">
          <summary className="flex cursor-pointer items-center gap-2 px-3 py-2 text-muted-foreground">
            <Brain className="size-4" aria-hidden="true" />
            Thinking
          </summary>
          <p className="whitespace-pre-wrap break-words border-t px-3 py-2 text-xs text-muted-foreground">
            {item.text}
          </p>
        </details>
      );
    case 'error':
      return (
        <p className="flex items-start gap-2 rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
          <span className="min-w-0 whitespace-pre-wrap break-words">{item.message}</span>
        </p>
      );
    case 'note':
      return (
        <p className="flex flex-wrap items-baseline gap-x-2 px-1 text-xs text-muted-foreground">
          <time dateTime={item.at}>{formatTime(item.at)}</time>
          <span
            className={cn(
              'font-mono',
              item.severity === 'warn' && 'text-warning',
              item.severity === 'error' && 'text-destructive',
            )}
          >
            {item.entryType}
          </span>
          <span className="min-w-0 break-words text-foreground">{item.summary}</span>
        </p>
      );
    default:
      return null;
  }
}
