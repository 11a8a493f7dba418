import type {
  ContainerRuntime,
  ContainerStats,
  ContainerStatsSink,
  Logger,
  RealtimePublisher,
} from '@crewship/contracts';

export const STATS_PROBE_TIMEOUT_MS = 3000;
export const STATS_MAX_CONCURRENT_PROBES = 10;

export interface StatsCollectorOptions {
  intervalMs: number;
  logger: Logger;
  probeTimeoutMs?: number;
  maxConcurrentProbes?: number;
}

/** Polls `runtime.stats` for every running crew container and keeps the latest sample per crew. */
export interface StatsCollector {
  /** The latest sample of a crew's running container, or undefined when none was taken yet. */
  latest(crewId: string): ContainerStats | undefined;
  /**
   * One probe now (3 s at most), or null at once while an earlier probe of the crew is unanswered;
   * a sample taken is kept as the latest.
   */
  probe(crewId: string): Promise<ContainerStats | null>;
  /** Drops a crew's sample (its container stopped or was removed). */
  forget(crewId: string): void;
  /** One round of probes now; resolves when every probe has answered or timed out. */
  collectOnce(): Promise<void>;
  start(): void;
  stop(): void;
}

class ProbeTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout()), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Samples every `intervalMs` (measured from the end of the previous round, so rounds never overlap). */
export function createStatsCollector(
  runtime: ContainerRuntime,
  sink: ContainerStatsSink,
  options: StatsCollectorOptions,
): StatsCollector {
  const probeTimeoutMs = options.probeTimeoutMs ?? STATS_PROBE_TIMEOUT_MS;
  const maxConcurrent = options.maxConcurrentProbes ?? STATS_MAX_CONCURRENT_PROBES;
  const samples = new Map<string, ContainerStats>();
  const unanswered = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  function startProbe(crewId: string): Promise<ContainerStats | null> {
    const probe = runtime.stats(crewId);
    unanswered.add(crewId);
    const settled = () => unanswered.delete(crewId);
    probe.then(settled, settled);
    return probe;
  }

  async function collectOnce() {
    let containers: Awaited<ReturnType<ContainerRuntime['list']>>;
    try {
      containers = (await runtime.list()).filter((container) => container.state === 'running');
    } catch (error) {
      options.logger.warn('container stats: cannot list containers', { error: (error as Error).message });
      return;
    }
    const live = new Set(containers.map((container) => container.crewId));
    for (const crewId of samples.keys()) if (!live.has(crewId)) samples.delete(crewId);
    // A probe that timed out may still hang in the engine: never stack a second one on it.
    const due = containers.filter((container) => !unanswered.has(container.crewId));
    await forEachLimited(due, maxConcurrent, async (container) => {
      try {
        const stats = await withTimeout(startProbe(container.crewId), probeTimeoutMs);
        if (!stats) {
          samples.delete(container.crewId);
          return;
        }
        samples.set(container.crewId, stats);
        sink.publish(container.workspaceId, stats);
      } catch (error) {
        options.logger.debug('container stats probe failed', {
          crewId: container.crewId,
          reason:
            error instanceof ProbeTimeout ? `timed out after ${probeTimeoutMs} ms` : (error as Error).message,
        });
      }
    });
  }

  function schedule() {
    if (!running) return;
    timer = setTimeout(async () => {
      await collectOnce();
      schedule();
    }, options.intervalMs);
    timer.unref?.();
  }

  return {
    latest: (crewId) => samples.get(crewId),
    async probe(crewId) {
      if (unanswered.has(crewId)) return null;
      try {
        const stats = await withTimeout(startProbe(crewId), probeTimeoutMs);
        if (stats) samples.set(crewId, stats);
        return stats;
      } catch (error) {
        options.logger.debug('container stats probe failed', { crewId, reason: (error as Error).message });
        return null;
      }
    },
    forget: (crewId) => {
      samples.delete(crewId);
    },
    collectOnce,
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}

/** Keeps the latest published sample per crew; stands in until the WebSocket hub subscribes. */
/** Publishes each sample on the crew's workspace channel as `container.stats` (the API's field names). */
export function hubStatsSink(hub: RealtimePublisher): ContainerStatsSink {
  return {
    publish(workspaceId, stats) {
      hub.publish(`workspace:${workspaceId}`, 'container.stats', {
        crew_id: stats.crewId,
        at: stats.at,
        cpu_percent: stats.cpuPercent,
        memory_bytes: stats.memoryBytes,
        memory_limit_bytes: stats.memoryLimitBytes,
        network_rx_bytes: stats.networkRxBytes,
        network_tx_bytes: stats.networkTxBytes,
        pids: stats.pids,
      });
    },
  };
}

export function createInMemoryStatsSink(): ContainerStatsSink & {
  latest(crewId: string): { workspaceId: string; stats: ContainerStats } | undefined;
} {
  const latest = new Map<string, { workspaceId: string; stats: ContainerStats }>();
  return {
    publish(workspaceId, stats) {
      latest.set(stats.crewId, { workspaceId, stats });
    },
    latest: (crewId) => latest.get(crewId),
  };
}
