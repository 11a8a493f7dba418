import { cn } from '../../lib/cn';

export interface Bar {
  label: string;
  value: number;
  /** Shown instead of the number, e.g. `$1.20`. */
  display?: string;
  /** A fill utility such as `fill-success`; primary otherwise. */
  tone?: string;
}

/**
 * Horizontal bars scaled to the largest value. Labels and values are text (read by screen readers and
 * crisp at any width); the bars themselves are decoration.
 */
export function BarList(props: { title: string; bars: Bar[]; empty?: string }) {
  const max = Math.max(0, ...props.bars.map((bar) => bar.value));
  return (
    <figure className="grid gap-3">
      <figcaption className="text-sm font-medium">{props.title}</figcaption>
      {props.bars.length === 0 || max === 0 ? (
        <p className="text-sm text-muted-foreground">{props.empty ?? 'Nothing in this window.'}</p>
      ) : (
        <ul className="grid gap-2">
          {props.bars.map((bar) => (
            <li
              key={bar.label}
              className="grid grid-cols-[minmax(4rem,8rem)_1fr_auto] items-center gap-2 text-sm"
            >
              <span className="truncate" title={bar.label}>
                {bar.label}
              </span>
              <svg aria-hidden="true" className="h-3 w-full" focusable="false">
                <rect x="0" y="0" width="100%" height="100%" rx="3" className="fill-muted" />
                <rect
                  x="0"
                  y="0"
                  width={`${(bar.value / max) * 100}%`}
                  height="100%"
                  rx="3"
                  className={cn('fill-primary', bar.tone)}
                />
              </svg>
              <span className="text-right tabular-nums">{bar.display ?? bar.value}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
