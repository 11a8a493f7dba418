import type { BenchResult } from './bench-result.js';

/**
 * Runs `measure` as the body of a bench file: prints its result as one JSON line on stdout, or the failure on
 * stderr with exit code 1. Exiting through `process.exit` runs the exit hooks that kill servers and remove
 * temporary directories, also on SIGINT and SIGTERM.
 */
export function runBench(measure: () => Promise<BenchResult>): void {
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  measure().then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
