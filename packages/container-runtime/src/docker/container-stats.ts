import type { ContainerStats } from '@crewship/contracts';
import type Docker from 'dockerode';

/** The part of a Docker stats sample the CPU percentage needs. */
export interface CpuSample {
  containerUsage: number;
  systemUsage: number;
  onlineCpus: number;
}

export function cpuSampleOf(sample: Docker.ContainerStats): CpuSample | undefined {
  const cpu = sample.cpu_stats as Partial<Docker.CPUStats> | undefined;
  const containerUsage = cpu?.cpu_usage?.total_usage;
  const systemUsage = cpu?.system_cpu_usage;
  if (typeof containerUsage !== 'number' || typeof systemUsage !== 'number' || systemUsage === 0)
    return undefined;
  const onlineCpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  return { containerUsage, systemUsage, onlineCpus };
}

/**
 * A `ContainerStats` from a Docker sample and an earlier CPU sample (Docker's one-shot stats leave
 * `precpu_stats` empty). CPU as `docker stats` shows it: 100 = one full core. Memory without the
 * inactive page cache, as `docker stats` does (cgroup v1 `total_inactive_file`, v2 `inactive_file`).
 */
export function containerStatsOf(
  crewId: string,
  at: Date,
  sample: Docker.ContainerStats,
  earlier: CpuSample | undefined,
): ContainerStats {
  const now = cpuSampleOf(sample);
  let cpuPercent = 0;
  if (now && earlier) {
    const containerDelta = now.containerUsage - earlier.containerUsage;
    const systemDelta = now.systemUsage - earlier.systemUsage;
    if (containerDelta > 0 && systemDelta > 0)
      cpuPercent = (containerDelta / systemDelta) * now.onlineCpus * 100;
  }
  const memory = sample.memory_stats as Partial<Docker.MemoryStats> | undefined;
  const pageCache =
    (memory?.stats as Record<string, number | undefined> | undefined)?.total_inactive_file ??
    (memory?.stats as Record<string, number | undefined> | undefined)?.inactive_file ??
    0;
  const usage = memory?.usage ?? 0;
  let networkRxBytes = 0;
  let networkTxBytes = 0;
  for (const network of Object.values(sample.networks ?? {})) {
    networkRxBytes += network.rx_bytes ?? 0;
    networkTxBytes += network.tx_bytes ?? 0;
  }
  return {
    crewId,
    at: at.toISOString(),
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes: Math.max(0, usage - (pageCache < usage ? pageCache : 0)),
    memoryLimitBytes: memory?.limit ?? 0,
    networkRxBytes,
    networkTxBytes,
    pids: sample.pids_stats?.current ?? 0,
  };
}
