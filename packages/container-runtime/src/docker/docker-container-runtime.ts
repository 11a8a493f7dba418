import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatus,
  type CrewContainer,
  type CrewContainerSpec,
  CrewshipError,
  type ExecHandle,
  type ExecOptions,
  type Logger,
  silentLogger,
} from '@crewship/contracts';
import Docker from 'dockerode';
import { crewConfigHash, crewContainerName } from '../config-hash.js';
import { detectDockerEngine } from '../detect-docker-engine.js';
import { checkCrewImageFiles, checkMountedTools } from './check-crew-image.js';
import { type CpuSample, containerStatsOf, cpuSampleOf } from './container-stats.js';
import {
  assertSafeSpec,
  CREW_NETWORK,
  crewContainerConfig,
  crewNetworkMode,
  LABEL_CONFIG_HASH,
  LABEL_CREW_ID,
  LABEL_DATA_DIR,
  LABEL_MANAGED,
  LABEL_WORKSPACE_ID,
} from './crew-container-config.js';
import { dockerErrorStatus, unlessMissing } from './docker-errors.js';
import { startDockerExec } from './docker-exec.js';
import { ensureHomeVolume, giveHomeVolumeToAgent } from './home-volume.js';
import { createKeyedLock } from './keyed-lock.js';
import { prepareCrewHostDirs } from './prepare-crew-host-dirs.js';

export interface DockerContainerRuntimeOptions {
  /** Docker socket path; detected from `dockerHost` and the well-known sockets when absent. */
  socket?: string;
  /** The value of `DOCKER_HOST`, read by the caller (packages never read the environment). */
  dockerHost?: string;
  home: string;
  uid: number;
  /** Host side of the bind mounts: `<dataDir>/crews/<crewId>/…`. */
  dataDir: string;
  /** Mounted read-only at `/opt/crewship`, with its `bin` and `node/bin` on PATH. */
  toolsDir?: string;
  /** A running crew container without exec for this long is stopped. Default 30 minutes. */
  idleTtlMs?: number;
  logger?: Logger;
  now?: () => Date;
}

export interface DockerContainerRuntime extends ContainerRuntime {
  /**
   * At server start: adopts the crew containers (running or stopped) of known crews and removes the
   * others, among the containers created with this data dir (another server's are left alone).
   * `removed` lists their crew ids (container names for unlabelled ones). Home volumes are kept.
   */
  reconcile(knownCrewIds: ReadonlySet<string>): Promise<{ adopted: CrewContainer[]; removed: string[] }>;
  /** Stops the idle TTL timer; containers keep running. */
  close(): Promise<void>;
}

export const DEFAULT_IDLE_TTL_MS = 30 * 60 * 1000;
const STOP_TIMEOUT_SECONDS = 5;
const CPU_SAMPLE_MAX_AGE_MS = 30_000;
const CPU_SAMPLE_GAP_MS = 250;

interface Activity {
  lastExecAt: Date | null;
  /** Start (or adoption) time: the idle clock runs from here until the first exec. */
  idleSince: Date;
  inFlight: number;
}

/** A `ContainerRuntime` on a Docker engine (dockerode): one hardened container per crew. */
export async function createDockerContainerRuntime(
  options: DockerContainerRuntimeOptions,
): Promise<DockerContainerRuntime> {
  const socket =
    options.socket ??
    (await detectDockerEngine({ dockerHost: options.dockerHost, home: options.home, uid: options.uid }))
      .socket;
  const docker = new Docker({ socketPath: socket });
  const logger = (options.logger ?? silentLogger).child({ component: 'docker-container-runtime' });
  const now = options.now ?? (() => new Date());
  const idleTtlMs = options.idleTtlMs ?? DEFAULT_IDLE_TTL_MS;
  const toolsDir = options.toolsDir;
  const dataDir = resolve(options.dataDir);
  const lock = createKeyedLock();
  const activity = new Map<string, Activity>();
  const cpuSamples = new Map<string, { sample: CpuSample; at: number }>();

  function activityOf(containerId: string): Activity {
    let entry = activity.get(containerId);
    if (!entry) {
      entry = { lastExecAt: null, idleSince: now(), inFlight: 0 };
      activity.set(containerId, entry);
    }
    return entry;
  }

  function markStarted(containerId: string) {
    const inFlight = activity.get(containerId)?.inFlight ?? 0;
    activity.set(containerId, { lastExecAt: null, idleSince: now(), inFlight });
  }

  async function listManaged(crewId?: string): Promise<Docker.ContainerInfo[]> {
    const label = [`${LABEL_MANAGED}=true`, ...(crewId === undefined ? [] : [`${LABEL_CREW_ID}=${crewId}`])];
    try {
      const found = await docker.listContainers({ all: true, filters: { label } });
      // A container being removed is gone already for our purposes (Docker can keep it in that state).
      return found.filter((info) => info.State !== 'removing');
    } catch (error) {
      throw dockerFailure('list crew containers', error);
    }
  }

  async function findCrewContainer(crewId: string): Promise<Docker.ContainerInfo | undefined> {
    const found = await listManaged(crewId);
    return found.find((info) => info.State === 'running') ?? found[0];
  }

  async function ensureImage(image: string): Promise<{ id: string; env: string[] }> {
    const local = await unlessMissing(docker.getImage(image).inspect()).catch((error: unknown) => {
      throw dockerFailure(`inspect image ${image}`, error);
    });
    if (local) return { id: local.Id, env: local.Config?.Env ?? [] };
    logger.info('pulling image', { image });
    try {
      const progress = await docker.pull(image);
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(
          progress,
          (error) => (error ? reject(error) : resolve()),
          (event: { status?: string; progress?: string }) => logger.debug('pull', { image, ...event }),
        ),
      );
    } catch (error) {
      throw new CrewshipError(
        'unavailable',
        `image ${image} is not available locally and could not be pulled: ${reasonOf(error)}`,
        { cause: error, details: { image } },
      );
    }
    const pulled = await unlessMissing(docker.getImage(image).inspect());
    if (!pulled)
      throw new CrewshipError('unavailable', `image ${image} was pulled but the engine does not have it`);
    return { id: pulled.Id, env: pulled.Config?.Env ?? [] };
  }

  /** An image that ran this exact node once runs it again: the check is skipped for the next crews. */
  const toolsVerified = new Set<string>();
  async function toolsCheckKey(imageId: string): Promise<string | undefined> {
    if (toolsDir === undefined) return undefined;
    const node = await stat(join(toolsDir, 'node', 'bin', 'node')).catch(() => undefined);
    return node && `${imageId}|${node.dev}:${node.ino}:${node.size}:${node.mtimeMs}`;
  }

  async function ensureNetwork(): Promise<void> {
    if (await unlessMissing(docker.getNetwork(CREW_NETWORK).inspect())) return;
    try {
      await docker.createNetwork({
        Name: CREW_NETWORK,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { [LABEL_MANAGED]: 'true' },
        // Crews share this bridge; they must not reach each other's containers.
        Options: { 'com.docker.network.bridge.enable_icc': 'false' },
      });
      logger.info('created network', { network: CREW_NETWORK });
    } catch (error) {
      if (dockerErrorStatus(error) !== 409) throw dockerFailure(`create network ${CREW_NETWORK}`, error);
    }
  }

  async function removeContainer(containerId: string): Promise<void> {
    await unlessMissing(docker.getContainer(containerId).remove({ force: true })).catch((error: unknown) => {
      throw dockerFailure(`remove container ${containerId}`, error);
    });
    activity.delete(containerId);
    cpuSamples.delete(containerId);
  }

  async function createCrewContainer(spec: CrewContainerSpec, configHash: string): Promise<CrewContainer> {
    const volumeReady = ensureHomeVolume(docker, spec.crewId).catch((error: unknown) => {
      throw dockerFailure('create the home volume', error);
    });
    const [image, paths, volume] = await Promise.all([
      ensureImage(spec.image),
      prepareCrewHostDirs(dataDir, spec),
      volumeReady,
      crewNetworkMode(spec) === CREW_NETWORK ? ensureNetwork() : undefined,
    ]).catch(async (error: unknown) => {
      const created = await volumeReady.catch(() => undefined);
      if (created?.fresh)
        await docker
          .getVolume(created.name)
          .remove()
          .catch(() => {});
      throw error;
    });
    const config = crewContainerConfig({ spec, configHash, paths, dataDir, toolsDir, imageEnv: image.env });
    let created: Docker.Container;
    try {
      created = await docker.createContainer(config).catch(async (error: unknown) => {
        // The shared network can vanish between our check and the create (someone pruned it): once more.
        if (dockerErrorStatus(error) !== 404 || crewNetworkMode(spec) !== CREW_NETWORK) throw error;
        await ensureNetwork();
        return docker.createContainer(config);
      });
    } catch (error) {
      if (dockerErrorStatus(error) === 409) {
        throw new CrewshipError(
          'conflict',
          `a container named ${config.name} already exists and does not belong to crew ${spec.crewId}`,
          { cause: error },
        );
      }
      throw dockerFailure(`create container ${config.name}`, error);
    }
    try {
      // After create: Docker may have copied the image's /home/agent (and its owner) into a new volume.
      await Promise.all([
        checkCrewImageFiles(docker, created.id, spec.image),
        giveHomeVolumeToAgent(docker, volume, spec.image, logger),
      ]);
      await created.start();
      const toolsKey = toolsDir === undefined ? undefined : await toolsCheckKey(image.id);
      if (toolsDir !== undefined && (toolsKey === undefined || !toolsVerified.has(toolsKey))) {
        const { homeWritable } = await checkMountedTools(docker, created.id, spec.image);
        if (!homeWritable)
          await giveHomeVolumeToAgent(docker, volume, spec.image, logger, { viaHost: false, force: true });
        if (toolsKey !== undefined) toolsVerified.add(toolsKey);
      }
    } catch (error) {
      await removeContainer(created.id).catch(() => {});
      if (volume.fresh)
        await docker
          .getVolume(volume.name)
          .remove()
          .catch(() => {});
      throw error instanceof CrewshipError ? error : dockerFailure(`start container ${config.name}`, error);
    }
    markStarted(created.id);
    logger.info('crew container created', { crewId: spec.crewId, container: config.name, configHash });
    return {
      id: created.id,
      name: crewContainerName(spec.slug),
      crewId: spec.crewId,
      workspaceId: spec.workspaceId,
      configHash,
      image: spec.image,
      state: 'running',
    };
  }

  async function startExisting(info: Docker.ContainerInfo, spec: CrewContainerSpec): Promise<CrewContainer> {
    await prepareCrewHostDirs(dataDir, spec);
    const container = docker.getContainer(info.Id);
    try {
      if (info.State === 'paused') await container.unpause();
      else await container.start();
    } catch (error) {
      if (dockerErrorStatus(error) !== 304) throw dockerFailure(`start container ${nameOf(info)}`, error);
    }
    markStarted(info.Id);
    return { ...toCrewContainer(info), state: 'running' };
  }

  async function stopContainer(containerId: string) {
    try {
      await docker.getContainer(containerId).stop({ t: STOP_TIMEOUT_SECONDS });
    } catch (error) {
      const status = dockerErrorStatus(error);
      if (status !== 304 && status !== 404) throw dockerFailure(`stop container ${containerId}`, error);
    }
    cpuSamples.delete(containerId);
  }

  let sweeping: Promise<void> | undefined;
  let closed = false;
  async function sweepIdle(): Promise<void> {
    const running = (await listManaged()).filter((info) => info.State === 'running');
    for (const info of running) {
      const crewId = info.Labels[LABEL_CREW_ID];
      if (crewId === undefined || closed) continue;
      const idle = () => {
        // Only containers this runtime started, reused or adopted: another process may own the others.
        const entry = activity.get(info.Id);
        if (!entry) return false;
        const last = entry.lastExecAt ?? entry.idleSince;
        return entry.inFlight === 0 && now().getTime() - last.getTime() >= idleTtlMs;
      };
      if (!idle()) continue;
      await lock(crewId, async () => {
        if (!idle()) return;
        logger.info('stopping idle crew container', { crewId, container: nameOf(info), idleTtlMs });
        await stopContainer(info.Id);
      });
    }
  }
  const sweepTimer = setInterval(
    () => {
      if (sweeping || closed) return;
      sweeping = sweepIdle()
        .catch((error: unknown) => logger.warn('idle sweep failed', { error: reasonOf(error) }))
        .finally(() => {
          sweeping = undefined;
        });
    },
    Math.max(20, Math.min(60_000, Math.floor(idleTtlMs / 4))),
  );
  sweepTimer.unref();

  return {
    async ensureCrewContainer(spec) {
      assertSafeSpec(spec);
      return lock(spec.crewId, async () => {
        const configHash = crewConfigHash(spec, { toolsDir: toolsDir ?? null, dataDir });
        const existing = await findCrewContainer(spec.crewId);
        if (existing && existing.State !== 'dead' && existing.Labels[LABEL_CONFIG_HASH] === configHash) {
          if (existing.State === 'running') {
            activityOf(existing.Id);
            return toCrewContainer(existing);
          }
          return startExisting(existing, spec);
        }
        if (existing) {
          logger.info('recreating crew container: its configuration changed or it is dead', {
            crewId: spec.crewId,
            from: existing.Labels[LABEL_CONFIG_HASH],
            to: configHash,
          });
          for (const stale of await listManaged(spec.crewId)) await removeContainer(stale.Id);
        }
        return createCrewContainer(spec, configHash);
      });
    },

    exec(container: CrewContainer, execOptions: ExecOptions): ExecHandle {
      return startDockerExec(docker, container, execOptions, {
        logger,
        onStart() {
          const entry = activityOf(container.id);
          entry.inFlight += 1;
          entry.lastExecAt = now();
        },
        onEnd() {
          const entry = activityOf(container.id);
          entry.inFlight = Math.max(0, entry.inFlight - 1);
          entry.lastExecAt = now();
        },
      });
    },

    async stop(crewId) {
      await lock(crewId, async () => {
        for (const info of await listManaged(crewId)) {
          if (info.State === 'running' || info.State === 'paused' || info.State === 'restarting') {
            await stopContainer(info.Id);
          }
        }
      });
    },

    async remove(crewId) {
      await lock(crewId, async () => {
        for (const info of await listManaged(crewId)) await removeContainer(info.Id);
      });
    },

    async status(crewId): Promise<ContainerStatus> {
      const info = await findCrewContainer(crewId);
      if (!info) return { crewId, state: 'missing', container: null, lastActivityAt: null };
      const container = toCrewContainer(info);
      const lastExecAt = activity.get(info.Id)?.lastExecAt ?? null;
      return { crewId, state: container.state, container, lastActivityAt: lastExecAt?.toISOString() ?? null };
    },

    async stats(crewId): Promise<ContainerStats | null> {
      const info = await findCrewContainer(crewId);
      if (info?.State !== 'running') return null;
      const container = docker.getContainer(info.Id);
      const sample = () => container.stats({ stream: false, 'one-shot': true });
      try {
        let current = await sample();
        const cached = cpuSamples.get(info.Id);
        let earlier = cached && Date.now() - cached.at <= CPU_SAMPLE_MAX_AGE_MS ? cached.sample : undefined;
        if (!earlier) {
          earlier = cpuSampleOf(current);
          await new Promise((resolve) => setTimeout(resolve, CPU_SAMPLE_GAP_MS));
          current = await sample();
        }
        const latest = cpuSampleOf(current);
        if (latest) cpuSamples.set(info.Id, { sample: latest, at: Date.now() });
        return containerStatsOf(crewId, now(), current, earlier);
      } catch (error) {
        if (dockerErrorStatus(error) === 404 || dockerErrorStatus(error) === 409) return null;
        throw dockerFailure(`read stats of ${nameOf(info)}`, error);
      }
    },

    async list() {
      return (await listManaged()).map(toCrewContainer);
    },

    async reconcile(knownCrewIds) {
      const adopted: CrewContainer[] = [];
      const removed: string[] = [];
      for (const info of await listManaged()) {
        if (info.Labels[LABEL_DATA_DIR] !== dataDir) continue;
        const crewId = info.Labels[LABEL_CREW_ID];
        if (crewId !== undefined && knownCrewIds.has(crewId)) {
          activityOf(info.Id);
          adopted.push(toCrewContainer(info));
          continue;
        }
        const remove = () => removeContainer(info.Id);
        if (crewId === undefined) await remove();
        else await lock(crewId, remove);
        removed.push(crewId ?? nameOf(info));
        logger.info('removed the container of an unknown crew', { crewId, container: nameOf(info) });
      }
      return { adopted, removed };
    },

    async close() {
      closed = true;
      clearInterval(sweepTimer);
      await sweeping;
    },
  };
}

function nameOf(info: Docker.ContainerInfo): string {
  return (info.Names[0] ?? info.Id).replace(/^\//, '');
}

function toCrewContainer(info: Docker.ContainerInfo): CrewContainer {
  return {
    id: info.Id,
    name: nameOf(info),
    crewId: info.Labels[LABEL_CREW_ID] ?? '',
    workspaceId: info.Labels[LABEL_WORKSPACE_ID] ?? '',
    configHash: info.Labels[LABEL_CONFIG_HASH] ?? '',
    image: info.Image,
    state: info.State === 'running' ? 'running' : 'stopped',
  };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message.trim() : String(error);
}

function dockerFailure(action: string, error: unknown): CrewshipError {
  if (error instanceof CrewshipError) return error;
  return new CrewshipError('unavailable', `Docker could not ${action}: ${reasonOf(error)}`, { cause: error });
}
