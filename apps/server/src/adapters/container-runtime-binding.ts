import { join } from 'node:path';
import { detectDockerEngine } from '@crewship/container-runtime';
import type { ContainerRuntime, Logger } from '@crewship/contracts';
import type { ServerConfig } from '../config.js';
import type { ContainerRuntimeBinding } from './crew-container-service.js';
import { createDockerRuntimeAdapter } from './docker-runtime-adapter.js';

/** Optional verbs an implementation may have beyond the port. */
interface RuntimeExtras {
  reconcile?(crewIds: ReadonlySet<string>): Promise<unknown>;
  close?(): Promise<void> | void;
}

export interface BindingOverrides {
  /** Used instead of the configured runtime. */
  runtime?: ContainerRuntime | undefined;
  /** Attach the sealed path to the injected runtime too (a real Docker runtime built by a test). */
  sealedPath?: boolean | undefined;
  detect?: typeof detectDockerEngine;
  createDocker?: typeof createDockerRuntimeAdapter;
}

export interface BoundContainerRuntime {
  binding: ContainerRuntimeBinding;
  /**
   * Whether crew containers get the sealed path (gateway socket + sidecar): always for the configured
   * Docker runtime; for an injected one only when asked (the fake runtime runs commands on the host).
   */
  sealedPath: boolean;
  /**
   * Adopts containers of known crews and removes orphans, when the implementation can. A container of
   * a workspace this server does not know belongs to another Crewship on the same engine: it is kept.
   */
  reconcile(known: { crewIds: ReadonlySet<string>; workspaceIds: ReadonlySet<string> }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Picks the container runtime: an injected one (tests), none (`CREWSHIP_CONTAINERS=off`), or Docker.
 * A missing Docker engine never stops the server: container routes answer 503 with the reason.
 */
export async function bindContainerRuntime(
  config: ServerConfig,
  logger: Logger,
  overrides: BindingOverrides = {},
): Promise<BoundContainerRuntime> {
  let binding: ContainerRuntimeBinding;
  if (overrides.runtime) {
    binding = { runtime: overrides.runtime };
  } else if (config.containers === 'off') {
    binding = {
      unavailableReason:
        'crew containers are switched off on this server (CREWSHIP_CONTAINERS=off); restart it with CREWSHIP_CONTAINERS=docker',
    };
  } else {
    binding = await bindDocker(config, logger, overrides);
  }
  const runtime = binding.runtime as (ContainerRuntime & RuntimeExtras) | undefined;
  return {
    binding,
    sealedPath: Boolean(binding.runtime) && overrides.sealedPath === true,
    async reconcile(known) {
      if (!runtime?.reconcile) return;
      try {
        const foreign = (await runtime.list())
          .filter((container) => !known.workspaceIds.has(container.workspaceId))
          .map((container) => container.crewId);
        await runtime.reconcile(new Set([...known.crewIds, ...foreign]));
      } catch (error) {
        logger.warn('crew container reconciliation failed', { reason: (error as Error).message });
      }
    },
    async close() {
      await runtime?.close?.();
    },
  };
}

async function bindDocker(
  config: ServerConfig,
  logger: Logger,
  overrides: BindingOverrides,
): Promise<ContainerRuntimeBinding> {
  const detect = overrides.detect ?? detectDockerEngine;
  const createDocker = overrides.createDocker ?? createDockerRuntimeAdapter;
  try {
    const engine = await detect({ dockerHost: config.dockerHost, home: config.home, uid: config.uid });
    const runtime = await createDocker({
      dataDir: config.dataDir,
      toolsDir: join(config.dataDir, 'tools'),
      socket: engine.socket,
      home: config.home,
      uid: config.uid,
      idleTtlMs: config.idleTtlMinutes * 60_000,
      logger: logger.child({ component: 'container-runtime' }),
    });
    logger.info('docker engine found', { socket: engine.socket, version: engine.version });
    return { runtime };
  } catch (error) {
    const reason = `crew containers are unavailable: ${(error as Error).message}`;
    logger.warn(reason);
    return { unavailableReason: reason };
  }
}
