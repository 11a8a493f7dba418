import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CrewContainerSpec, silentLogger } from '@crewship/contracts';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHomeVolume, giveHomeVolumeToAgent } from '../src/docker/home-volume.js';
import {
  BASE_IMAGE,
  brokenToolsDir,
  crewSpec,
  dockerClient,
  ENTRYPOINT_IMAGE,
  ensureEntrypointImage,
  ensureMuslImage,
  hostOptions,
  MUSL_IMAGE,
  removeCrews,
  run,
  skipWithoutEngine,
  temporaryDataDir,
  temporaryToolsDir,
} from '../src/docker/test-support/docker-test-support.js';
import {
  createDockerContainerRuntime,
  crewConfigHash,
  crewContainerName,
  crewHomeVolumeName,
  type DockerContainerRuntime,
  type DockerContainerRuntimeOptions,
} from '../src/index.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skipWithoutEngine)('Docker crew containers: lifecycle', () => {
  const dataDir = temporaryDataDir();
  const tools = temporaryToolsDir();
  const broken = brokenToolsDir();
  const crews: string[] = [];
  const runtimes: DockerContainerRuntime[] = [];
  let docker: Docker;

  const track = (spec: CrewContainerSpec) => {
    crews.push(spec.crewId);
    return spec;
  };
  async function makeRuntime(options: Partial<DockerContainerRuntimeOptions> = {}) {
    const runtime = await createDockerContainerRuntime({ ...hostOptions, dataDir: dataDir.path, ...options });
    runtimes.push(runtime);
    return runtime;
  }
  const containersOf = (crewId: string) =>
    docker.listContainers({ all: true, filters: { label: [`crewship.crew-id=${crewId}`] } });

  beforeAll(async () => {
    docker = dockerClient();
    await Promise.all([ensureMuslImage(docker), ensureEntrypointImage(docker)]);
  });

  afterAll(async () => {
    for (const runtime of runtimes) await runtime.close();
    if (docker) await removeCrews(docker, crews);
    dataDir.remove();
    tools.remove();
    broken.remove();
  });

  it('recreates the container when the configuration changes, and only then', async () => {
    const runtime = await makeRuntime();
    const spec = track(crewSpec('recreate'));
    const first = await runtime.ensureCrewContainer(spec);
    expect(first.configHash).toBe(crewConfigHash(spec, { toolsDir: null, dataDir: dataDir.path }));
    expect((await runtime.ensureCrewContainer({ ...spec })).id).toBe(first.id);
    expect((await runtime.ensureCrewContainer({ ...spec, agents: ['ada'] })).id).toBe(first.id);
    const changed = await runtime.ensureCrewContainer({ ...spec, cpus: 2 });
    expect(changed.id).not.toBe(first.id);
    expect((await docker.getContainer(changed.id).inspect()).HostConfig.NanoCpus).toBe(2_000_000_000);
    await expect(docker.getContainer(first.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const withTools = await makeRuntime({ toolsDir: tools.path });
    const mounted = await withTools.ensureCrewContainer({ ...spec, cpus: 2 });
    expect(mounted.id).not.toBe(changed.id);
    expect(mounted.configHash).toBe(
      crewConfigHash({ ...spec, cpus: 2 }, { toolsDir: tools.path, dataDir: dataDir.path }),
    );
    expect(await containersOf(spec.crewId)).toHaveLength(1);
  });

  it('serializes concurrent ensureCrewContainer calls for one crew', async () => {
    const runtime = await makeRuntime();
    const spec = track(crewSpec('race'));
    const results = await Promise.all([1, 2, 3, 4].map(() => runtime.ensureCrewContainer(spec)));
    expect(new Set(results.map((container) => container.id)).size).toBe(1);
    expect(await containersOf(spec.crewId)).toHaveLength(1);
  });

  it('keeps the home volume (writable by the agent) across remove and re-create', async () => {
    const runtime = await makeRuntime();
    const spec = track(crewSpec('home'));
    const container = await runtime.ensureCrewContainer(spec);
    expect((await run(runtime.exec(container, { cmd: ['sh', '-c', 'echo kept > ~/note'] }))).exitCode).toBe(
      0,
    );
    await runtime.remove(spec.crewId);
    expect((await runtime.status(spec.crewId)).state).toBe('missing');
    await docker.getVolume(crewHomeVolumeName(spec.crewId)).inspect();
    const again = await runtime.ensureCrewContainer(spec);
    expect((await run(runtime.exec(again, { cmd: ['cat', '/home/agent/note'] }))).stdout).toEqual(['kept']);
  });

  it('gives a new home volume to the agent through a helper container when the host cannot', async () => {
    const crewId = track(crewSpec('helper')).crewId;
    const volume = await ensureHomeVolume(docker, crewId);
    expect(volume.fresh).toBe(true);
    expect(statSync(volume.mountpoint).uid).toBe(0);
    expect(await giveHomeVolumeToAgent(docker, volume, BASE_IMAGE, silentLogger, { viaHost: false })).toBe(
      'helper',
    );
    expect(statSync(volume.mountpoint).uid).toBe(1001);
    expect((await ensureHomeVolume(docker, crewId)).fresh).toBe(false);
    const helpers = await docker.listContainers({ all: true, filters: { label: ['crewship.helper'] } });
    expect(helpers).toEqual([]);
  });

  it('clears the image entrypoint, and gives the agent a home the image already had (root-owned)', async () => {
    const runtime = await makeRuntime();
    const spec = track(crewSpec('entrypoint', { image: ENTRYPOINT_IMAGE }));
    const container = await runtime.ensureCrewContainer(spec);
    const details = await docker.getContainer(container.id).inspect();
    expect(details.State.Running).toBe(true);
    expect(details.Path).toBe('sleep');
    const home = await run(
      runtime.exec(container, { cmd: ['sh', '-c', 'ls ~; touch ~/written && echo ok'] }),
    );
    expect(home).toMatchObject({ exitCode: 0, stdout: ['from-image', 'ok'] });
  });

  it('adopts running containers in a new runtime and removes those of unknown crews', async () => {
    const before = await makeRuntime();
    const kept = track(crewSpec('adopt'));
    const orphan = track(crewSpec('orphan'));
    const keptContainer = await before.ensureCrewContainer(kept);
    await before.ensureCrewContainer(orphan);
    await before.close();
    const otherServerDir = temporaryDataDir();
    const otherServer = await makeRuntime({ dataDir: otherServerDir.path });
    const foreign = track(crewSpec('foreign'));
    const foreignContainer = await otherServer.ensureCrewContainer(foreign);

    const after = await makeRuntime();
    const { adopted, removed } = await after.reconcile(new Set([kept.crewId, 'some-other-crew']));
    expect(adopted.map((container) => container.id)).toContain(keptContainer.id);
    expect(adopted.find((container) => container.id === keptContainer.id)).toMatchObject({
      name: crewContainerName(kept.slug),
      crewId: kept.crewId,
      workspaceId: kept.workspaceId,
      state: 'running',
    });
    expect(removed).toContain(orphan.crewId);
    expect(removed).not.toContain(kept.crewId);
    expect(await containersOf(orphan.crewId)).toEqual([]);
    expect(removed).not.toContain(foreign.crewId);
    expect(adopted.map((container) => container.id)).not.toContain(foreignContainer.id);
    expect((await containersOf(foreign.crewId)).map((info) => info.State)).toEqual(['running']);
    otherServerDir.remove();
    expect((await after.status(kept.crewId)).lastActivityAt).toBeNull();
    const reused = await after.ensureCrewContainer(kept);
    expect(reused.id).toBe(keptContainer.id);
    expect((await run(after.exec(reused, { cmd: ['echo', 'adopted'] }))).stdout).toEqual(['adopted']);
    expect((await after.status(kept.crewId)).lastActivityAt).not.toBeNull();
  });

  it('stops a container idle for the TTL, never one with an exec running, and refreshes on every exec', async () => {
    const runtime = await makeRuntime({ idleTtlMs: 1200 });
    const spec = track(crewSpec('idle'));
    const container = await runtime.ensureCrewContainer(spec);
    const longExec = run(runtime.exec(container, { cmd: ['sleep', '2.5'] }));
    await pause(2000);
    expect((await runtime.status(spec.crewId)).state).toBe('running');
    expect((await longExec).exitCode).toBe(0);
    for (let round = 0; round < 4; round++) {
      await pause(500);
      expect((await run(runtime.exec(container, { cmd: ['true'] }))).exitCode).toBe(0);
    }
    expect((await runtime.status(spec.crewId)).state).toBe('running');
    const deadline = Date.now() + 10_000;
    while ((await runtime.status(spec.crewId)).state === 'running' && Date.now() < deadline) await pause(200);
    const status = await runtime.status(spec.crewId);
    expect(status.state).toBe('stopped');
    expect(status.lastActivityAt).not.toBeNull();
    expect(Date.now() - Date.parse(status.lastActivityAt ?? '')).toBeGreaterThanOrEqual(1200);
    await runtime.close();
  });

  it('reports CPU, memory and PIDs of a busy container', async () => {
    const runtime = await makeRuntime();
    const spec = track(crewSpec('stats', { memoryMb: 300 }));
    const container = await runtime.ensureCrewContainer(spec);
    const busy = run(runtime.exec(container, { cmd: ['sh', '-c', 'while :; do :; done'], timeoutMs: 3000 }));
    await pause(500);
    const stats = await runtime.stats(spec.crewId);
    expect(stats?.cpuPercent).toBeGreaterThan(30);
    expect(stats?.memoryLimitBytes).toBe(300 * 1024 * 1024);
    expect(stats?.memoryBytes).toBeGreaterThan(0);
    expect(stats?.pids).toBeGreaterThanOrEqual(3);
    expect(stats?.networkRxBytes).toBe(0);
    expect(await busy).toMatchObject({ timedOut: true, exitCode: 137, stdout: [], stderr: [] });
  });

  it('fails clearly when the image is neither local nor pullable, keeping an existing home volume', async () => {
    const runtime = await makeRuntime();
    const missing = 'crewship-test/no-such-image:never';
    const fresh = track(crewSpec('noimage', { image: missing }));
    const failure = await runtime.ensureCrewContainer(fresh).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'CrewshipError', kind: 'unavailable' });
    expect((failure as Error).message).toMatch(
      /^image crewship-test\/no-such-image:never is not available locally and could not be pulled: .+/,
    );
    expect(await containersOf(fresh.crewId)).toEqual([]);
    await expect(docker.getVolume(crewHomeVolumeName(fresh.crewId)).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });

    const existing = track(crewSpec('reimage'));
    const container = await runtime.ensureCrewContainer(existing);
    await run(runtime.exec(container, { cmd: ['sh', '-c', 'echo precious > ~/work'] }));
    await expect(runtime.ensureCrewContainer({ ...existing, image: missing })).rejects.toMatchObject({
      kind: 'unavailable',
    });
    const back = await runtime.ensureCrewContainer(existing);
    expect((await run(runtime.exec(back, { cmd: ['cat', '/home/agent/work'] }))).stdout).toEqual([
      'precious',
    ]);
  });

  it('refuses a musl image with a clear error and leaves no container behind', async () => {
    const runtime = await makeRuntime();
    const spec = track(crewSpec('musl', { image: MUSL_IMAGE }));
    const failure = await runtime.ensureCrewContainer(spec).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'CrewshipError', kind: 'invalid_input' });
    expect((failure as Error).message).toBe(
      `image ${MUSL_IMAGE} cannot run the mounted tools: it is musl-based (/lib/ld-musl-x86_64.so.1); use a glibc image such as debian:bookworm-slim`,
    );
    expect(await containersOf(spec.crewId)).toEqual([]);
    await expect(docker.getVolume(crewHomeVolumeName(spec.crewId)).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('refuses an image where the mounted node cannot run', async () => {
    const runtime = await makeRuntime({ toolsDir: broken.path });
    const spec = track(crewSpec('nonode'));
    const failure = await runtime.ensureCrewContainer(spec).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'CrewshipError', kind: 'invalid_input' });
    expect((failure as Error).message).toContain(
      'cannot run the mounted tools: /opt/crewship/node/bin/node --version failed as 1001:1001: node: cannot run here',
    );
    expect(await containersOf(spec.crewId)).toEqual([]);
  });

  it('checks the mounted node once per image and node binary, and again when the node changes', async () => {
    const own = temporaryToolsDir();
    try {
      const runtime = await makeRuntime({ toolsDir: own.path });
      await runtime.ensureCrewContainer(track(crewSpec('tools-a')));
      await runtime.ensureCrewContainer(track(crewSpec('tools-b')));
      const node = join(own.path, 'node', 'bin', 'node');
      rmSync(node);
      writeFileSync(node, '#!/bin/sh\necho "replaced node is broken" >&2\nexit 1\n', { mode: 0o755 });
      await expect(runtime.ensureCrewContainer(track(crewSpec('tools-c')))).rejects.toThrow(
        'replaced node is broken',
      );
    } finally {
      own.remove();
    }
  });

  it('rejects ids and slugs that could escape their directories', async () => {
    const runtime = await makeRuntime();
    await expect(runtime.ensureCrewContainer(crewSpec('bad', { agents: ['../etc'] }))).rejects.toMatchObject({
      kind: 'invalid_input',
    });
    await expect(runtime.ensureCrewContainer(crewSpec('bad', { crewId: 'a/b' }))).rejects.toMatchObject({
      kind: 'invalid_input',
    });
  });
});
