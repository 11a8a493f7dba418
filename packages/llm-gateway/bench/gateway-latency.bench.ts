import { Agent } from 'node:http';
import { percentile, round, runBench } from '@crewship/tooling-bench';
import { post, startBenchProcesses, type Target } from './bench-client.js';

const WARMUP = 300;
const ROUNDS = 3000;
const BODY = JSON.stringify({
  model: 'claude-sonnet-4',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Say hi.' }],
});

/**
 * Added latency of one small non-streaming call on the agent's path (sidecar -> gateway -> the testkit fake
 * provider), against calling the fake provider directly; the paths alternate call by call.
 */
runBench(async () => {
  const processes = await startBenchProcesses({ file: 'fake-provider-server.ts', args: [] });
  const paths = {
    agent: { target: processes.agent, samples: [] as number[] },
    gateway: { target: processes.gateway, samples: [] as number[] },
    direct: { target: processes.direct, samples: [] as number[] },
  };
  const agents: Agent[] = [];
  try {
    const measured = Object.values(paths).map((path) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      return { ...path, agent };
    });
    for (let index = 0; index < WARMUP + ROUNDS; index++) {
      for (const { target, samples, agent } of measured) {
        const started = performance.now();
        await post(target as Target, BODY, agent);
        if (index >= WARMUP) samples.push(performance.now() - started);
      }
    }
  } finally {
    for (const agent of agents) agent.destroy();
    await processes.stop();
  }
  const p50 = (samples: number[]) => percentile(samples, 0.5);
  const p99 = (samples: number[]) => percentile(samples, 0.99);
  const { agent, gateway, direct } = paths;
  return {
    name: 'llm-gateway/gateway-latency',
    unit: 'ms (p50)',
    figure: round(p50(agent.samples)),
    baseline: round(p50(direct.samples)),
    baselineName: 'client -> fake provider directly (127.0.0.1, keep-alive)',
    details: {
      rounds: ROUNDS,
      target: 'added p50 < 2 ms',
      addedP50Ms: round(p50(agent.samples) - p50(direct.samples)),
      addedP99Ms: round(p99(agent.samples) - p99(direct.samples)),
      p99: round(p99(agent.samples)),
      baselineP99: round(p99(direct.samples)),
      gatewayOnlyAddedP50Ms: round(p50(gateway.samples) - p50(direct.samples)),
      path:
        'client -> sidecar process (127.0.0.1, token, header filter) -> unix socket -> gateway process (token, ' +
        'agent, vault, injection, usage, metering, journal) -> fake provider process (@crewship/testkit)',
    },
  };
});
