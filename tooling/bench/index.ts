export { announceListening } from './announce-listening.js';
export type { BenchResult } from './bench-result.js';
export {
  type MeasureThroughputOptions,
  measureThroughput,
  type ThroughputMeasurement,
} from './measure-throughput.js';
export { runBench } from './run-bench.js';
export { type BenchServer, type SpawnServerOptions, spawnServer } from './spawn-server.js';
export { median, percentile, round } from './statistics.js';
export { temporaryDirectory } from './temporary-directory.js';
