import { join } from 'node:path';
import { CrewshipError } from '@crewship/contracts';
import { dockerSocketRequest, socketFailureReason } from './docker-socket-request.js';

export interface DockerEngine {
  /** Path of the Unix socket that answered. */
  socket: string;
  /** Engine version, e.g. `20.10.24`. */
  version: string;
  /** Engine API version, e.g. `1.41`. */
  apiVersion: string;
}

export interface DockerSocketCandidatesOptions {
  /** The value of `DOCKER_HOST`, if any; only `unix://` is honoured. */
  dockerHost?: string | undefined;
  home: string;
  uid: number;
}

export interface DetectDockerEngineOptions extends DockerSocketCandidatesOptions {
  /** Per request deadline; each socket gets a `/_ping` and a `/version`. */
  timeoutMs?: number;
  /** Replaces the well-known list (tests, or a caller that knows better). */
  candidates?: readonly string[];
}

export const DEFAULT_DOCKER_TIMEOUT_MS = 1500;

/** The sockets to try, in order: `DOCKER_HOST`, then Docker, Colima, OrbStack, Rancher, Docker Desktop, Podman, containerd. */
export function dockerSocketCandidates(options: DockerSocketCandidatesOptions): string[] {
  const fromDockerHost = options.dockerHost?.startsWith('unix://')
    ? [options.dockerHost.slice('unix://'.length)]
    : [];
  const candidates = [
    ...fromDockerHost,
    '/var/run/docker.sock',
    join(options.home, '.colima/default/docker.sock'),
    join(options.home, '.orbstack/run/docker.sock'),
    join(options.home, '.rd/docker.sock'),
    join(options.home, '.docker/run/docker.sock'),
    `/run/user/${options.uid}/podman/podman.sock`,
    '/run/podman/podman.sock',
    '/run/containerd/containerd.sock',
  ];
  return [...new Set(candidates.filter((candidate) => candidate.length > 0))];
}

function parseVersion(body: string): { version: string; apiVersion: string } | null {
  try {
    const parsed = JSON.parse(body) as { Version?: unknown; ApiVersion?: unknown };
    if (typeof parsed.Version === 'string' && typeof parsed.ApiVersion === 'string') {
      return { version: parsed.Version, apiVersion: parsed.ApiVersion };
    }
  } catch {
    return null;
  }
  return null;
}

async function probe(socket: string, timeoutMs: number): Promise<DockerEngine> {
  const ping = await dockerSocketRequest(socket, '/_ping', timeoutMs);
  if (ping.status !== 200) throw new Error(`/_ping answered ${ping.status}`);
  const reply = await dockerSocketRequest(socket, '/version', timeoutMs);
  const version = reply.status === 200 ? parseVersion(reply.body) : null;
  if (!version) throw new Error(`/version answered ${reply.status} without a Docker version`);
  return { socket, ...version };
}

/**
 * Finds a Docker-compatible engine: the first candidate socket that answers `/_ping` and `/version`.
 * Throws `CrewshipError('unavailable')` naming every socket tried and why it failed.
 */
export async function detectDockerEngine(options: DetectDockerEngineOptions): Promise<DockerEngine> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOCKER_TIMEOUT_MS;
  const candidates = options.candidates ?? dockerSocketCandidates(options);
  const failures: string[] = [];
  if (options.dockerHost && !options.dockerHost.startsWith('unix://') && options.candidates === undefined) {
    failures.push(`DOCKER_HOST=${options.dockerHost} (ignored: only unix:// is supported)`);
  }
  for (const socket of candidates) {
    try {
      return await probe(socket, timeoutMs);
    } catch (error) {
      failures.push(`${socket} (${socketFailureReason(error)})`);
    }
  }
  throw new CrewshipError('unavailable', `no Docker engine answered; tried ${failures.join(', ')}`, {
    details: { tried: candidates },
  });
}
