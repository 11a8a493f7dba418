import { ChartFrame } from './chart-frame';
import { niceScale } from './chart-scale';
import { useElementWidth } from './use-element-width';

export interface ChartDatum {
  key: string;
  label: string;
  value: number;
  /** The value as people read it (`$1.23`, `12,400 tokens`). */
  display: string;
}

const ROW = 28;
const BAR = 18;
const AXIS = 22;
const CHAR_WIDTH = 7;

function truncate(text: string, width: number): string {
  const fits = Math.max(3, Math.floor(width / CHAR_WIDTH));
  return text.length <= fits ? text : `${text.slice(0, fits - 1)}…`;
}

/** Horizontal bars, one per datum, scaled to the container width; `label` names the chart for screen readers. */
export function BarChart(props: {
  data: ChartDatum[];
  label: string;
  integer?: boolean;
  formatTick: (value: number) => string;
}) {
  const [ref, width] = useElementWidth<HTMLDivElement>(640);
  const labelWidth = Math.round(Math.min(180, Math.max(72, width * 0.3)));
  const valueWidth = 76;
  const plotLeft = labelWidth + 8;
  const plotWidth = Math.max(40, width - plotLeft - valueWidth);
  const scale = niceScale(
    Math.max(0, ...props.data.map((datum) => datum.value)),
    width < 480 ? 3 : 5,
    props.integer,
  );
  const height = props.data.length * ROW + AXIS;
  const x = (value: number) => plotLeft + (value / scale.max) * plotWidth;

  return (
    <ChartFrame ref={ref} label={props.label} width={width} height={height}>
      {scale.ticks.map((tick) => (
        <g key={tick}>
          <line x1={x(tick)} x2={x(tick)} y1={0} y2={height - AXIS} className="stroke-border" />
          <text
            x={x(tick)}
            y={height - 6}
            textAnchor="middle"
            fontSize={11}
            className="fill-muted-foreground"
          >
            {props.formatTick(tick)}
          </text>
        </g>
      ))}
      {props.data.map((datum, index) => {
        const top = index * ROW;
        const barWidth = Math.max(datum.value > 0 ? 2 : 0, x(datum.value) - plotLeft);
        return (
          <g key={datum.key}>
            <title>{`${datum.label}: ${datum.display}`}</title>
            <text
              x={labelWidth}
              y={top + ROW / 2 + 4}
              textAnchor="end"
              fontSize={12}
              className="fill-foreground"
            >
              {truncate(datum.label, labelWidth)}
            </text>
            <rect
              x={plotLeft}
              y={top + (ROW - BAR) / 2}
              width={barWidth}
              height={BAR}
              rx={3}
              className="fill-primary"
            />
            <text
              x={plotLeft + barWidth + 6}
              y={top + ROW / 2 + 4}
              fontSize={12}
              className="fill-muted-foreground"
            >
              {datum.display}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}
