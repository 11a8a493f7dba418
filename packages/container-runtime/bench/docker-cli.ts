import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { percentile, round } from '@crewship/tooling-bench';

const run = promisify(execFile);

/** Runs the docker CLI (the baseline tool) and returns its trimmed stdout. */
export async function dockerCli(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** A percentile in milliseconds, to one decimal. */
export const percentileMs = (samples: readonly number[], fraction: number) =>
  round(percentile(samples, fraction), 1);

export const BENCH_IMAGE = 'crewship-base:bookworm';
