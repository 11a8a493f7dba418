import type { Readable } from 'node:stream';
import { AGENT_USER, CrewshipError } from '@crewship/contracts';
import type Docker from 'dockerode';
import { HOME_MOUNT, TOOLS_MOUNT } from './crew-container-config.js';
import { dockerErrorStatus } from './docker-errors.js';
import { runProbeExec } from './run-probe-exec.js';

const ADVICE = 'use a glibc image such as debian:bookworm-slim';
const MUSL_LOADERS = ['x86_64', 'aarch64', 'armhf', 'arm', 'i386', 'powerpc64le', 's390x', 'riscv64'].map(
  (arch) => `/lib/ld-musl-${arch}.so.1`,
);
const SETSID = ['/usr/bin/setsid', '/bin/setsid', '/usr/sbin/setsid', '/sbin/setsid'];

function unfit(image: string, reason: string, details: Record<string, unknown> = {}): CrewshipError {
  return new CrewshipError(
    'invalid_input',
    `image ${image} cannot run the mounted tools: ${reason}; ${ADVICE}`,
    {
      details: { image, ...details },
    },
  );
}

/**
 * Checks a created (not yet started) crew container's filesystem through the archive API, without an
 * exec: not musl/Alpine, has `/bin/sh` and `setsid` (exec wraps commands in a process group with them).
 */
export async function checkCrewImageFiles(docker: Docker, containerId: string, image: string): Promise<void> {
  const container = docker.getContainer(containerId);
  const exists = async (path: string) => {
    try {
      ((await container.infoArchive({ path })) as Readable).resume();
      return true;
    } catch (error) {
      if (dockerErrorStatus(error) === 404) return false;
      throw error;
    }
  };
  const firstExisting = async (paths: readonly string[]) => {
    const found = await Promise.all(paths.map(exists));
    return paths.find((_, index) => found[index]);
  };
  const [musl, shell, setsid] = await Promise.all([
    firstExisting(MUSL_LOADERS),
    exists('/bin/sh'),
    firstExisting(SETSID),
  ]);
  if (musl) throw unfit(image, `it is musl-based (${musl})`);
  if (!shell) throw unfit(image, 'it has no /bin/sh');
  if (!setsid) throw unfit(image, 'it has no setsid (util-linux)');
}

const TOOLS_PROBE = `
out=$(${TOOLS_MOUNT}/node/bin/node --version 2>&1) || { echo "${TOOLS_MOUNT}/node/bin/node --version failed as ${AGENT_USER}: $out"; exit 12; }
[ -w ${HOME_MOUNT} ] || echo home-not-writable
exit 0
`;

/**
 * Runs the mounted node as the agent in the started container (a glibc binary: it fails on images it
 * cannot run on). Also tells whether the home volume is writable by the agent.
 */
export async function checkMountedTools(
  docker: Docker,
  containerId: string,
  image: string,
): Promise<{ homeWritable: boolean }> {
  const result = await runProbeExec(docker, containerId, ['sh', '-c', TOOLS_PROBE], AGENT_USER).catch(
    (error: unknown) => {
      throw unfit(image, String(error));
    },
  );
  if (result.exitCode !== 0) {
    const reason = (result.stdout || result.stderr).trim().slice(0, 500) || `exit code ${result.exitCode}`;
    throw unfit(image, reason, { exitCode: result.exitCode });
  }
  return { homeWritable: !result.stdout.includes('home-not-writable') };
}
