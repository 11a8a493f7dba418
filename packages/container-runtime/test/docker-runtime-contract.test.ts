import type { ExecOptions } from '@crewship/contracts';
import { describe, it } from 'vitest';
import {
  BASE_IMAGE,
  dockerClient,
  ensureTmuxImage,
  hostOptions,
  skipWithoutEngine,
  TMUX_IMAGE,
  temporaryDataDir,
} from '../src/docker/test-support/docker-test-support.js';
import { createDockerContainerRuntime } from '../src/index.js';
import { type ContractSubject, describeContainerRuntimeContract } from '../src/testing/index.js';

async function dockerSubject(image: string, execDefaults?: Partial<ExecOptions>): Promise<ContractSubject> {
  const docker = dockerClient();
  if (image === TMUX_IMAGE) await ensureTmuxImage(docker);
  const dataDir = temporaryDataDir();
  const runtime = await createDockerContainerRuntime({ ...hostOptions, dataDir: dataDir.path });
  const volumesBefore = new Set(((await docker.listVolumes()).Volumes ?? []).map((volume) => volume.Name));
  return {
    runtime,
    image,
    ...(execDefaults ? { execDefaults } : {}),
    async cleanup() {
      await runtime.close();
      // `remove` keeps the home volume on purpose; the contract's crews are gone, so drop theirs.
      for (const volume of (await docker.listVolumes()).Volumes ?? []) {
        if (volume.Name.startsWith('crewship-home-contract-') && !volumesBefore.has(volume.Name)) {
          await docker.getVolume(volume.Name).remove();
        }
      }
      dataDir.remove();
    },
  };
}

if (skipWithoutEngine) {
  describe.skip('ContainerRuntime contract: docker (no Docker engine answers)', () => {
    it('needs a Docker engine', () => {});
  });
} else {
  describeContainerRuntimeContract('docker', () => dockerSubject(BASE_IMAGE));
  // Every exec of the suite through tmux (FIFO streaming, exit code file, kill through the pane).
  describeContainerRuntimeContract('docker, execs wrapped in tmux', () =>
    dockerSubject(TMUX_IMAGE, { tmuxSession: 'agent-ada' }),
  );
}
