import { cn } from '../../lib/cn';
import { ratioOf } from './budget-usage';

/** One limit of a budget: `spent of limit` and a bar the screen reader reads as a percentage. */
export function BudgetProgress(props: {
  name: string;
  spent: number;
  limit: number;
  format: (value: number) => string;
}) {
  const ratio = ratioOf(props.spent, props.limit);
  const percent = Math.round(ratio * 100);
  const text = `${props.format(props.spent)} of ${props.format(props.limit)}`;
  return (
    <div className="grid min-w-36 gap-1">
      <div className="flex justify-between gap-2 text-xs tabular-nums">
        <span>{text}</span>
        <span className="text-muted-foreground">{percent} %</span>
      </div>
      <div
        role="progressbar"
        aria-label={props.name}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(100, percent)}
        aria-valuetext={`${text} (${percent} %)`}
        className="h-2 w-full overflow-hidden rounded-full bg-muted"
      >
        <div
          className={cn(
            'h-full rounded-full',
            ratio >= 1 ? 'bg-destructive' : ratio >= 0.8 ? 'bg-warning' : 'bg-primary',
          )}
          style={{ width: `${Math.min(100, Math.max(0, ratio * 100))}%` }}
        />
      </div>
    </div>
  );
}
