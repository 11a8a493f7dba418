import { constants } from 'node:fs';
import { lstat, mkdir, open, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type CrewContainerSpec, CrewshipError } from '@crewship/contracts';
import { AGENT_UID, agentGroupId, type CrewHostPaths, crewHostPaths, SIDECAR_UID } from '../host-layout.js';

const AGENT_GID = 1001;

/**
 * Creates (or repairs) the host directories behind a crew's bind mounts with their owners and modes:
 * agent-writable ones owned by 1001, each `/secrets/{slug}` owned by root with the agent's group, 0750,
 * and the gateway socket dir owned by the sidecar (1002), 0700.
 * Needs root. Idempotent.
 */
export async function prepareCrewHostDirs(dataDir: string, spec: CrewContainerSpec): Promise<CrewHostPaths> {
  const paths = crewHostPaths(dataDir, spec.crewId);
  await mkdir(join(dataDir, 'crews'), { recursive: true, mode: 0o755 });
  await ensureDirectory(paths.root, 0, 0, 0o755);
  for (const parent of [paths.agents, paths.output, paths.secrets])
    await ensureDirectory(parent, 0, 0, 0o755);
  await ensureDirectory(paths.shared, AGENT_UID, AGENT_GID, 0o755);
  await ensureDirectory(paths.workspace, AGENT_UID, AGENT_GID, 0o755);
  for (const slug of spec.agents) {
    await ensureDirectory(paths.agent(slug), AGENT_UID, AGENT_GID, 0o755);
    await ensureDirectory(join(paths.agent(slug), '.memory'), AGENT_UID, AGENT_GID, 0o755);
    await ensureDirectory(paths.agentOutput(slug), AGENT_UID, AGENT_GID, 0o755);
    await ensureDirectory(paths.agentSecrets(slug), 0, agentGroupId(spec, slug), 0o750);
  }
  await mkdir(dirname(paths.gateway), { recursive: true, mode: 0o700 });
  await ensureDirectory(paths.gateway, SIDECAR_UID, SIDECAR_UID, 0o700);
  return paths;
}

/**
 * Agents can put a symlink where a directory should be (e.g. `.memory` -> /etc): it is removed, never
 * followed, and ownership is set through a descriptor opened with O_NOFOLLOW.
 */
async function ensureDirectory(path: string, uid: number, gid: number, mode: number): Promise<void> {
  const existing = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isSymbolicLink()) await unlink(path);
  else if (existing && !existing.isDirectory()) {
    throw new CrewshipError('conflict', `${path} should be a directory but is a file`);
  }
  if (!existing?.isDirectory()) {
    await mkdir(path, { mode }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    await handle.chown(uid, gid);
    await handle.chmod(mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM') {
      throw new CrewshipError(
        'unavailable',
        `cannot give ${path} to ${uid}:${gid}: the server must run as root`,
        {
          cause: error,
        },
      );
    }
    throw error;
  } finally {
    await handle.close();
  }
}
