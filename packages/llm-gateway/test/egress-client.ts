import { request } from 'node:http';
import type { Socket } from 'node:net';
import { INTERNAL_TOKEN_HEADER } from '@crewship/contracts';

export interface ConnectAnswer {
  status: number;
  /** The tunnel when status is 200 (the caller destroys it). */
  socket: Socket;
  /** The error body when status is not 200. */
  body: string;
}

/** Sends `CONNECT authority` over the crew socket, as the sidecar does for HTTPS_PROXY traffic. */
export function connectThrough(
  socketPath: string,
  authority: string,
  token: string | undefined,
): Promise<ConnectAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({
      socketPath,
      method: 'CONNECT',
      path: authority,
      headers: token === undefined ? {} : { [INTERNAL_TOKEN_HEADER]: token },
    });
    outgoing.on('connect', (response, socket, head) => {
      const status = response.statusCode ?? 0;
      if (status === 200) {
        if (head.length > 0) socket.unshift(head);
        resolve({ status, socket, body: '' });
        return;
      }
      let body = head.toString('utf8');
      socket.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      socket.on('close', () => resolve({ status, socket, body }));
      socket.on('error', () => resolve({ status, socket, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Writes `message` into an open tunnel and resolves with what comes back once the far end closes. */
export function roundTrip(socket: Socket, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.end(message);
  });
}
