import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { containerStatsOf, cpuSampleOf } from './container-stats.js';

function sample(overrides: {
  total: number;
  system: number;
  networks?: Docker.NetworkStats;
}): Docker.ContainerStats {
  return {
    read: '2024-01-01T00:00:00Z',
    preread: '0001-01-01T00:00:00Z',
    num_procs: 0,
    pids_stats: { current: 7, limit: 200 },
    cpu_stats: {
      cpu_usage: { total_usage: overrides.total, percpu_usage: [1, 2] },
      system_cpu_usage: overrides.system,
      online_cpus: 2,
    },
    precpu_stats: { cpu_usage: {} },
    memory_stats: { usage: 50_000_000, limit: 536_870_912, stats: { total_inactive_file: 10_000_000 } },
    networks: overrides.networks,
  } as unknown as Docker.ContainerStats;
}

const link = (rx: number, tx: number) => ({ rx_bytes: rx, tx_bytes: tx }) as Docker.NetworkStats[string];

describe('containerStatsOf', () => {
  it('computes CPU from two samples, memory without inactive cache, and sums the interfaces', () => {
    const earlier = cpuSampleOf(sample({ total: 1_000_000_000, system: 100_000_000_000 }));
    const stats = containerStatsOf(
      'crew-1',
      new Date('2024-01-01T00:00:05Z'),
      sample({
        total: 1_500_000_000,
        system: 110_000_000_000,
        networks: { eth0: link(100, 10), eth1: link(5, 1) },
      }),
      earlier,
    );
    expect(stats).toEqual({
      crewId: 'crew-1',
      at: '2024-01-01T00:00:05.000Z',
      cpuPercent: 10,
      memoryBytes: 40_000_000,
      memoryLimitBytes: 536_870_912,
      networkRxBytes: 105,
      networkTxBytes: 11,
      pids: 7,
    });
  });

  it('reports 0 % CPU without an earlier sample and no traffic without networks', () => {
    const stats = containerStatsOf('crew-1', new Date(), sample({ total: 5, system: 10 }), undefined);
    expect(stats.cpuPercent).toBe(0);
    expect(stats.networkRxBytes).toBe(0);
    expect(stats.networkTxBytes).toBe(0);
  });
});
