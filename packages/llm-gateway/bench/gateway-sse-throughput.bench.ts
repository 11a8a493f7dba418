import { median, round, runBench } from '@crewship/tooling-bench';
import { post, startBenchProcesses, type Target } from './bench-client.js';

/** Text of the fake provider's answer: about 23 MB of SSE, one `content_block_delta` event per word. */
const ANSWER_KIB = 1024;
/** The capacity run: pre-built 1 MiB blobs of events, as fast as the upstream's socket takes them. */
const BLOB_MIB = 256;
const ROUNDS = 5;
const BODY = JSON.stringify({
  model: 'claude-sonnet-4',
  stream: true,
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Write at length.' }],
});

/** Reads one whole stream from each target per round (targets alternate); returns MB/s per target. */
async function measure(
  targets: Record<string, Target>,
): Promise<{ bytes: number; rates: Record<string, number[]> }> {
  const rates: Record<string, number[]> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  let bytes = 0;
  for (let pass = -1; pass < ROUNDS; pass++) {
    for (const [name, target] of Object.entries(targets)) {
      const started = performance.now();
      const read = await post(target, BODY);
      const seconds = (performance.now() - started) / 1000;
      if (bytes !== 0 && read !== bytes) throw new Error(`${name} read ${read} bytes, others ${bytes}`);
      bytes = read;
      if (pass >= 0) rates[name]!.push(read / (1024 * 1024) / seconds);
    }
  }
  return { bytes, rates };
}

/**
 * MB/s of a long SSE answer read on the agent's path (sidecar -> gateway -> the testkit fake provider)
 * against reading it from the fake provider directly. A second run measures capacity: pre-built 1 MiB
 * blobs pumped as fast as sockets take them, through the same path, the gateway alone and a bare byte relay.
 */
runBench(async () => {
  const provider = await startBenchProcesses({ file: 'fake-provider-server.ts', args: [String(ANSWER_KIB)] });
  const answer = await measure({ agent: provider.agent, direct: provider.direct }).finally(() =>
    provider.stop(),
  );
  const blobs = await startBenchProcesses(
    { file: 'fake-upstream-server.ts', args: [`sse:${BLOB_MIB}`] },
    true,
  );
  const capacity = await measure({
    agent: blobs.agent,
    gateway: blobs.gateway,
    relay: blobs.relay!,
    direct: blobs.direct,
  }).finally(() => blobs.stop());
  const figure = median(answer.rates.agent!);
  const baseline = median(answer.rates.direct!);
  const capacityOf = (name: string) => round(median(capacity.rates[name]!), 1);
  return {
    name: 'llm-gateway/gateway-sse-throughput',
    unit: 'MB/s (median)',
    figure: round(figure, 1),
    baseline: round(baseline, 1),
    baselineName: 'client <- fake provider directly (127.0.0.1)',
    details: {
      target: 'ratio >= 0.9',
      rounds: ROUNDS,
      streamBytes: answer.bytes,
      roundsMbPerSecond: answer.rates.agent!.map((value) => round(value, 1)),
      baselineRoundsMbPerSecond: answer.rates.direct!.map((value) => round(value, 1)),
      capacity: {
        streamBytes: capacity.bytes,
        agentMbPerSecond: capacityOf('agent'),
        gatewayOnlyMbPerSecond: capacityOf('gateway'),
        bareRelayMbPerSecond: capacityOf('relay'),
        directMbPerSecond: capacityOf('direct'),
        agentRatio: round(capacityOf('agent') / capacityOf('direct')),
        bareRelayRatio: round(capacityOf('relay') / capacityOf('direct')),
      },
      processes: 'client, sidecar, gateway and upstream each in their own process (2 cores)',
    },
  };
});
