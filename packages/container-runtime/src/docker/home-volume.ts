import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { CrewshipError, type Logger } from '@crewship/contracts';
import type Docker from 'dockerode';
import { AGENT_UID } from '../host-layout.js';
import { crewHomeVolumeName, HOME_MOUNT, LABEL_CREW_ID, LABEL_MANAGED } from './crew-container-config.js';
import { unlessMissing } from './docker-errors.js';

export interface HomeVolume {
  name: string;
  /** Where the engine keeps it; reachable from here only when the server runs next to the engine. */
  mountpoint: string;
  /** Created by this call. */
  fresh: boolean;
}

/** Creates the crew's home volume when missing. */
export async function ensureHomeVolume(docker: Docker, crewId: string): Promise<HomeVolume> {
  const name = crewHomeVolumeName(crewId);
  const existing = await unlessMissing(docker.getVolume(name).inspect());
  if (existing) return { name, mountpoint: existing.Mountpoint, fresh: false };
  await docker.createVolume({ Name: name, Labels: { [LABEL_MANAGED]: 'true', [LABEL_CREW_ID]: crewId } });
  const created = await docker.getVolume(name).inspect();
  return { name, mountpoint: created.Mountpoint ?? '', fresh: true };
}

/**
 * A new volume's root belongs to root, and root inside a crew container has no CAP_CHOWN. Fast path:
 * chown the volume's directory on this host (the server runs as root next to the engine). Otherwise,
 * for a fresh volume or when `force`d, a throwaway container with CAP_CHOWN only does it.
 */
export async function giveHomeVolumeToAgent(
  docker: Docker,
  volume: HomeVolume,
  image: string,
  logger: Logger,
  options: { viaHost?: boolean; force?: boolean } = {},
): Promise<'host' | 'helper' | 'skipped'> {
  if (options.viaHost !== false && volume.mountpoint !== '') {
    const done = await chownOnHost(volume.mountpoint).catch((error: unknown) => {
      logger.debug('cannot chown the home volume on this host', {
        volume: volume.name,
        error: String(error),
      });
      return false;
    });
    if (done) return 'host';
  }
  if (!volume.fresh && !options.force) return 'skipped';
  const helper = await docker.createContainer({
    Image: image,
    Entrypoint: [],
    Cmd: ['chown', `${AGENT_UID}:${AGENT_UID}`, HOME_MOUNT],
    User: '0:0',
    Labels: { 'crewship.helper': 'home-volume' },
    HostConfig: {
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Mounts: [{ Type: 'volume', Source: volume.name, Target: HOME_MOUNT }],
    },
  });
  try {
    await helper.start();
    const { StatusCode } = (await helper.wait()) as { StatusCode: number };
    if (StatusCode !== 0) {
      throw new CrewshipError(
        'unavailable',
        `could not give volume ${volume.name} to the agent (chown exited ${StatusCode})`,
      );
    }
    return 'helper';
  } finally {
    await helper.remove({ force: true }).catch(() => {});
  }
}

async function chownOnHost(mountpoint: string): Promise<boolean> {
  const handle = await open(mountpoint, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    await handle.chown(AGENT_UID, AGENT_UID);
    await handle.chmod(0o755);
    return true;
  } finally {
    await handle.close();
  }
}
