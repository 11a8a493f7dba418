import { describe, it } from 'vitest';
import {
  BASE_IMAGE,
  dockerClient,
  hostOptions,
  skipWithoutEngine,
  temporaryDataDir,
} from '../src/docker/test-support/docker-test-support.js';
import { createDockerContainerRuntime } from '../src/index.js';
import { describeContainerRuntimeContract } from '../src/testing/index.js';

if (skipWithoutEngine) {
  describe.skip('ContainerRuntime contract: docker (no Docker engine answers)', () => {
    it('needs a Docker engine', () => {});
  });
} else {
  describeContainerRuntimeContract('docker', async () => {
    const docker = dockerClient();
    const dataDir = temporaryDataDir();
    const runtime = await createDockerContainerRuntime({ ...hostOptions, dataDir: dataDir.path });
    const volumesBefore = new Set(((await docker.listVolumes()).Volumes ?? []).map((volume) => volume.Name));
    return {
      runtime,
      image: BASE_IMAGE,
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
  });
}
