import type {
  ContainerRuntime,
  CrewContainer,
  CrewContainerSpec,
  ExecHandle,
  ExecOptions,
  ExecOutputLine,
} from '@crewship/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export interface ContractSubject {
  runtime: ContainerRuntime;
  /** An image the runtime can start (ignored by the fake). */
  image: string;
  /** Merged into every exec of the suite, e.g. `{ tmuxSession: 'agent-ada' }` to run it all through tmux. */
  execDefaults?: Partial<ExecOptions>;
  cleanup?(): Promise<void>;
}

export async function collect(handle: ExecHandle): Promise<{ lines: ExecOutputLine[]; exitCode: number }> {
  const lines: ExecOutputLine[] = [];
  for await (const line of handle) lines.push(line);
  const result = await handle.result;
  return { lines, exitCode: result.exitCode };
}

const text = (lines: ExecOutputLine[], stream: 'stdout' | 'stderr') =>
  lines.filter((line) => line.stream === stream).map((line) => line.line);

/** The behaviour every `ContainerRuntime` must have; run against the fake and against Docker. */
export function describeContainerRuntimeContract(name: string, subject: () => Promise<ContractSubject>) {
  describe(`ContainerRuntime contract: ${name}`, () => {
    let runtime: ContainerRuntime;
    let image: string;
    let cleanup: (() => Promise<void>) | undefined;
    let execDefaults: Partial<ExecOptions> = {};
    let container: CrewContainer;
    const suffix = Math.random().toString(36).slice(2, 8);
    const spec = (overrides: Partial<CrewContainerSpec> = {}): CrewContainerSpec => ({
      crewId: `contract-${suffix}`,
      workspaceId: 'contract-workspace',
      slug: `contract-${suffix}`,
      image,
      networkMode: 'restricted',
      memoryMb: 512,
      cpus: 1,
      agents: ['ada'],
      ...overrides,
    });

    beforeAll(async () => {
      ({ runtime, image, cleanup, execDefaults = {} } = await subject());
      container = await runtime.ensureCrewContainer(spec());
    });

    const exec = (target: CrewContainer, options: ExecOptions) =>
      runtime.exec(target, { ...execDefaults, ...options });

    afterAll(async () => {
      await runtime.remove(spec().crewId);
      await cleanup?.();
    });

    it('creates one running container per crew, named after its slug, and reuses it', async () => {
      expect(container).toMatchObject({
        name: `crewship-crew-${spec().slug}`,
        crewId: spec().crewId,
        state: 'running',
      });
      const again = await runtime.ensureCrewContainer(spec());
      expect(again.id).toBe(container.id);
      expect((await runtime.list()).map((item) => item.id)).toContain(container.id);
      expect((await runtime.status(spec().crewId)).state).toBe('running');
    });

    it('keeps stdout and stderr apart, line by line, with the exit code', async () => {
      const { lines, exitCode } = await collect(
        exec(container, {
          cmd: ['sh', '-c', 'echo one; echo two >&2; echo three; printf tail; exit 3'],
        }),
      );
      expect(exitCode).toBe(3);
      expect(text(lines, 'stdout')).toEqual(['one', 'three', 'tail']);
      expect(text(lines, 'stderr')).toEqual(['two']);
    });

    it('refuses an empty command and a tmux session name tmux would rewrite', async () => {
      await expect(exec(container, { cmd: [] }).result).rejects.toMatchObject({ kind: 'invalid_input' });
      await expect(exec(container, { cmd: ['true'], tmuxSession: 'agent.ada' }).result).rejects.toMatchObject(
        { kind: 'invalid_input', message: expect.stringContaining('tmux session name') },
      );
    });

    it('passes stdin, environment and working directory', async () => {
      const { lines, exitCode } = await collect(
        exec(container, {
          cmd: ['sh', '-c', 'read line; echo "$line/$GREETING/$(pwd)"'],
          stdin: 'from-stdin\n',
          env: { GREETING: 'hello' },
          cwd: '/tmp',
        }),
      );
      expect(exitCode).toBe(0);
      expect(text(lines, 'stdout')).toEqual(['from-stdin/hello//tmp']);
    });

    it('delivers a 2 MiB line whole', async () => {
      const { lines } = await collect(
        exec(container, {
          cmd: ['sh', '-c', 'head -c 2097152 /dev/zero | tr "\\0" x; echo; echo after'],
        }),
      );
      const out = text(lines, 'stdout');
      expect(out[0]?.length).toBe(2 * 1024 * 1024);
      expect(out[1]).toBe('after');
    });

    it('streams lines live, before the command ends', async () => {
      const handle = exec(container, { cmd: ['sh', '-c', 'echo first; sleep 2; echo second'] });
      const iterator = handle[Symbol.asyncIterator]();
      const started = Date.now();
      const first = await iterator.next();
      expect(first.value).toEqual({ stream: 'stdout', line: 'first' });
      expect(Date.now() - started).toBeLessThan(1900);
      const second = await iterator.next();
      expect(second.value).toEqual({ stream: 'stdout', line: 'second' });
      expect((await handle.result).exitCode).toBe(0);
    });

    it('runs execs concurrently in one container', async () => {
      const results = await Promise.all(
        [1, 2, 3, 4].map((index) =>
          collect(exec(container, { cmd: ['sh', '-c', `sleep 0.5; echo done-${index}`] })),
        ),
      );
      expect(results.map((result) => text(result.lines, 'stdout')[0])).toEqual([
        'done-1',
        'done-2',
        'done-3',
        'done-4',
      ]);
    });

    async function alive(pid: string): Promise<boolean> {
      // A zombie still answers `kill -0`; only a live state in /proc counts.
      const script = `state=$(sed -E 's/^[0-9]+ [(].*[)] (.).*/\\1/' /proc/${pid}/stat 2>/dev/null); [ -n "$state" ] && [ "$state" != Z ]`;
      const { exitCode } = await collect(exec(container, { cmd: ['sh', '-c', script] }));
      return exitCode === 0;
    }

    it('kills the whole process group on timeout', async () => {
      const handle = exec(container, {
        cmd: ['sh', '-c', 'sleep 300 & echo $!; sleep 300'],
        timeoutMs: 1000,
      });
      const { lines } = await collect(handle);
      const result = await handle.result;
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).not.toBe(0);
      const pid = text(lines, 'stdout')[0] ?? '';
      expect(pid).toMatch(/^\d+$/);
      expect(await alive(pid)).toBe(false);
    });

    it('kills the whole process group on cancel', async () => {
      const controller = new AbortController();
      const handle = exec(container, {
        cmd: ['sh', '-c', 'sleep 300 & echo $!; sleep 300'],
        signal: controller.signal,
      });
      const iterator = handle[Symbol.asyncIterator]();
      const pid = (await iterator.next()).value?.line ?? '';
      controller.abort();
      const result = await handle.result;
      expect(result.cancelled).toBe(true);
      expect(await alive(pid)).toBe(false);
    });

    it('reports stats while running, and stops, restarts, recreates and removes', async () => {
      const stats = await runtime.stats(spec().crewId);
      expect(stats).toMatchObject({ crewId: spec().crewId });
      expect(stats?.pids).toBeGreaterThan(0);
      await runtime.stop(spec().crewId);
      expect((await runtime.status(spec().crewId)).state).toBe('stopped');
      expect(await runtime.stats(spec().crewId)).toBeNull();
      const restarted = await runtime.ensureCrewContainer(spec());
      expect(restarted.id).toBe(container.id);
      const recreated = await runtime.ensureCrewContainer(spec({ memoryMb: 640 }));
      expect(recreated.id).not.toBe(container.id);
      expect(recreated.configHash).not.toBe(container.configHash);
      container = recreated;
      await runtime.remove(spec().crewId);
      expect((await runtime.status(spec().crewId)).state).toBe('missing');
      container = await runtime.ensureCrewContainer(spec());
    });
  });
}
