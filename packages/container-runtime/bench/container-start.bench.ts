import { homedir } from 'node:os';
import type { CrewContainerSpec } from '@crewship/contracts';
import { runBench, temporaryDirectory } from '@crewship/tooling-bench';
import { createDockerContainerRuntime } from '../src/index.js';
import { collect } from '../src/testing/index.js';
import { BENCH_IMAGE, dockerCli, percentileMs } from './docker-cli.js';

const ROUNDS = 12;

/** Crew container create+start to the first finished exec, against `docker run -d` + `docker exec` via the CLI. */
runBench(async () => {
  const runtime = await createDockerContainerRuntime({
    dataDir: temporaryDirectory('crewship-bench-containers-').path,
    home: homedir(),
    uid: process.getuid?.() ?? 0,
  });
  const ours: number[] = [];
  const cli: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const spec: CrewContainerSpec = {
        crewId: `bench-start-${process.pid}-${round}`,
        workspaceId: 'bench',
        slug: `bench-start-${process.pid}-${round}`,
        image: BENCH_IMAGE,
        networkMode: 'restricted',
        memoryMb: 512,
        cpus: 1,
        agents: ['ada'],
      };
      const started = performance.now();
      const container = await runtime.ensureCrewContainer(spec);
      const { exitCode } = await collect(runtime.exec(container, { cmd: ['true'] }));
      ours.push(performance.now() - started);
      if (exitCode !== 0) throw new Error(`first exec exited ${exitCode}`);
      await runtime.remove(spec.crewId);
      await dockerCli('volume', 'rm', '-f', `crewship-home-${spec.crewId}`);

      const cliStarted = performance.now();
      const id = await dockerCli('run', '-d', '--network', 'none', BENCH_IMAGE, 'sleep', 'infinity');
      await dockerCli('exec', id, 'true');
      cli.push(performance.now() - cliStarted);
      await dockerCli('rm', '-f', id);
    }
  } finally {
    await runtime.close();
  }
  return {
    name: 'container-runtime/container-start',
    unit: 'ms (p50)',
    figure: percentileMs(ours, 0.5),
    baseline: percentileMs(cli, 0.5),
    baselineName: 'docker run -d + docker exec (CLI)',
    details: {
      rounds: ROUNDS,
      p95: percentileMs(ours, 0.95),
      baselineP95: percentileMs(cli, 0.95),
      image: BENCH_IMAGE,
      note: 'ours includes host dirs, home volume, security profile and the image sanity check',
    },
  };
});
