import { CheckCircle2, CircleAlert, Loader2, Wrench } from 'lucide-react';

const SUMMARY_CHARS = 80;

/** One line about what the tool was asked: the command, path or query when there is one. */
export function summarizeToolInput(input: unknown): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input && typeof input === 'object') {
    const record = input as Record<string, unknown>;
    const preferred = ['command', 'file_path', 'path', 'pattern', 'url', 'query', 'description'];
    const key = preferred.find((name) => typeof record[name] === 'string');
    text = key ? String(record[key]) : JSON.stringify(input);
  } else text = input === undefined ? '' : JSON.stringify(input);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}

function pretty(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? '';
  } catch {
    return String(value);
  }
}

const blockClass =
  'max-h-80 overflow-auto whitespace-pre-wrap break-words rounded-md bg-muted p-2 font-mono text-xs';

/** A tool call, collapsed to its name and input; expanding shows the input and the output. */
export function ToolCallItem(props: {
  name: string;
  input: unknown;
  result: { output: string; isError: boolean } | null;
  /** The run is over: a call without a result will not get one. */
  ended: boolean;
}) {
  const { result } = props;
  const summary = summarizeToolInput(props.input);
  let icon = <Loader2 className="size-4 shrink-0 animate-spin text-muted-foreground" aria-hidden="true" />;
  let state = 'running';
  if (result?.isError) {
    icon = <CircleAlert className="size-4 shrink-0 text-destructive" aria-hidden="true" />;
    state = 'failed';
  } else if (result) {
    icon = <CheckCircle2 className="size-4 shrink-0 text-success" aria-hidden="true" />;
    state = 'done';
  } else if (props.ended) {
    icon = <CircleAlert className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />;
    state = 'no result';
  }
  return (
    <details className="group rounded-md border bg-card text-sm">
      <summary className="flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 hover:bg-muted/60 focus-visible:outline-2 focus-visible:outline-ring">
        <Wrench className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
        <span className="font-medium">{props.name}</span>
        <span className="min-w-0 flex-1 truncate font-mono text-xs text-muted-foreground">{summary}</span>
        {icon}
        <span className="sr-only">({state})</span>
      </summary>
      <div className="grid gap-2 border-t px-3 py-2">
        <div className="grid gap-1">
          <span className="text-xs font-medium text-muted-foreground">Input</span>
          <pre className={blockClass}>{pretty(props.input)}</pre>
        </div>
        <div className="grid gap-1">
          <span className="text-xs font-medium text-muted-foreground">
            {result?.isError ? 'Error' : 'Output'}
          </span>
          {result ? (
            <pre className={blockClass}>{result.output || '(no output)'}</pre>
          ) : (
            <p className="text-xs text-muted-foreground">
              {props.ended ? 'No output.' : 'Waiting for the result…'}
            </p>
          )}
        </div>
      </div>
    </details>
  );
}
