import { createFakeContainerRuntime } from '@crewship/container-runtime/testing';
import type { ContainerRuntime, ContainerStats, CrewContainerSpec } from '@crewship/contracts';
import { silentLogger } from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInMemoryStatsSink, createStatsCollector } from './stats-collector.js';

const spec = (index: number): CrewContainerSpec => ({
  crewId: `crew-${index}`,
  workspaceId: `ws-${index % 2}`,
  slug: `crew-${index}`,
  image: 'debian:bookworm-slim',
  networkMode: 'restricted',
  memoryMb: 512,
  cpus: 1,
  agents: [],
});

const sample = (crewId: string, pids: number): ContainerStats => ({
  crewId,
  at: new Date().toISOString(),
  cpuPercent: 1.5,
  memoryBytes: 1024,
  memoryLimitBytes: 4096,
  networkRxBytes: 10,
  networkTxBytes: 20,
  pids,
});

/** The fake runtime whose `stats` the test controls: each probe waits for `release`. */
function controlledRuntime() {
  const fake = createFakeContainerRuntime();
  let inFlight = 0;
  let maxInFlight = 0;
  let probes = 0;
  const pending: (() => void)[] = [];
  const runtime: ContainerRuntime = {
    ...fake,
    exec: fake.exec,
    async stats(crewId) {
      probes += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => pending.push(resolve));
      inFlight -= 1;
      return (await fake.status(crewId)).state === 'running' ? sample(crewId, probes) : null;
    },
  };
  return {
    runtime,
    fake,
    releaseAll() {
      for (const resolve of pending.splice(0)) resolve();
    },
    get probes() {
      return probes;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get waiting() {
      return pending.length;
    },
  };
}

describe('createStatsCollector', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('probes every running container each interval, at most 10 at a time, and publishes per workspace', async () => {
    const control = controlledRuntime();
    for (let index = 0; index < 25; index++) await control.fake.ensureCrewContainer(spec(index));
    await control.fake.stop('crew-24');
    const sink = createInMemoryStatsSink();
    const collector = createStatsCollector(control.runtime, sink, { intervalMs: 5000, logger: silentLogger });
    collector.start();

    await vi.advanceTimersByTimeAsync(4999);
    expect(control.probes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(control.waiting).toBe(10);
    while (control.waiting > 0) {
      control.releaseAll();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(control.probes).toBe(24);
    expect(control.maxInFlight).toBe(10);
    expect(collector.latest('crew-3')).toMatchObject({ crewId: 'crew-3', cpuPercent: 1.5 });
    expect(collector.latest('crew-24')).toBeUndefined();
    expect(sink.latest('crew-3')?.workspaceId).toBe('ws-1');
    expect(sink.latest('crew-4')?.workspaceId).toBe('ws-0');

    await vi.advanceTimersByTimeAsync(5000);
    expect(control.waiting).toBe(10);
    collector.stop();
    control.releaseAll();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(control.probes).toBeLessThanOrEqual(24 + 24);
    const afterStop = control.probes;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(control.probes).toBe(afterStop);
  });

  it('gives up on a probe after 3 s without holding back the others or the next round', async () => {
    const fake = createFakeContainerRuntime();
    await fake.ensureCrewContainer(spec(1));
    await fake.ensureCrewContainer(spec(2));
    const runtime: ContainerRuntime = {
      ...fake,
      exec: fake.exec,
      stats: (crewId) =>
        crewId === 'crew-1' ? new Promise<ContainerStats | null>(() => {}) : fake.stats(crewId),
    };
    const collector = createStatsCollector(runtime, createInMemoryStatsSink(), {
      intervalMs: 1000,
      logger: silentLogger,
    });
    const round = collector.collectOnce();
    let done = false;
    void round.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(2999);
    expect(done).toBe(false);
    expect(collector.latest('crew-2')).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(collector.latest('crew-1')).toBeUndefined();
  });

  it('does not stack a new probe on one that is still unanswered', async () => {
    const fake = createFakeContainerRuntime();
    await fake.ensureCrewContainer(spec(1));
    let calls = 0;
    let answer: (() => void) | undefined;
    const runtime: ContainerRuntime = {
      ...fake,
      exec: fake.exec,
      stats: (crewId) => {
        calls += 1;
        return new Promise((resolve) => {
          answer = () => resolve(sample(crewId, 1));
        });
      },
    };
    const collector = createStatsCollector(runtime, createInMemoryStatsSink(), {
      intervalMs: 1000,
      logger: silentLogger,
    });
    collector.start();
    await vi.advanceTimersByTimeAsync(1000 + 3000 + 1000 + 3000 + 1000);
    expect(calls).toBe(1);
    expect(await collector.probe('crew-1')).toBeNull();
    expect(calls).toBe(1);
    answer?.();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    collector.stop();
  });

  it('drops the sample of a container that stopped, and forgets on request', async () => {
    const fake = createFakeContainerRuntime();
    await fake.ensureCrewContainer(spec(1));
    await fake.ensureCrewContainer(spec(2));
    const collector = createStatsCollector(fake, createInMemoryStatsSink(), {
      intervalMs: 1000,
      logger: silentLogger,
    });
    await collector.collectOnce();
    expect(collector.latest('crew-1')).toBeDefined();
    await fake.stop('crew-1');
    await collector.collectOnce();
    expect(collector.latest('crew-1')).toBeUndefined();
    collector.forget('crew-2');
    expect(collector.latest('crew-2')).toBeUndefined();
    expect(await collector.probe('crew-2')).toMatchObject({ crewId: 'crew-2', pids: 1 });
    expect(collector.latest('crew-2')).toBeDefined();
  });

  it('survives a runtime that cannot list its containers', async () => {
    const fake = createFakeContainerRuntime();
    const runtime: ContainerRuntime = {
      ...fake,
      exec: fake.exec,
      list: () => Promise.reject(new Error('engine gone')),
    };
    const collector = createStatsCollector(runtime, createInMemoryStatsSink(), {
      intervalMs: 1000,
      logger: silentLogger,
    });
    collector.start();
    await vi.advanceTimersByTimeAsync(5000);
    collector.stop();
  });
});
