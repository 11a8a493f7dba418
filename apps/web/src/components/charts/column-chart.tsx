import type { ChartDatum } from './bar-chart';
import { ChartFrame } from './chart-frame';
import { labelStride, niceScale } from './chart-scale';
import { useElementWidth } from './use-element-width';

const HEIGHT = 200;
const TOP = 10;
const BOTTOM = 22;
const LEFT = 52;

/** Vertical columns in order (days), scaled to the container width; `label` names the chart for screen readers. */
export function ColumnChart(props: {
  data: ChartDatum[];
  label: string;
  integer?: boolean;
  formatTick: (value: number) => string;
  /** The short label under a column (`3`, `Mon 3`). */
  axisLabel: (datum: ChartDatum) => string;
}) {
  const [ref, width] = useElementWidth<HTMLDivElement>(640);
  const plotWidth = Math.max(40, width - LEFT - 4);
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const scale = niceScale(Math.max(0, ...props.data.map((datum) => datum.value)), 4, props.integer);
  const band = plotWidth / Math.max(1, props.data.length);
  const columnWidth = Math.max(2, Math.min(40, band * 0.7));
  const longest = Math.max(1, ...props.data.map((datum) => props.axisLabel(datum).length));
  const stride = labelStride(props.data.length, plotWidth, longest * 7 + 8);
  const y = (value: number) => TOP + plotHeight - (value / scale.max) * plotHeight;

  return (
    <ChartFrame ref={ref} label={props.label} width={width} height={HEIGHT}>
      {scale.ticks.map((tick) => (
        <g key={tick}>
          <line x1={LEFT} x2={LEFT + plotWidth} y1={y(tick)} y2={y(tick)} className="stroke-border" />
          <text x={LEFT - 6} y={y(tick) + 4} textAnchor="end" fontSize={11} className="fill-muted-foreground">
            {props.formatTick(tick)}
          </text>
        </g>
      ))}
      {props.data.map((datum, index) => {
        const center = LEFT + band * index + band / 2;
        const top = datum.value > 0 ? Math.min(y(datum.value), TOP + plotHeight - 2) : TOP + plotHeight;
        return (
          <g key={datum.key}>
            <title>{`${datum.label}: ${datum.display}`}</title>
            <rect
              x={center - columnWidth / 2}
              y={top}
              width={columnWidth}
              height={TOP + plotHeight - top}
              rx={2}
              className="fill-primary"
            />
            {index % stride === 0 ? (
              <text
                x={center}
                y={HEIGHT - 6}
                textAnchor="middle"
                fontSize={11}
                className="fill-muted-foreground"
              >
                {props.axisLabel(datum)}
              </text>
            ) : null}
          </g>
        );
      })}
    </ChartFrame>
  );
}
