import { open, readFile, stat, unlink } from 'node:fs/promises';
import { CrewshipError } from '@crewship/contracts';

export interface LockOptions {
  timeoutMs: number;
  pollMs?: number;
  /** A lock file older than this is taken over even if its process seems alive (pid reuse). */
  staleMs?: number;
}

/**
 * Serializes work per lock file: callers in this process queue on a promise chain, other
 * processes on an exclusive-create lock file that records the holder's pid.
 */
export function createLocks() {
  const chains = new Map<string, Promise<unknown>>();

  return async function withLock<T>(
    lockFile: string,
    options: LockOptions,
    work: () => Promise<T>,
  ): Promise<T> {
    const previous = chains.get(lockFile) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const release = await acquireFileLock(lockFile, options);
        try {
          return await work();
        } finally {
          await release();
        }
      });
    chains.set(lockFile, run);
    try {
      return await run;
    } finally {
      if (chains.get(lockFile) === run) chains.delete(lockFile);
    }
  };
}

export async function acquireFileLock(lockFile: string, options: LockOptions): Promise<() => Promise<void>> {
  const pollMs = options.pollMs ?? 200;
  const staleMs = options.staleMs ?? 60 * 60 * 1000;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o644);
      await handle.writeFile(JSON.stringify({ pid: process.pid, acquired_at: new Date().toISOString() }));
      await handle.close();
      return () => unlink(lockFile).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockFile, staleMs)) {
      await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new CrewshipError('unavailable', `another installation still holds ${lockFile}; try again later`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function isStale(lockFile: string, staleMs: number): Promise<boolean> {
  let modifiedMs: number;
  let content: string;
  try {
    modifiedMs = (await stat(lockFile)).mtimeMs;
    content = await readFile(lockFile, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  const age = Date.now() - modifiedMs;
  if (age > staleMs) return true;
  let pid = Number.NaN;
  try {
    pid = Number((JSON.parse(content) as { pid?: unknown }).pid);
  } catch {}
  // Unreadable for a few seconds: its holder died between creating and writing it.
  if (!Number.isInteger(pid) || pid <= 0) return age > 5_000;
  return !isProcessAlive(pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
