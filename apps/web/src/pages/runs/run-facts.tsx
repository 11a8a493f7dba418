import type { AgentUsage } from '@crewship/contracts';
import { StatusBadge } from '../../components/ui/badge';
import { formatDuration, formatNumber, formatUsd } from '../../lib/format';

/** Input and output tokens as one short phrase, or `—` when unknown. */
export function formatTokens(usage: AgentUsage | null | undefined): string {
  if (!usage) return '—';
  return `${formatNumber(usage.input_tokens)} in · ${formatNumber(usage.output_tokens)} out`;
}

/** The status of a run with its reason, cost, tokens and duration, on one wrapping line. */
export function RunFacts(props: {
  status: string;
  reason: string | null;
  costUsd: number | null;
  usage: AgentUsage | null;
  durationMs: number | null;
}) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted-foreground">
      <StatusBadge status={props.status} />
      {props.reason && props.reason !== props.status ? (
        <span className="font-medium text-destructive">{props.reason.replaceAll('_', ' ')}</span>
      ) : null}
      {props.costUsd !== null ? <span>Cost {formatUsd(props.costUsd)}</span> : null}
      {props.usage ? <span>Tokens {formatTokens(props.usage)}</span> : null}
      {props.durationMs !== null ? <span>{formatDuration(props.durationMs)}</span> : null}
    </div>
  );
}
