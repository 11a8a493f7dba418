import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CrewContainerSpec, ExecHandle, ExecOutputLine } from '@crewship/contracts';
import Docker from 'dockerode';
import { crewHomeVolumeName, detectDockerEngine } from '../../index.js';

export const BASE_IMAGE = 'crewship-base:bookworm';
export const MUSL_IMAGE = 'crewship-test-musl:latest';
export const ENTRYPOINT_IMAGE = 'crewship-test-entrypoint:latest';
export const TMUX_IMAGE = 'crewship-test-tmux:latest';

export const hostOptions = {
  dockerHost: process.env.DOCKER_HOST,
  home: homedir(),
  uid: process.getuid?.() ?? 0,
};
export const engine = await detectDockerEngine(hostOptions).catch(() => null);
/** In CI the engine must answer (the tests fail instead of skipping); elsewhere they skip without one. */
export const skipWithoutEngine = !engine && process.env.CI !== 'true';

export function dockerClient(): Docker {
  if (!engine) throw new Error('no Docker engine answers (CI=true: the Docker tests must run)');
  return new Docker({ socketPath: engine.socket });
}

/** A fresh data dir under the system temp dir (bind-mount sources must exist on the engine's host). */
export function temporaryDataDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'crewship-docker-data-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A unique crew spec: slugs and ids carry a random suffix so parallel runs never collide. */
export function crewSpec(name: string, overrides: Partial<CrewContainerSpec> = {}): CrewContainerSpec {
  const id = `t-${name}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    crewId: id,
    workspaceId: 'test-workspace',
    slug: id,
    image: BASE_IMAGE,
    networkMode: 'restricted',
    memoryMb: 512,
    cpus: 1,
    agents: ['ada'],
    ...overrides,
  };
}

/**
 * A tools dir like the server's: the host's node at `node/bin/node` (a glibc binary, as the tools
 * installer ships) and a script in `bin/`.
 */
export function temporaryToolsDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'crewship-docker-tools-'));
  mkdirSync(join(path, 'node', 'bin'), { recursive: true });
  mkdirSync(join(path, 'bin'));
  const node = join(path, 'node', 'bin', 'node');
  try {
    linkSync(process.execPath, node);
  } catch {
    copyFileSync(process.execPath, node);
  }
  writeFileSync(join(path, 'bin', 'crewship-hello'), '#!/bin/sh\necho "hello from the tools dir"\n');
  chmodSync(join(path, 'bin', 'crewship-hello'), 0o755);
  chmodSync(path, 0o755);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A tools dir whose node cannot run (exits 1): the image check must refuse it. */
export function brokenToolsDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'crewship-docker-tools-broken-'));
  mkdirSync(join(path, 'node', 'bin'), { recursive: true });
  writeFileSync(join(path, 'node', 'bin', 'node'), '#!/bin/sh\necho "node: cannot run here" >&2\nexit 1\n');
  chmodSync(join(path, 'node', 'bin', 'node'), 0o755);
  chmodSync(path, 0o755);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

const MUSL_LIBC_CANDIDATES = [
  '/usr/lib/musl/lib/libc.so',
  '/lib/x86_64-linux-musl/libc.so',
  '/usr/lib/x86_64-linux-musl/libc.so',
];

/**
 * A tiny musl image (static busybox + musl's loader), imported once: the Debian packages `musl` and
 * `busybox-static` must be installed on the host.
 */
export async function ensureMuslImage(docker: Docker): Promise<void> {
  if (await imagePresent(docker, MUSL_IMAGE)) return;
  const libc = MUSL_LIBC_CANDIDATES.find((candidate) => existsSync(candidate));
  const busybox = '/bin/busybox';
  const staticBusybox = existsSync(busybox) && /not a dynamic/.test(lddOutput(busybox));
  if (!libc || !staticBusybox) {
    throw new Error(
      'building the musl test image needs `apt-get install -y musl busybox-static` on the host',
    );
  }
  const rootfs = mkdtempSync(join(tmpdir(), 'crewship-musl-rootfs-'));
  try {
    for (const dir of ['bin', 'lib', 'tmp', 'etc']) mkdirSync(join(rootfs, dir));
    copyFileSync(busybox, join(rootfs, 'bin', 'busybox'));
    chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
    const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const applet of applets) {
      if (applet !== 'busybox') symlinkSync('busybox', join(rootfs, 'bin', applet));
    }
    copyFileSync(libc, join(rootfs, 'lib', 'ld-musl-x86_64.so.1'));
    const tar = spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const progress = await docker.importImage(tar.stdout as unknown as string, {
      repo: 'crewship-test-musl',
      tag: 'latest',
    });
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(progress, (error, output) => (error ? reject(error) : resolve(output))),
    );
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

/**
 * The base image with an ENTRYPOINT that exits at once (a crew container must still keep running) and
 * a root-owned `/home/agent` with a file in it (Docker copies it into a new home volume).
 */
export async function ensureEntrypointImage(docker: Docker): Promise<void> {
  if (await imagePresent(docker, ENTRYPOINT_IMAGE)) return;
  const draft = await docker.createContainer({
    Image: BASE_IMAGE,
    Cmd: ['sh', '-c', 'mkdir -p /home/agent && touch /home/agent/from-image'],
  });
  try {
    await draft.start();
    await draft.wait();
    await draft.commit({
      repo: 'crewship-test-entrypoint',
      tag: 'latest',
      changes: 'ENTRYPOINT ["/bin/false"]',
    });
  } finally {
    await draft.remove({ force: true });
  }
}

/** The packages whose files make tmux run; the host (Debian 12, like the image) must have them installed. */
const TMUX_PACKAGES = ['tmux', 'libevent-core-2.1-7', 'libutempter0'];

/**
 * The base image plus the host's tmux and its libraries (the test environment installs `tmux` on the
 * host; no package mirror is needed inside Docker). Files are copied with their real paths, as dpkg
 * lists them, into a created-but-never-started container that is then committed.
 */
export async function ensureTmuxImage(docker: Docker): Promise<void> {
  if (await imagePresent(docker, TMUX_IMAGE)) return;
  let listed: string;
  try {
    listed = execFileSync('dpkg', ['-L', ...TMUX_PACKAGES], { encoding: 'utf8' });
  } catch {
    throw new Error('building the tmux test image needs `apt-get install -y tmux` on the host');
  }
  const files = listed
    .split('\n')
    .filter((path) => /^\/usr\/(bin|lib)\//.test(path) && !statSync(path).isDirectory())
    .map((path) => join(realpathSync(dirname(path)), basename(path)).slice(1));
  const draft = await docker.createContainer({ Image: BASE_IMAGE, Cmd: ['true'] });
  try {
    const tar = spawn('tar', ['--numeric-owner', '-C', '/', '-c', ...files], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await draft.putArchive(tar.stdout, { path: '/' });
    await draft.commit({ repo: 'crewship-test-tmux', tag: 'latest' });
  } finally {
    await draft.remove({ force: true });
  }
}

async function imagePresent(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

function lddOutput(path: string): string {
  try {
    return execFileSync('ldd', [path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return (
      String((error as { stdout?: unknown; stderr?: unknown }).stdout ?? '') +
      String((error as { stderr?: unknown }).stderr ?? '')
    );
  }
}

/** Removes every container and home volume of the given crews (tests call it in afterAll). */
export async function removeCrews(docker: Docker, crewIds: readonly string[]): Promise<void> {
  for (const crewId of crewIds) {
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`crewship.crew-id=${crewId}`] },
    });
    for (const info of containers)
      await docker
        .getContainer(info.Id)
        .remove({ force: true })
        .catch(() => {});
    await docker
      .getVolume(crewHomeVolumeName(crewId))
      .remove()
      .catch(() => {});
  }
}

export async function run(
  handle: ExecHandle,
): Promise<{ stdout: string[]; stderr: string[]; exitCode: number; timedOut: boolean; cancelled: boolean }> {
  const lines: ExecOutputLine[] = [];
  for await (const line of handle) lines.push(line);
  const result = await handle.result;
  return {
    stdout: lines.filter((line) => line.stream === 'stdout').map((line) => line.line),
    stderr: lines.filter((line) => line.stream === 'stderr').map((line) => line.line),
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    cancelled: result.cancelled,
  };
}
