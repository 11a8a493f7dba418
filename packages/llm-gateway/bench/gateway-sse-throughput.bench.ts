import { runBench } from '@crewship/tooling-bench';
import { post, round, startBenchProcesses, type Target } from './bench-client.js';

const STREAM_MIB = 256;
const ROUNDS = 5;
const BODY = '{"model":"claude-sonnet-4","stream":true}';

/** MB/s of a large SSE stream read through the gateway socket, against reading it from the upstream directly. */
runBench(async () => {
  const processes = await startBenchProcesses(`sse:${STREAM_MIB}`, true);
  const measure = async (target: Target) => {
    const started = performance.now();
    const bytes = await post(target, BODY);
    return { bytes, mbPerSecond: bytes / (1024 * 1024) / ((performance.now() - started) / 1000) };
  };
  const ours: number[] = [];
  const direct: number[] = [];
  const relayed: number[] = [];
  let bytes = 0;
  try {
    const relay = processes.relay!;
    for (const target of [processes.gateway, processes.direct, relay]) await measure(target);
    for (let index = 0; index < ROUNDS; index++) {
      const through = await measure(processes.gateway);
      const plain = await measure(processes.direct);
      const bare = await measure(relay);
      if (through.bytes !== plain.bytes || bare.bytes !== plain.bytes) {
        throw new Error(`byte counts differ: ${through.bytes}, ${plain.bytes}, ${bare.bytes}`);
      }
      bytes = through.bytes;
      ours.push(through.mbPerSecond);
      direct.push(plain.mbPerSecond);
      relayed.push(bare.mbPerSecond);
    }
  } finally {
    await processes.stop();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    name: 'llm-gateway/gateway-sse-throughput',
    unit: 'MB/s (median)',
    figure: round(median(ours), 1),
    baseline: round(median(direct), 1),
    baselineName: 'client <- fake upstream directly (127.0.0.1)',
    details: {
      rounds: ROUNDS,
      streamBytes: bytes,
      roundsMbPerSecond: ours.map((value) => round(value, 1)),
      baselineRoundsMbPerSecond: direct.map((value) => round(value, 1)),
      target: 'ratio >= 0.9',
      bareRelayMbPerSecond: round(median(relayed), 1),
      ratioToBareRelay: round(median(ours) / median(relayed), 3),
      processes: 'client, gateway and upstream each in their own process (2 cores)',
    },
  };
});
