/** The nearest-rank percentile of unsorted samples (`fraction` 0.5 = p50); NaN when there are none. */
export function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** The nearest-rank median (the lower middle of an even count); NaN when there are none. */
export const median = (samples: readonly number[]) => percentile(samples, 0.5);

/** `value` rounded to `digits` decimals, for figures printed in a result line. */
export const round = (value: number, digits = 3) => Number(value.toFixed(digits));
