import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ContainerRuntime,
  type ContainerStats,
  type CrewContainer,
  CrewshipError,
  type ExecHandle,
  type ExecOptions,
} from '@crewship/contracts';
import { crewConfigHash, crewContainerName } from '../config-hash.js';
import { createExecHandle } from '../exec-handle.js';
import { execOptionsError } from '../exec-options.js';
import { createLineSplitter } from '../line-splitter.js';

/** Container paths the fake maps under its root, as the real runtime's mounts would place them. */
const CONTAINER_ROOTS = ['/crew/', '/output/', '/secrets/', '/workspace', '/home/agent', '/run/crewship'];

export interface FakeContainerRuntimeOptions {
  /**
   * Stands in for the container's filesystem: arguments, environment values and the working directory
   * that name a container path (`/crew/…`, `/output/…`, `/workspace`…) are moved under it, so a test
   * never writes to the host's `/crew`. Default: a fresh temporary directory.
   */
  root?: string;
  /** Directories searched for commands before the host's own (stand-in agent CLIs). */
  path?: readonly string[];
}

/**
 * A `ContainerRuntime` for unit tests: containers are records in memory and `exec` runs the command
 * as a local process in its own process group (users and `tmuxSession` are ignored). Passes the shared contract suite.
 */
export function createFakeContainerRuntime(
  options: FakeContainerRuntimeOptions = {},
): ContainerRuntime & { readonly execCount: number; readonly root: string } {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'crewship-fake-container-'));
  const inRoot = (value: string) =>
    CONTAINER_ROOTS.some((prefix) => value === prefix.replace(/\/$/, '') || value.startsWith(prefix))
      ? join(root, value)
      : value;
  const searchPath = [...(options.path ?? []), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  const containers = new Map<string, CrewContainer & { lastActivityAt: string | null }>();
  let execCount = 0;

  function running(crewId: string) {
    const container = containers.get(crewId);
    return container?.state === 'running' ? container : undefined;
  }

  function exec(container: CrewContainer, options: ExecOptions): ExecHandle {
    const { handle, push, finish, fail } = createExecHandle();
    const current = running(container.crewId);
    if (!current || current.id !== container.id) {
      fail(new CrewshipError('unavailable', `container ${container.name} is not running`));
      return handle;
    }
    execCount += 1;
    current.lastActivityAt = new Date().toISOString();
    const invalid = execOptionsError(options);
    if (invalid) {
      fail(invalid);
      return handle;
    }
    const [command = '', ...args] = options.cmd.map(inRoot);
    const cwd = options.cwd === undefined ? undefined : inRoot(options.cwd);
    if (cwd !== undefined && cwd !== options.cwd) mkdirSync(cwd, { recursive: true });
    const env = Object.fromEntries(
      Object.entries(options.env ?? {}).map(([key, value]) => [key, inRoot(value)]),
    );
    const started = performance.now();
    const child = spawn(command, args, {
      cwd,
      env: { PATH: searchPath, ...env },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let cancelled = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup();
          }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killGroup();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const stdout = createLineSplitter((line) => push({ stream: 'stdout', line }));
    const stderr = createLineSplitter((line) => push({ stream: 'stderr', line }));
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(new CrewshipError('invalid_input', `cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      stdout.end();
      stderr.end();
      finish({
        exitCode: code ?? (signal ? 128 + 9 : 1),
        timedOut,
        cancelled,
        durationMs: performance.now() - started,
      });
    });
    return handle;
  }

  return {
    root,
    get execCount() {
      return execCount;
    },
    async ensureCrewContainer(spec) {
      const configHash = crewConfigHash(spec);
      const existing = containers.get(spec.crewId);
      if (existing && existing.configHash === configHash) {
        existing.state = 'running';
        return { ...existing };
      }
      const container = {
        id: randomUUID(),
        name: crewContainerName(spec.slug),
        crewId: spec.crewId,
        workspaceId: spec.workspaceId,
        configHash,
        image: spec.image,
        state: 'running' as const,
        lastActivityAt: null,
      };
      containers.set(spec.crewId, container);
      return { ...container };
    },
    exec,
    async stop(crewId) {
      const container = containers.get(crewId);
      if (container) container.state = 'stopped';
    },
    async remove(crewId) {
      containers.delete(crewId);
    },
    async status(crewId) {
      const container = containers.get(crewId);
      if (!container) return { crewId, state: 'missing', container: null, lastActivityAt: null };
      const { lastActivityAt, ...rest } = container;
      return { crewId, state: container.state, container: rest, lastActivityAt };
    },
    async stats(crewId): Promise<ContainerStats | null> {
      if (!running(crewId)) return null;
      return {
        crewId,
        at: new Date().toISOString(),
        cpuPercent: 0,
        memoryBytes: 0,
        memoryLimitBytes: 0,
        networkRxBytes: 0,
        networkTxBytes: 0,
        pids: 1,
      };
    },
    async list() {
      return [...containers.values()].map(({ lastActivityAt: _unused, ...container }) => ({ ...container }));
    },
  };
}
