import { homedir } from 'node:os';
import { runBench, temporaryDirectory } from '@crewship/tooling-bench';
import { createDockerContainerRuntime } from '../src/index.js';
import { collect } from '../src/testing/index.js';
import { BENCH_IMAGE, dockerCli, percentileMs } from './docker-cli.js';

const WARMUP = 5;
const ROUNDS = 60;

/** Round trip of `true` in a running crew container, against `docker exec` via the CLI on the same container. */
runBench(async () => {
  const runtime = await createDockerContainerRuntime({
    dataDir: temporaryDirectory('crewship-bench-exec-').path,
    home: homedir(),
    uid: process.getuid?.() ?? 0,
  });
  const crewId = `bench-exec-${process.pid}`;
  const ours: number[] = [];
  const cli: number[] = [];
  try {
    const container = await runtime.ensureCrewContainer({
      crewId,
      workspaceId: 'bench',
      slug: crewId,
      image: BENCH_IMAGE,
      networkMode: 'restricted',
      memoryMb: 512,
      cpus: 1,
      agents: ['ada'],
    });
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const started = performance.now();
      const { exitCode } = await collect(runtime.exec(container, { cmd: ['true'] }));
      if (exitCode !== 0) throw new Error(`exec exited ${exitCode}`);
      if (round >= WARMUP) ours.push(performance.now() - started);
      const cliStarted = performance.now();
      await dockerCli('exec', '--user', '1001:1001', container.id, 'true');
      if (round >= WARMUP) cli.push(performance.now() - cliStarted);
    }
  } finally {
    await runtime.remove(crewId);
    await runtime.close();
    await dockerCli('volume', 'rm', '-f', `crewship-home-${crewId}`);
  }
  return {
    name: 'container-runtime/exec-roundtrip',
    unit: 'ms (p50)',
    figure: percentileMs(ours, 0.5),
    baseline: percentileMs(cli, 0.5),
    baselineName: 'docker exec true (CLI)',
    details: {
      rounds: ROUNDS,
      p95: percentileMs(ours, 0.95),
      baselineP95: percentileMs(cli, 0.95),
      image: BENCH_IMAGE,
    },
  };
});
