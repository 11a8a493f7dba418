import { createDockerContainerRuntime } from '@crewship/container-runtime';
import type { ContainerRuntime, Logger } from '@crewship/contracts';

export interface DockerRuntimeAdapterOptions {
  /** The Docker socket that answered detection. */
  socket: string;
  dataDir: string;
  toolsDir: string;
  home: string;
  uid: number;
  idleTtlMs: number;
  logger: Logger;
}

/** The Docker implementation of `ContainerRuntime`, as the server configures it. */
export async function createDockerRuntimeAdapter(
  options: DockerRuntimeAdapterOptions,
): Promise<ContainerRuntime> {
  return createDockerContainerRuntime({
    socket: options.socket,
    dataDir: options.dataDir,
    toolsDir: options.toolsDir,
    home: options.home,
    uid: options.uid,
    idleTtlMs: options.idleTtlMs,
    logger: options.logger,
  });
}
