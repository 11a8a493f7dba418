import { randomBytes } from 'node:crypto';
import type { Duplex, Readable } from 'node:stream';
import {
  AGENT_USER,
  type CrewContainer,
  CrewshipError,
  type ExecHandle,
  type ExecOptions,
  type Logger,
} from '@crewship/contracts';
import type Docker from 'dockerode';
import { createExecHandle } from '../exec-handle.js';
import { execOptionsError } from '../exec-options.js';
import { createLineSplitter } from '../line-splitter.js';
import { dockerErrorStatus } from './docker-errors.js';
import { execCommand, GROUP_KILLER } from './exec-scripts.js';

const KILL_GIVE_UP_MS = 30_000;

export interface DockerExecHooks {
  logger: Logger;
  /** Called when the exec is requested and when it has ended: the idle TTL counts activity from both. */
  onStart(): void;
  onEnd(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * `exec` on Docker: output demultiplexed into two line splitters as it arrives; timeout and cancel kill
 * the command's whole process group with a second exec as the same user.
 */
export function startDockerExec(
  docker: Docker,
  target: CrewContainer,
  options: ExecOptions,
  hooks: DockerExecHooks,
): ExecHandle {
  const { handle, push, finish, fail } = createExecHandle();
  const invalid = execOptionsError(options);
  if (invalid) {
    fail(invalid);
    return handle;
  }
  const container = docker.getContainer(target.id);
  const user = options.user ?? AGENT_USER;
  const pidFile = `/tmp/.crewship-exec-${randomBytes(8).toString('hex')}.pid`;
  const startedAt = performance.now();
  let timedOut = false;
  let cancelled = false;
  let ended = false;
  let output: Readable | undefined;
  let killRequested = false;
  let markStarted!: (started: boolean) => void;
  const started = new Promise<boolean>((resolve) => {
    markStarted = resolve;
  });
  let markEnded!: () => void;
  const endedSignal = new Promise<void>((resolve) => {
    markEnded = resolve;
  });

  const runKiller = async () => {
    const killer = await container.exec({
      Cmd: ['sh', '-c', GROUP_KILLER, 'crewship-kill', pidFile],
      User: user,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = (await killer.start({ Detach: false, Tty: false })) as Readable;
    stream.resume();
    await streamEnded(stream);
  };

  const killGroup = async () => {
    if (!(await started)) return;
    const deadline = performance.now() + KILL_GIVE_UP_MS;
    let pause = 100;
    while (!ended && performance.now() < deadline) {
      await runKiller().catch((error: unknown) =>
        hooks.logger.debug('exec kill attempt failed', { container: target.name, error: String(error) }),
      );
      await Promise.race([endedSignal, sleep(pause)]);
      pause = Math.min(pause * 2, 1000);
    }
    if (!ended) {
      hooks.logger.error('could not kill an exec process group; abandoning its stream', {
        container: target.name,
      });
      output?.destroy();
    }
  };
  const requestKill = () => {
    if (killRequested) return;
    killRequested = true;
    void killGroup();
  };

  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          requestKill();
        }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    requestKill();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const run = async (): Promise<number> => {
    const withStdin = options.stdin !== undefined;
    const exec = await container.exec({
      Cmd: execCommand(options.cmd, pidFile, options.tmuxSession),
      User: user,
      Env: Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
      ...(options.cwd === undefined ? {} : { WorkingDir: options.cwd }),
      AttachStdin: withStdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = (await exec.start({
      hijack: withStdin,
      stdin: withStdin,
      Detach: false,
      Tty: false,
    })) as Duplex;
    output = stream;
    markStarted(true);
    const stdout = createLineSplitter((line) => push({ stream: 'stdout', line }));
    const stderr = createLineSplitter((line) => push({ stream: 'stderr', line }));
    docker.modem.demuxStream(stream, sink(stdout.push), sink(stderr.push));
    const closed = streamEnded(stream);
    if (withStdin) {
      stream.end(typeof options.stdin === 'string' ? Buffer.from(options.stdin) : options.stdin);
    }
    await closed;
    ended = true;
    markEnded();
    stdout.end();
    stderr.end();
    return exitCodeOf(exec);
  };

  hooks.onStart();
  run().then(
    (exitCode) => {
      settle();
      finish({ exitCode, timedOut, cancelled, durationMs: performance.now() - startedAt });
    },
    (error: unknown) => {
      settle();
      fail(execError(target, error));
    },
  );
  function settle() {
    ended = true;
    markStarted(false);
    markEnded();
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    hooks.onEnd();
  }
  return handle;
}

function sink(write: (chunk: Uint8Array) => void): NodeJS.WritableStream {
  return {
    write(chunk: Uint8Array) {
      write(chunk);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
}

function streamEnded(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', reject);
  });
}

/** The exit code, once Docker has recorded it (it can lag the end of the output by a few ms). */
async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const state = await exec.inspect();
    if (!state.Running && typeof state.ExitCode === 'number') return state.ExitCode;
    await sleep(Math.min(5 * 2 ** attempt, 100));
  }
  throw new Error('Docker did not report an exit code within 10 s');
}

function execError(target: CrewContainer, error: unknown): CrewshipError {
  if (error instanceof CrewshipError) return error;
  const status = dockerErrorStatus(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (status === 404 || status === 409) {
    return new CrewshipError('unavailable', `container ${target.name} is not running (${reason})`, {
      cause: error,
    });
  }
  return new CrewshipError('unavailable', `exec in ${target.name} failed: ${reason}`, { cause: error });
}
