/** What a bench file prints, as one JSON line on stdout, when run as a script. */
export interface BenchResult {
  name: string;
  unit: string;
  figure: number;
  /** The same measurement of a reference workload, taken in the same run on the same machine. */
  baseline: number;
  baselineName: string;
  details: Record<string, unknown>;
}
