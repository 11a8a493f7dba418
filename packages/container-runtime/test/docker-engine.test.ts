import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrewshipError } from '@crewship/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDockerEngine, imageExists } from '../src/index.js';

const BASE_IMAGE = 'crewship-base:bookworm';
const hostOptions = { dockerHost: process.env.DOCKER_HOST, home: homedir(), uid: process.getuid?.() ?? 0 };
const engine = await detectDockerEngine(hostOptions).catch(() => null);
const mustRun = process.env.CI === 'true';

describe.skipIf(!engine && !mustRun)('with the real Docker engine', () => {
  it('detects the engine with its version and API version', async () => {
    const detected = await detectDockerEngine(hostOptions);
    expect(detected.socket).toMatch(/\.sock$/);
    expect(detected.version).toMatch(/^\d+\.\d+/);
    expect(detected.apiVersion).toMatch(/^1\.\d+$/);
  });

  it('prefers DOCKER_HOST over the well-known sockets', async () => {
    const real = await detectDockerEngine(hostOptions);
    const viaDockerHost = await detectDockerEngine({ ...hostOptions, dockerHost: `unix://${real.socket}` });
    expect(viaDockerHost.socket).toBe(real.socket);
  });

  it('tells whether an image exists locally', async () => {
    const { socket } = await detectDockerEngine(hostOptions);
    expect(await imageExists(socket, BASE_IMAGE)).toBe(true);
    expect(await imageExists(socket, 'crewship-test/no-such-image:never')).toBe(false);
  });
});

describe('when no engine answers', () => {
  let directory: string;
  let silent: Server;
  let notDocker: Server;
  const accepted: Socket[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'crewship-docker-'));
    silent = createServer((socket) => accepted.push(socket));
    notDocker = createServer((socket) => {
      accepted.push(socket);
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => silent.listen(join(directory, 'silent.sock'), resolve));
    await new Promise<void>((resolve) => notDocker.listen(join(directory, 'not-docker.sock'), resolve));
  });

  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await new Promise((resolve) => notDocker.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  it('names every socket tried and why each failed', async () => {
    const candidates = [
      join(directory, 'missing.sock'),
      join(directory, 'silent.sock'),
      join(directory, 'not-docker.sock'),
    ];
    const failure = await detectDockerEngine({ ...hostOptions, candidates, timeoutMs: 200 }).catch(
      (error) => error,
    );
    expect(failure).toBeInstanceOf(CrewshipError);
    expect(failure.kind).toBe('unavailable');
    expect(failure.message).toContain(`${candidates[0]} (ENOENT)`);
    expect(failure.message).toContain(`${candidates[1]} (ETIMEDOUT)`);
    expect(failure.message).toContain(`${candidates[2]} (/_ping answered 404)`);
  });

  it('reports an unreachable socket when asked for an image', async () => {
    await expect(imageExists(join(directory, 'missing.sock'), BASE_IMAGE)).rejects.toMatchObject({
      kind: 'unavailable',
    });
  });
});
