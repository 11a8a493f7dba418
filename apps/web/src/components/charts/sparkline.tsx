import { cn } from '../../lib/cn';

const WIDTH = 120;
const HEIGHT = 32;

/** A small line of recent values, scaled from 0 to `max`; `label` is what a screen reader hears. */
export function Sparkline(props: { values: number[]; max: number; label: string; className?: string }) {
  const max = props.max > 0 ? props.max : 1;
  const step = props.values.length > 1 ? WIDTH / (props.values.length - 1) : 0;
  const points = props.values.map((value, index) => {
    const y = HEIGHT - (Math.min(Math.max(value, 0), max) / max) * (HEIGHT - 2) - 1;
    return `${(index * step).toFixed(2)},${y.toFixed(2)}`;
  });
  const line = points.length > 1 ? `M${points.join(' L')}` : '';
  const area = line ? `${line} L${WIDTH},${HEIGHT} L0,${HEIGHT} Z` : '';
  return (
    <svg
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      className={cn('h-10 w-full text-primary', props.className)}
    >
      <line
        x1="0"
        x2={WIDTH}
        y1={HEIGHT - 0.5}
        y2={HEIGHT - 0.5}
        className="stroke-border"
        vectorEffect="non-scaling-stroke"
      />
      {area ? <path d={area} fill="currentColor" fillOpacity={0.12} /> : null}
      {line ? (
        <path
          d={line}
          fill="none"
          stroke="currentColor"
          strokeWidth={1.5}
          strokeLinejoin="round"
          vectorEffect="non-scaling-stroke"
        />
      ) : null}
    </svg>
  );
}
