import http, { type IncomingMessage } from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { INTERNAL_TOKEN_HEADER, type Logger } from '@crewship/contracts';
import { errorCode, gatewayErrorMessage } from './gateway-error.js';

export interface ConnectTunnelContext {
  socketPath: string;
  token: string;
  logger: Logger;
  /** Client sockets of live tunnels, so that close() can cut them. */
  tunnels: Set<Duplex>;
}

const REFUSAL_BODY_LIMIT = 64 * 1024;
const REFUSAL_READ_TIMEOUT_MS = 5_000;
const LINGER_AFTER_REPLY_MS = 10_000;

/**
 * Handles `CONNECT host:port` from a client: asks the gateway for the same tunnel over the socket (with the
 * internal token); on 2xx answers `200 Connection Established` and splices both sockets, including bytes
 * already read past either head; otherwise relays the gateway's status and body and closes.
 */
export function openConnectTunnel(
  context: ConnectTunnelContext,
  req: IncomingMessage,
  clientSocket: Duplex,
  head: Buffer,
): void {
  const startedAt = performance.now();
  const target = req.url ?? '';
  const log = (status: number) =>
    context.logger.debug('sidecar request', {
      method: 'CONNECT',
      path: target,
      status,
      ms: Math.round(performance.now() - startedAt),
    });

  context.tunnels.add(clientSocket);
  clientSocket.on('error', () => clientSocket.destroy());
  clientSocket.once('close', () => context.tunnels.delete(clientSocket));

  if (!isAuthority(target)) {
    log(400);
    replyAndClose(clientSocket, 400, 'Bad Request', 'application/json', '{"error":"invalid CONNECT target"}');
    return;
  }

  const upstream = http.request({
    method: 'CONNECT',
    path: target,
    headers: { host: target, [INTERNAL_TOKEN_HEADER]: context.token },
    createConnection: () => net.connect({ path: context.socketPath, allowHalfOpen: true }),
  });
  const abandon = () => upstream.destroy();
  clientSocket.once('close', abandon);

  upstream.on('error', (error) => {
    if (clientSocket.destroyed) return;
    const message = gatewayErrorMessage(error);
    context.logger.warn(message, { method: 'CONNECT', code: errorCode(error) });
    log(502);
    replyAndClose(clientSocket, 502, 'Bad Gateway', 'application/json', JSON.stringify({ error: message }));
  });

  upstream.on('connect', (gatewayRes: IncomingMessage, gatewaySocket: Duplex, gatewayHead: Buffer) => {
    clientSocket.off('close', abandon);
    if (clientSocket.destroyed) {
      gatewaySocket.destroy();
      return;
    }
    const status = gatewayRes.statusCode ?? 502;
    if (status >= 200 && status < 300) {
      log(200);
      splice(clientSocket, head, gatewaySocket, gatewayHead);
    } else {
      log(status);
      relayRefusal(clientSocket, gatewayRes, gatewaySocket, gatewayHead);
    }
  });

  upstream.end();
}

function splice(clientSocket: Duplex, clientHead: Buffer, gatewaySocket: Duplex, gatewayHead: Buffer): void {
  const destroyBoth = () => {
    clientSocket.destroy();
    gatewaySocket.destroy();
  };
  clientSocket.on('error', destroyBoth);
  gatewaySocket.on('error', destroyBoth);
  clientSocket.once('close', () => closeAfterFlush(gatewaySocket));
  gatewaySocket.once('close', () => closeAfterFlush(clientSocket));

  clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (gatewayHead.length > 0) clientSocket.write(gatewayHead);
  if (clientHead.length > 0) gatewaySocket.write(clientHead);
  gatewaySocket.pipe(clientSocket);
  clientSocket.pipe(gatewaySocket);
}

/** Once one side is gone nothing more can reach it: finish writing to the other, then drop it. */
function closeAfterFlush(socket: Duplex): void {
  if (socket.destroyed) return;
  if (socket.writableFinished) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end();
}

function relayRefusal(
  clientSocket: Duplex,
  gatewayRes: IncomingMessage,
  gatewaySocket: Duplex,
  gatewayHead: Buffer,
): void {
  const status = gatewayRes.statusCode ?? 502;
  const reason = gatewayRes.statusMessage || http.STATUS_CODES[status] || 'Error';
  const declared = Number.parseInt(gatewayRes.headers['content-length'] ?? '', 10);
  const expected = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, REFUSAL_BODY_LIMIT) : null;
  // A chunked body would need decoding; the status alone says enough.
  const readBody = expected !== null || gatewayRes.headers['transfer-encoding'] === undefined;
  const chunks: Buffer[] = [gatewayHead];
  let size = gatewayHead.length;
  let finished = false;

  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    gatewaySocket.destroy();
    const body = readBody
      ? Buffer.concat(chunks).subarray(0, expected ?? REFUSAL_BODY_LIMIT)
      : Buffer.from(JSON.stringify({ error: `gateway refused the tunnel (${status})` }));
    const contentType = readBody ? (gatewayRes.headers['content-type'] ?? 'text/plain') : 'application/json';
    replyAndClose(clientSocket, status, reason, contentType, body);
  };
  const timer = setTimeout(finish, REFUSAL_READ_TIMEOUT_MS);

  gatewaySocket.on('error', finish);
  gatewaySocket.on('end', finish);
  gatewaySocket.on('close', finish);
  gatewaySocket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= (expected ?? REFUSAL_BODY_LIMIT)) finish();
  });
  if (!readBody || size >= (expected ?? REFUSAL_BODY_LIMIT)) finish();
}

/** Writes one complete HTTP response on a raw socket, then closes it once the client has hung up. */
function replyAndClose(
  socket: Duplex,
  status: number,
  reason: string,
  contentType: string,
  body: Buffer | string,
): void {
  if (socket.destroyed) return;
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const head =
    `HTTP/1.1 ${status} ${reason}\r\n` +
    `Content-Type: ${contentType}\r\n` +
    `Content-Length: ${bytes.length}\r\n` +
    'Connection: close\r\n\r\n';
  // Keep reading (and discarding) so that the client sees the reply rather than a reset.
  socket.resume();
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), bytes]));
  const linger = setTimeout(() => socket.destroy(), LINGER_AFTER_REPLY_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}

const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?):(\d{1,5})$/;

function isAuthority(target: string): boolean {
  const port = AUTHORITY.exec(target)?.[1];
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65_535;
}
