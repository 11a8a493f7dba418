import { CrewshipError } from '@crewship/contracts';
import { DEFAULT_DOCKER_TIMEOUT_MS } from './detect-docker-engine.js';
import { dockerSocketRequest, socketFailureReason } from './docker-socket-request.js';

/** Whether the engine behind `socket` has the image `name` locally (no registry is asked). */
export async function imageExists(
  socket: string,
  name: string,
  options: { timeoutMs?: number } = {},
): Promise<boolean> {
  let reply: Awaited<ReturnType<typeof dockerSocketRequest>>;
  try {
    reply = await dockerSocketRequest(
      socket,
      `/images/${encodeURIComponent(name)}/json`,
      options.timeoutMs ?? DEFAULT_DOCKER_TIMEOUT_MS,
    );
  } catch (error) {
    throw new CrewshipError(
      'unavailable',
      `Docker engine at ${socket} did not answer (${socketFailureReason(error)})`,
      {
        cause: error,
      },
    );
  }
  if (reply.status === 200) return true;
  if (reply.status === 404) return false;
  throw new CrewshipError(
    'unavailable',
    `Docker engine at ${socket} answered ${reply.status} for image ${name}`,
  );
}
