import autocannon from 'autocannon';

export interface MeasureThroughputOptions {
  /** Full URL of the request to repeat; its host must be 127.0.0.1. */
  url: string;
  headers?: Record<string, string>;
  connections?: number;
  warmupSeconds?: number;
  durationSeconds?: number;
}

export interface ThroughputMeasurement {
  /** Mean of the per-second request counts of the measured run. */
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

interface Run {
  result: autocannon.Result;
  latencies: number[];
}

function run(options: MeasureThroughputOptions, seconds: number): Promise<Run> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    let overran = false;
    const instance = autocannon(
      {
        url: options.url,
        headers: options.headers ?? {},
        connections: options.connections ?? 10,
        duration: seconds,
      },
      (error, result) => {
        clearTimeout(watchdog);
        if (error) reject(error);
        else if (overran) reject(new Error(`load on ${options.url} did not finish within ${seconds + 15} s`));
        else resolve({ result, latencies });
      },
    );
    const watchdog = setTimeout(
      () => {
        overran = true;
        instance.stop();
      },
      (seconds + 15) * 1000,
    );
    // autocannon's own histogram has 1 ms resolution, too coarse for a server on the same machine.
    instance.on('response', (_client, _statusCode, _bytes, responseTime) => latencies.push(responseTime));
  });
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const value =
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
  return Math.round(value * 1000) / 1000;
}

function statusCodes(result: autocannon.Result): Record<string, number> {
  return Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
  );
}

function assertClean(phase: string, url: string, result: autocannon.Result): void {
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${phase} against ${url}: ${result.non2xx} non-2xx responses and ${result.errors} errors ` +
        `(status codes ${JSON.stringify(statusCodes(result))})`,
    );
  }
}

/**
 * Drives `url` with autocannon from this process: a warm-up run that is thrown away, then the measured run.
 * Throws when any response is not 2xx or any connection fails: a fast error is not throughput.
 */
export async function measureThroughput(options: MeasureThroughputOptions): Promise<ThroughputMeasurement> {
  if (new URL(options.url).hostname !== '127.0.0.1')
    throw new Error(`refusing to load ${options.url}: not 127.0.0.1`);
  const warmup = await run(options, options.warmupSeconds ?? 2);
  assertClean('warm-up', options.url, warmup.result);
  const { result, latencies } = await run(options, options.durationSeconds ?? 8);
  assertClean('measured run', options.url, result);
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: percentile(sorted, 0.5),
    latencyP99Ms: percentile(sorted, 0.99),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes: statusCodes(result),
  };
}
