/** A value axis from 0 to `max` with evenly spaced round ticks (steps of 1, 2, 2.5 or 5 × 10^n). */
export interface ValueScale {
  max: number;
  ticks: number[];
}

const STEPS = [1, 2, 2.5, 5, 10];

const tidy = (value: number) => Number(value.toPrecision(12));

/** The smallest round axis holding `maxValue` in about `targetTicks` steps; `integer` forbids fractional steps. */
export function niceScale(maxValue: number, targetTicks = 4, integer = false): ValueScale {
  if (!Number.isFinite(maxValue) || maxValue <= 0) return { max: 1, ticks: [0, 1] };
  const rough = maxValue / Math.max(1, targetTicks);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const factor = STEPS.find((candidate) => rough / magnitude <= candidate + 1e-9) ?? 10;
  const step = integer ? Math.max(1, Math.ceil(factor * magnitude)) : tidy(factor * magnitude);
  const count = Math.max(1, Math.ceil(tidy(maxValue / step)));
  const ticks = Array.from({ length: count + 1 }, (_, index) => tidy(index * step));
  return { max: ticks[ticks.length - 1] ?? step, ticks };
}

/** Show every n-th of `count` axis labels so that labels are at least `minSpacing` px apart. */
export function labelStride(count: number, width: number, minSpacing: number): number {
  if (count <= 0 || width <= 0) return 1;
  return Math.max(1, Math.ceil((count * minSpacing) / width));
}
