import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import {
  CrewshipError,
  INTERNAL_TOKEN_HEADER,
  type Logger,
  MAX_PROXY_BODY_BYTES,
  silentLogger,
} from '@crewship/contracts';
import { openConnectTunnel } from './connect-tunnel.js';
import { forwardableHeaders, hasHeader } from './forwardable-headers.js';
import { errorCode, gatewayErrorMessage } from './gateway-error.js';
import { writeJson } from './json-response.js';
import { forwardKeeper } from './keeper-forward.js';
import { resolveRequestTarget } from './request-target.js';
import { createTickCoalescer } from './tick-coalescer.js';

export interface SidecarProxyOptions {
  /** The gateway's Unix socket (GATEWAY_SOCKET_PATH inside a crew container). */
  socketPath: string;
  /** Sent as INTERNAL_TOKEN_HEADER on every request and CONNECT to the gateway. */
  token: string;
  logger?: Logger;
  /** Request bodies above this get 413; MAX_PROXY_BODY_BYTES when not set. */
  maxBodyBytes?: number;
  /** How long close() lets in-flight requests and tunnels run before cutting them; 5 s when not set. */
  closeGraceMs?: number;
  /** How long /health waits for the gateway socket to accept; 1 s when not set. */
  healthProbeTimeoutMs?: number;
}

export interface SidecarAddress {
  host: string;
  port: number;
}

/** The sidecar's HTTP proxy: provider routes, forward proxy and CONNECT, all to the gateway socket. */
export interface SidecarProxy {
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(host: string, port: number): Promise<SidecarAddress>;
  /** Stops accepting, waits up to closeGraceMs for in-flight traffic, then cuts what is left. */
  close(): Promise<void>;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function createSidecarProxy(options: SidecarProxyOptions): SidecarProxy {
  if (!options.socketPath) throw new CrewshipError('invalid_input', 'sidecar proxy: socketPath is empty');
  if (!/^[\x21-\x7e]+$/.test(options.token)) {
    throw new CrewshipError('invalid_input', 'sidecar proxy: token must be non-empty visible ASCII');
  }
  const { socketPath, token } = options;
  const logger = options.logger ?? silentLogger;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_PROXY_BODY_BYTES;
  const closeGraceMs = options.closeGraceMs ?? 5_000;
  const healthProbeTimeoutMs = options.healthProbeTimeoutMs ?? 1_000;
  // A fresh socket per request: a pooled one the gateway closed meanwhile would fail the agent's call.
  const agent = new http.Agent({ keepAlive: false });
  const tunnels = new Set<Duplex>();
  let selfAuthorities: ReadonlySet<string> = new Set();
  let closing: Promise<void> | null = null;

  const server = http.createServer({ requestTimeout: 0 });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => handleRequest(req, res, false));
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => handleRequest(req, res, true));
  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    openConnectTunnel({ socketPath, token, logger, tunnels }, req, socket, head),
  );

  function handleRequest(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void {
    const startedAt = performance.now();
    const target = resolveRequestTarget(req.url ?? '', selfAuthorities);
    req.on('error', () => {});
    res.on('error', () => {});
    res.once('close', () =>
      logger.debug('sidecar request', {
        method: req.method,
        path: target.logPath,
        status: res.headersSent ? res.statusCode : 0,
        ms: Math.round(performance.now() - startedAt),
      }),
    );
    switch (target.kind) {
      case 'health':
        answerHealth(req, res, expectsContinue);
        return;
      case 'provider':
      case 'forward':
        forward(req, res, target.gatewayPath, expectsContinue);
        return;
      case 'keeper':
        forwardKeeper({ socketPath, token, agent, logger }, req, res, target, expectsContinue);
        return;
      case 'invalid':
        writeJson(res, 400, { error: 'invalid request target' }, { closeConnection: expectsContinue });
        return;
      case 'not_found':
        writeJson(res, 404, { error: 'not found' }, { closeConnection: expectsContinue });
        return;
    }
  }

  function answerHealth(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      writeJson(
        res,
        405,
        { error: 'method not allowed' },
        { closeConnection: expectsContinue, headers: { allow: 'GET, HEAD' } },
      );
      return;
    }
    void probeGateway(socketPath, healthProbeTimeoutMs).then((reachable) =>
      writeJson(
        res,
        200,
        { status: 'ok', gateway: reachable ? 'reachable' : 'unreachable' },
        { closeConnection: expectsContinue },
      ),
    );
  }

  function forward(req: IncomingMessage, res: ServerResponse, gatewayPath: string, expectsContinue: boolean) {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      writeJson(res, 413, { error: 'request body too large' }, { closeConnection: expectsContinue });
      discardBody(req, 0);
      return;
    }

    const headers = forwardableHeaders(req.rawHeaders, ['expect']);
    if (req.headers['transfer-encoding'] !== undefined) headers.push('Transfer-Encoding', 'chunked');
    if (!hasHeader(headers, 'host')) headers.push('Host', 'localhost');
    headers.push(INTERNAL_TOKEN_HEADER, token);
    const upstream = http.request({ socketPath, agent, method: req.method, path: gatewayPath, headers });
    let responseComplete = false;
    let bodyRejected = false;

    upstream.on('response', (upstreamRes: IncomingMessage) => {
      if (res.headersSent || res.destroyed) {
        upstreamRes.destroy();
        return;
      }
      const status = upstreamRes.statusCode ?? 502;
      const responseHeaders = forwardableHeaders(upstreamRes.rawHeaders);
      if (upstreamRes.statusMessage) res.writeHead(status, upstreamRes.statusMessage, responseHeaders);
      else res.writeHead(status, responseHeaders);
      res.flushHeaders();
      upstreamRes.on('error', () => res.destroy());
      upstreamRes.on('end', () => {
        responseComplete = true;
      });
      upstreamRes.on('close', () => {
        if (!upstreamRes.complete) res.destroy();
      });
      upstreamRes.pipe(createTickCoalescer()).pipe(res);
    });

    upstream.on('error', (error) => {
      if (responseComplete || bodyRejected) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = gatewayErrorMessage(error);
      logger.warn(message, { method: req.method, code: errorCode(error) });
      writeJson(res, 502, { error: message });
    });

    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });

    const resume = () => req.resume();
    upstream.on('drain', resume);
    upstream.on('close', resume);
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (bodyRejected) return;
      if (received > maxBodyBytes) {
        bodyRejected = true;
        upstream.destroy();
        writeJson(res, 413, { error: 'request body too large' });
        discardBody(req, received);
        return;
      }
      if (upstream.destroyed || upstream.writableEnded) return;
      // The last chunk of a sized body ends the request in the same write: a separate end() could reach a
      // gateway that has already answered and closed, and its EPIPE would turn that answer into a 502.
      if (received === declared) upstream.end(chunk);
      else if (!upstream.write(chunk)) req.pause();
    });
    req.on('end', () => {
      if (!bodyRejected && !upstream.destroyed) upstream.end();
    });
    if (expectsContinue) res.writeContinue();
  }

  /**
   * After a 413 the rest of the body is read and dropped, so that the client gets the answer instead of a
   * reset; a client that keeps sending past twice the limit is cut off.
   */
  function discardBody(req: IncomingMessage, alreadyReceived: number): void {
    let received = alreadyReceived;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > 2 * maxBodyBytes) req.socket.destroy();
    });
    req.resume();
  }

  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => {
          server.off('listening', onListening);
          reject(
            new CrewshipError('unavailable', `sidecar cannot listen on ${host}:${port}: ${error.message}`, {
              cause: error,
            }),
          );
        };
        const onListening = () => {
          server.off('error', onError);
          server.on('error', (error) => logger.error('sidecar server error', { error }));
          const address = server.address() as AddressInfo;
          selfAuthorities = new Set(
            [host, ...LOOPBACK_NAMES].map((name) => `${name}:${address.port}`.toLowerCase()),
          );
          resolve({ host: address.address, port: address.port });
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen({ host, port });
      });
    },

    close() {
      closing ??= new Promise<void>((resolve) => {
        const cutOff = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of tunnels) socket.destroy();
        }, closeGraceMs);
        server.close(() => {
          clearTimeout(cutOff);
          agent.destroy();
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function probeGateway(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    const done = (reachable: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reachable);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
