import { type ChildProcess, fork } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A server running in its own child process, so it never shares an event loop with the load generator. */
export interface BenchServer {
  name: string;
  url: string;
  /** SIGTERM, then SIGKILL if the server has not exited within the grace period. */
  stop(): Promise<void>;
}

export interface SpawnServerOptions {
  args?: string[];
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

const children = new Set<ChildProcess>();
const killChildren = () => {
  for (const child of children) child.kill('SIGKILL');
};

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Forks `entry` (run through the same loaders as this process, e.g. tsx), which must call
 * `announceListening`, and resolves once it reports a URL on 127.0.0.1.
 */
export async function spawnServer(entry: URL, options: SpawnServerOptions = {}): Promise<BenchServer> {
  const name = basename(fileURLToPath(entry)).replace(/\.[cm]?[jt]s$/, '');
  if (children.size === 0) process.on('exit', killChildren);
  const child = fork(fileURLToPath(entry), options.args ?? [], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = waitForExit(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 10_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timeoutMs = options.startTimeoutMs ?? 30_000;
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (error: Error | undefined, reported?: string) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(reported as string);
      };
      child.on('error', (error) => settle(error));
      child.once('exit', (code, signal) =>
        settle(new Error(`${name} exited (${code ?? signal}) before listening\n${stderr.trimEnd()}`)),
      );
      child.once('message', (message) => {
        const reported = (message as { url?: unknown }).url;
        if (typeof reported === 'string') settle(undefined, reported);
        else settle(new Error(`${name} sent ${JSON.stringify(message)} instead of { url }`));
      });
    });
    if (new URL(url).hostname !== '127.0.0.1') throw new Error(`${name} listens on ${url}, not on 127.0.0.1`);
    return { name, url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
