import { Agent } from 'node:http';
import { runBench } from '@crewship/tooling-bench';
import { percentile, post, round, startBenchProcesses } from './bench-client.js';

const WARMUP = 300;
const ROUNDS = 3000;
const BODY = JSON.stringify({
  model: 'claude-sonnet-4',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Say hi.' }],
});

/** Added latency of one small non-streaming call through the gateway socket, against calling the upstream directly. */
runBench(async () => {
  const processes = await startBenchProcesses('json');
  const socketAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const directAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ours: number[] = [];
  const direct: number[] = [];
  try {
    for (let index = 0; index < WARMUP + ROUNDS; index++) {
      let started = performance.now();
      await post(processes.gateway, BODY, socketAgent);
      const through = performance.now() - started;
      started = performance.now();
      await post(processes.direct, BODY, directAgent);
      const plain = performance.now() - started;
      if (index >= WARMUP) {
        ours.push(through);
        direct.push(plain);
      }
    }
  } finally {
    socketAgent.destroy();
    directAgent.destroy();
    await processes.stop();
  }
  const p50 = percentile(ours, 0.5);
  const p99 = percentile(ours, 0.99);
  const directP50 = percentile(direct, 0.5);
  const directP99 = percentile(direct, 0.99);
  return {
    name: 'llm-gateway/gateway-latency',
    unit: 'ms (p50)',
    figure: round(p50),
    baseline: round(directP50),
    baselineName: 'client -> fake upstream directly (127.0.0.1, keep-alive)',
    details: {
      rounds: ROUNDS,
      p99: round(p99),
      baselineP99: round(directP99),
      addedP50Ms: round(p50 - directP50),
      addedP99Ms: round(p99 - directP99),
      path: 'client -> unix socket -> gateway process (token, agent, vault, injection, usage, metering, journal) -> upstream process',
    },
  };
});
