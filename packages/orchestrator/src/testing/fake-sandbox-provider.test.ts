import type { ExecOutputLine } from '@crewship/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testAgent, testCrew } from './fake-ports.js';
import { createFakeSandboxProvider } from './fake-sandbox-provider.js';

async function collect(iterable: AsyncIterable<ExecOutputLine>) {
  const lines: ExecOutputLine[] = [];
  for await (const line of iterable) lines.push(line);
  return lines;
}

async function sandbox() {
  const provider = createFakeSandboxProvider();
  const prepared = await provider.prepare({ crew: testCrew(), agent: testAgent(), files: [] });
  return { provider, prepared };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createFakeSandboxProvider', () => {
  it('streams the pushed lines in order and ignores output after the exit', async () => {
    const { provider, prepared } = await sandbox();
    const handle = prepared.exec({ cmd: ['agent'] });
    const exec = await provider.nextExec();
    exec.stdout('one');
    exec.stderr('two');
    exec.exit(3, 42);
    exec.stdout('late');
    expect(await collect(handle)).toEqual([
      { stream: 'stdout', line: 'one' },
      { stream: 'stderr', line: 'two' },
    ]);
    expect(await handle.result).toEqual({ exitCode: 3, timedOut: false, cancelled: false, durationMs: 42 });
    expect(exec.ending).toBe('exit');
  });

  it('kills the process when the signal aborts', async () => {
    const { provider, prepared } = await sandbox();
    const controller = new AbortController();
    const handle = prepared.exec({ cmd: ['agent'], signal: controller.signal });
    const exec = await provider.nextExec();
    const lines = collect(handle);
    await exec.drained();
    controller.abort();
    expect(await lines).toEqual([]);
    expect(await handle.result).toMatchObject({ exitCode: 137, cancelled: true, timedOut: false });
    expect(exec.ending).toBe('signal');
  });

  it('kills the process when timeoutMs passes', async () => {
    vi.useFakeTimers();
    const { provider, prepared } = await sandbox();
    const handle = prepared.exec({ cmd: ['agent'], timeoutMs: 1_000 });
    const exec = await provider.nextExec();
    await vi.advanceTimersByTimeAsync(999);
    expect(exec.ending).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(await handle.result).toMatchObject({ exitCode: 137, timedOut: true, cancelled: false });
  });

  it('fails the iteration and the result when the exec fails', async () => {
    const { provider, prepared } = await sandbox();
    const handle = prepared.exec({ cmd: ['agent'] });
    (await provider.nextExec()).fail(new Error('no container'));
    await expect(collect(handle)).rejects.toThrow('no container');
    await expect(handle.result).rejects.toThrow('no container');
  });

  it('runs the script for each exec and records prepare calls', async () => {
    const { provider, prepared } = await sandbox();
    provider.script = (exec) => {
      exec.stdout(String(exec.options.cmd.join(' ')));
      exec.exit(0);
    };
    const handle = prepared.exec({ cmd: ['echo', 'hi'] });
    expect(await collect(handle)).toEqual([{ stream: 'stdout', line: 'echo hi' }]);
    expect(provider.prepared).toHaveLength(1);
  });
});
