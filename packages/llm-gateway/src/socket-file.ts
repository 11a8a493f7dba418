import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, rename, unlink } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { CrewshipError } from '@crewship/contracts';

/** sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function existingKind(path: string): Promise<'none' | 'socket' | 'other'> {
  try {
    return (await lstat(path)).isSocket() ? 'socket' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
}

/**
 * Listens on `path` with mode 0600 and the given owner from the first moment on: the server binds a
 * temporary name in the same directory, which is restricted before it is renamed over `path` (which also
 * replaces a stale socket file atomically). A live socket or a non-socket file at `path` is a conflict.
 */
export async function listenOnSocketFile(
  server: Server,
  path: string,
  uid: number,
  gid: number,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path).slice(0, 8)}.${randomBytes(4).toString('hex')}`);
  if (
    Buffer.byteLength(temporary) > MAX_SOCKET_PATH_BYTES ||
    Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES
  ) {
    throw new CrewshipError('invalid_input', `socket path ${path} is too long for a Unix socket`);
  }
  const kind = await existingKind(path);
  if (kind === 'other') throw new CrewshipError('conflict', `${path} exists and is not a socket`);
  if (kind === 'socket' && (await isLive(path))) {
    throw new CrewshipError('conflict', `socket ${path} is in use by another server`);
  }
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(temporary, () => {
      server.off('error', onError);
      resolve();
    });
  });
  try {
    await chmod(temporary, 0o600);
    await chown(temporary, uid, gid);
    await rename(temporary, path);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await unlink(temporary).catch(() => undefined);
    throw new CrewshipError('internal', `could not prepare gateway socket ${path}`, { cause: error });
  }
}

export async function removeSocketFile(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isSocket()) await unlink(path);
  } catch {
    // Already gone.
  }
}
