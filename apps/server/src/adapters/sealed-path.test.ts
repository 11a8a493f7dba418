import {
  type ContainerRuntime,
  type Crew,
  type CrewContainer,
  type ExecHandle,
  type ExecOptions,
  type ExecResult,
  silentLogger,
} from '@crewship/contracts';
import type { LlmGateway } from '@crewship/llm-gateway';
import { describe, expect, it } from 'vitest';
import { createSealedPath } from './sealed-path.js';

const CREW: Crew = {
  id: 'crew-1',
  workspace_id: 'ws-1',
  name: 'Crew',
  slug: 'crew',
  description: '',
  runtime_image: 'crewship-base:bookworm',
  network_mode: 'restricted',
  allowed_domains: [],
  memory_mb: 512,
  cpus: 1,
  created_at: '2026-11-22T00:00:00.000Z',
  updated_at: '2026-11-22T00:00:00.000Z',
};
const CONTAINER: CrewContainer = {
  id: 'container-1',
  name: 'crewship-crew-crew',
  crewId: CREW.id,
  workspaceId: CREW.workspace_id,
  configHash: 'hash',
  image: CREW.runtime_image,
  state: 'running',
};

function handle(exited: Promise<number>): ExecHandle {
  const result: Promise<ExecResult> = exited.then((exitCode) => ({
    exitCode,
    timedOut: false,
    cancelled: false,
    durationMs: 1,
  }));
  return {
    result,
    // No output: the iteration ends when the process does.
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        await result;
        return { done: true as const, value: undefined };
      },
    }),
  };
}

/**
 * A runtime whose execs the test scripts: the sidecar start runs until `killSidecar`, a health probe
 * answers `healthy`, everything else exits 0. Records which kind of exec ran.
 */
function scriptedRuntime() {
  const execs: string[] = [];
  const kills: Array<() => void> = [];
  const state = { healthy: true };
  const runtime = {
    exec(_container: CrewContainer, options: ExecOptions): ExecHandle {
      const script = options.cmd.join(' ');
      if (script.includes('/health')) {
        execs.push('probe');
        return handle(Promise.resolve(state.healthy ? 0 : 1));
      }
      if (script.includes('exec ')) {
        execs.push('start');
        return handle(
          new Promise((resolve) => {
            kills.push(() => resolve(137));
            options.signal?.addEventListener('abort', () => resolve(143));
          }),
        );
      }
      execs.push('other');
      return handle(Promise.resolve(0));
    },
    async status(crewId: string) {
      return { crewId, state: 'running' as const, container: CONTAINER, lastActivityAt: null };
    },
  } as Pick<ContainerRuntime, 'exec' | 'status'> as ContainerRuntime;
  return {
    runtime,
    execs,
    state,
    killSidecar: () => kills.at(-1)?.(),
  };
}

const gateway: LlmGateway = {
  async serveCrew() {
    return { token: 'token-0123456789abcdef', socketPath: '/tmp/gw.sock', update() {}, async close() {} };
  },
  crew: () => undefined,
  async close() {},
};

describe('createSealedPath attach', () => {
  it('probes the sidecar once at start, then trusts it while its process runs and the answer is fresh', async () => {
    const scripted = scriptedRuntime();
    let time = 1_000_000;
    const sealed = createSealedPath({
      gateway,
      runtime: scripted.runtime,
      dataDir: '/tmp/crewship-sealed-path-test',
      logger: silentLogger,
      now: () => time,
    });
    try {
      await sealed.attach(CREW, CONTAINER);
      expect(scripted.execs).toEqual(['other', 'start', 'probe']);

      // Before every run: no exec while the sidecar's process runs and answered within five minutes.
      await sealed.attach(CREW, CONTAINER);
      await sealed.attach(CREW, CONTAINER);
      expect(scripted.execs).toEqual(['other', 'start', 'probe']);

      // The answer grows old: one probe, which vouches again.
      time += 5 * 60_000;
      await sealed.attach(CREW, CONTAINER);
      await sealed.attach(CREW, CONTAINER);
      expect(scripted.execs).toEqual(['other', 'start', 'probe', 'probe']);

      // The sidecar's process ends (killed, or its container stopped): the next attach probes, finds it
      // silent, and a fresh supervisor starts it again.
      scripted.killSidecar();
      await new Promise((resolve) => setImmediate(resolve));
      scripted.state.healthy = false;
      const attaching = sealed.attach(CREW, CONTAINER);
      await new Promise((resolve) => setTimeout(resolve, 50));
      scripted.state.healthy = true;
      await attaching;
      expect(scripted.execs.slice(4, 6)).toEqual(['probe', 'other']);
      expect(scripted.execs.slice(6)).toContain('start');
      const settled = scripted.execs.length;
      await sealed.attach(CREW, CONTAINER);
      expect(scripted.execs).toHaveLength(settled);
    } finally {
      await sealed.close();
    }
  });
});
