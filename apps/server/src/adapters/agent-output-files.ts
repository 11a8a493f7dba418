import { constants } from 'node:fs';
import { lstat, open, opendir, readlink, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  AGENT_FILE_MAX_BYTES,
  AGENT_FILES_MAX_ENTRIES,
  type AgentFileList,
  agentFilePathSchema,
  CrewshipError,
} from '@crewship/contracts';

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function inside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + sep);
}

/**
 * Lists regular files under `root`, breadth first, sorted per directory. Symlinks are skipped (never
 * followed), so the walk cannot leave `root`. A missing directory is an empty list.
 */
export async function listAgentOutputFiles(
  root: string,
  maxEntries = AGENT_FILES_MAX_ENTRIES,
): Promise<AgentFileList> {
  const items: AgentFileList['items'] = [];
  const queue = [root];
  let truncated = false;
  while (queue.length > 0) {
    const directory = queue.shift() as string;
    let entries: string[];
    try {
      const handle = await opendir(directory);
      entries = [];
      for await (const entry of handle) entries.push(entry.name);
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EACCES') continue;
      throw error;
    }
    for (const name of entries.sort()) {
      const path = join(directory, name);
      let stats: Awaited<ReturnType<typeof lstat>>;
      try {
        stats = await lstat(path);
      } catch (error) {
        if (isMissing(error)) continue;
        throw error;
      }
      if (stats.isDirectory()) {
        queue.push(path);
      } else if (stats.isFile()) {
        if (items.length >= maxEntries) {
          truncated = true;
          return { items, truncated };
        }
        items.push({
          path: relative(root, path).split(sep).join('/'),
          size: stats.size,
          modified_at: stats.mtime.toISOString(),
        });
      }
    }
  }
  return { items, truncated };
}

/**
 * Reads one file below `root`. Refuses `..`, absolute paths and NUL bytes (invalid_input), anything
 * whose resolved location is outside `root` (symlinks included), non-regular files, and files over
 * the size limit. The check is repeated on the opened descriptor so a swapped path cannot race it.
 */
export async function readAgentOutputFile(
  root: string,
  relativePath: string,
  maxBytes = AGENT_FILE_MAX_BYTES,
): Promise<Uint8Array> {
  const parsed = agentFilePathSchema.safeParse(relativePath);
  if (!parsed.success) {
    throw new CrewshipError('invalid_input', `invalid path: ${parsed.error.issues[0]?.message ?? 'refused'}`);
  }
  const notFound = () => new CrewshipError('not_found', `file "${relativePath}" not found`);
  let realRoot: string;
  let realTarget: string;
  try {
    realRoot = await realpath(root);
    realTarget = await realpath(join(root, relativePath));
  } catch (error) {
    if (isMissing(error)) throw notFound();
    throw error;
  }
  if (!inside(realRoot, realTarget)) {
    throw new CrewshipError('invalid_input', `path "${relativePath}" leads outside the output directory`);
  }
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(realTarget, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (isMissing(error)) throw notFound();
    if (code === 'ELOOP') {
      throw new CrewshipError('invalid_input', `path "${relativePath}" leads outside the output directory`);
    }
    throw error;
  }
  try {
    const opened = await readlink(`/proc/self/fd/${file.fd}`).catch(() => realTarget);
    if (!inside(realRoot, opened)) {
      throw new CrewshipError('invalid_input', `path "${relativePath}" leads outside the output directory`);
    }
    const stats = await file.stat();
    if (!stats.isFile()) throw new CrewshipError('not_found', `"${relativePath}" is not a regular file`);
    if (stats.size > maxBytes) {
      throw new CrewshipError(
        'too_large',
        `"${relativePath}" is ${stats.size} bytes; files over ${maxBytes} bytes are not served`,
      );
    }
    const buffer = Buffer.alloc(stats.size);
    let offset = 0;
    while (offset < stats.size) {
      const { bytesRead } = await file.read(buffer, offset, stats.size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, offset);
  } finally {
    await file.close();
  }
}
