import { createFakeContainerRuntime } from '@crewship/container-runtime/testing';
import { CrewshipError, silentLogger } from '@crewship/contracts';
import { describe, expect, it, vi } from 'vitest';
import { parseServerConfig } from '../config.js';
import { bindContainerRuntime } from './container-runtime-binding.js';

const config = (env: Record<string, string> = {}) =>
  parseServerConfig({ dataDir: '/data' }, { HOME: '/home/ada', ...env });

describe('bindContainerRuntime', () => {
  it('binds nothing when containers are off, and says how to turn them on', async () => {
    const detect = vi.fn();
    const bound = await bindContainerRuntime(config({ CREWSHIP_CONTAINERS: 'off' }), silentLogger, {
      detect,
    });
    expect(bound.binding.runtime).toBeUndefined();
    expect(bound.binding.unavailableReason).toContain('CREWSHIP_CONTAINERS=docker');
    expect(detect).not.toHaveBeenCalled();
  });

  it('keeps going without a runtime when no Docker engine answers, with the detection message', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => warnings.push(message) };
    const bound = await bindContainerRuntime(config({ CREWSHIP_DOCKER_HOST: 'unix:///x.sock' }), logger, {
      detect: async (options) => {
        expect(options).toMatchObject({ dockerHost: 'unix:///x.sock', home: '/home/ada' });
        throw new CrewshipError('unavailable', 'no Docker engine answered; tried /x.sock (ENOENT)');
      },
      createDocker: vi.fn(),
    });
    expect(bound.binding.unavailableReason).toBe(
      'crew containers are unavailable: no Docker engine answered; tried /x.sock (ENOENT)',
    );
    expect(warnings).toEqual([bound.binding.unavailableReason]);
  });

  it('creates the Docker runtime on the socket that answered, with the data dir, tools dir and idle TTL', async () => {
    const runtime = createFakeContainerRuntime();
    const createDocker = vi.fn(async () => runtime);
    const bound = await bindContainerRuntime(config({ CREWSHIP_IDLE_TTL_MINUTES: '5' }), silentLogger, {
      detect: async () => ({ socket: '/run/docker.sock', version: '27.0', apiVersion: '1.46' }),
      createDocker,
    });
    expect(bound.binding.runtime).toBe(runtime);
    expect(createDocker).toHaveBeenCalledWith(
      expect.objectContaining({
        dataDir: '/data',
        toolsDir: '/data/tools',
        socket: '/run/docker.sock',
        home: '/home/ada',
        idleTtlMs: 300_000,
      }),
    );
  });

  it('reconciles known crews, keeps containers of workspaces it does not know, and never fails the start', async () => {
    const fake = createFakeContainerRuntime();
    const spec = (crewId: string, workspaceId: string) => ({
      crewId,
      workspaceId,
      slug: crewId,
      image: 'debian:bookworm-slim',
      networkMode: 'restricted' as const,
      memoryMb: 512,
      cpus: 1,
      agents: [],
    });
    await fake.ensureCrewContainer(spec('mine', 'ws-mine'));
    await fake.ensureCrewContainer(spec('deleted', 'ws-mine'));
    await fake.ensureCrewContainer(spec('theirs', 'ws-other-server'));
    const reconcile = vi.fn(async (_known: ReadonlySet<string>) => {
      throw new Error('engine hiccup');
    });
    const runtime = Object.assign(fake, { reconcile });
    const bound = await bindContainerRuntime(config(), silentLogger, { runtime });
    await expect(
      bound.reconcile({ crewIds: new Set(['mine']), workspaceIds: new Set(['ws-mine']) }),
    ).resolves.toBeUndefined();
    expect(reconcile).toHaveBeenCalledWith(new Set(['mine', 'theirs']));
    const plain = await bindContainerRuntime(config(), silentLogger, {
      runtime: createFakeContainerRuntime(),
    });
    await expect(plain.reconcile({ crewIds: new Set(), workspaceIds: new Set() })).resolves.toBeUndefined();
  });
});
