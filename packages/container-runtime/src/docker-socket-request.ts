import { request } from 'node:http';

export interface DockerSocketResponse {
  status: number;
  body: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One `GET` over a Unix socket with a deadline for the whole exchange. Rejects with the socket error
 * code (`ENOENT`, `ECONNREFUSED`, `EACCES`, ...) or `ETIMEDOUT`, so callers can say why a socket failed.
 */
export function dockerSocketRequest(
  socketPath: string,
  path: string,
  timeoutMs: number,
): Promise<DockerSocketResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request({
      socketPath,
      path,
      method: 'GET',
      agent: false,
      headers: { host: 'docker', accept: 'application/json' },
    });
    const deadline = setTimeout(() => {
      outgoing.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(deadline);
      reject(error);
    };
    outgoing.once('error', fail);
    outgoing.once('response', (incoming) => {
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          outgoing.destroy(Object.assign(new Error('answer too large'), { code: 'E2BIG' }));
          return;
        }
        chunks.push(chunk);
      });
      incoming.once('error', fail);
      incoming.once('end', () => {
        clearTimeout(deadline);
        outgoing.destroy();
        resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.end();
  });
}

/** A short reason for a failed socket request: the errno code when there is one. */
export function socketFailureReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code.length > 0) return code;
  return error instanceof Error ? error.message : String(error);
}
