import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, isIP, type Socket } from 'node:net';
import { pipeline, Transform } from 'node:stream';
import { MAX_PROXY_BODY_BYTES } from '@crewship/contracts';
import { isInternalAddress } from './egress-policy.js';
import { appendJournal, type CrewState, type GatewayContext, sendJson } from './gateway-context.js';
import { clientResponseHeaders, egressRequestHeaders } from './provider-wire.js';

const CONNECT_TIMEOUT_MS = 30_000;
const INTERNAL_CODE = 'CREWSHIP_EGRESS_INTERNAL';

class InternalAddressError extends Error {
  readonly code = INTERNAL_CODE;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** DNS lookup that refuses names resolving to the gateway host's own or link-local addresses. */
function guardedLookup(
  hostname: string,
  options: { all?: boolean; family?: number },
  callback: LookupCallback,
) {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const internal = addresses.find((entry) => isInternalAddress(entry.address));
    if (internal || addresses.length === 0) {
      return callback(new InternalAddressError(`${hostname} resolves to an internal address`), []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    return callback(null, first.address, first.family);
  });
}

interface DialTarget {
  host: string;
  port: number;
  /** True when dialing goes through a configured override, which is trusted as is. */
  overridden: boolean;
}

function dialTarget(context: GatewayContext, host: string, port: number): DialTarget {
  const override = context.resolveHosts.get(host);
  if (override) return { host: override.host, port: override.port ?? port, overridden: true };
  return { host, port, overridden: false };
}

function denyEgress(
  context: GatewayContext,
  crew: CrewState,
  details: { host: string; port: number; method: string; reason: string },
): string {
  appendJournal(context, {
    workspaceId: crew.workspaceId,
    crewId: crew.crewId,
    entryType: 'egress.denied',
    severity: 'warn',
    actor: 'system',
    summary: `egress to ${details.host}:${details.port} denied (${details.reason})`,
    payload: { ...details, mode: crew.policy.mode },
  });
  return JSON.stringify({ error: `egress to ${details.host} is not allowed for this crew` });
}

/** Checks policy and internal addresses; returns the denial reason or null. */
function egressDenial(crew: CrewState, host: string, target: DialTarget): string | null {
  if (!crew.policy.allows(host)) return 'not in allowlist';
  if (!target.overridden && isIP(target.host) !== 0 && isInternalAddress(target.host))
    return 'internal address';
  return null;
}

function writeRaw(socket: Socket, status: number, reason: string, body: string): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Handles `CONNECT host:port`: checks the crew's policy, dials, and splices the two sockets. */
export function handleConnect(
  context: GatewayContext,
  crew: CrewState,
  target: { host: string; port: number },
  client: Socket,
  head: Buffer,
  tunnels: Set<Socket>,
): void {
  const dial = dialTarget(context, target.host, target.port);
  const denial = egressDenial(crew, target.host, dial);
  if (denial) {
    writeRaw(
      client,
      403,
      'Forbidden',
      denyEgress(context, crew, { host: target.host, port: target.port, method: 'CONNECT', reason: denial }),
    );
    return;
  }
  const upstream = connect({
    host: dial.host,
    port: dial.port,
    ...(dial.overridden ? {} : { lookup: guardedLookup as never }),
  });
  tunnels.add(upstream);
  tunnels.add(client);
  let established = false;
  upstream.setTimeout(CONNECT_TIMEOUT_MS, () => {
    if (!established) upstream.destroy(new Error('connect timed out'));
  });
  upstream.once('connect', () => {
    established = true;
    upstream.setTimeout(0);
    if (client.destroyed) {
      upstream.destroy();
      return;
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (established) {
      client.destroy();
      return;
    }
    if (error.code === INTERNAL_CODE) {
      writeRaw(
        client,
        403,
        'Forbidden',
        denyEgress(context, crew, {
          host: target.host,
          port: target.port,
          method: 'CONNECT',
          reason: 'internal address',
        }),
      );
      return;
    }
    crew.logger.debug('egress dial failed', { host: target.host, port: target.port, error: error.message });
    writeRaw(
      client,
      502,
      'Bad Gateway',
      JSON.stringify({
        error: `could not reach ${target.host}:${target.port} (${error.code ?? error.message})`,
      }),
    );
  });
  client.on('error', () => upstream.destroy());
  // A clean close on one side ends the other (its pending bytes still flush); an error tears both down.
  upstream.once('close', (hadError: boolean) => {
    tunnels.delete(upstream);
    if (!established) return;
    if (hadError) client.destroy();
    else client.end();
  });
  client.once('close', (hadError: boolean) => {
    tunnels.delete(client);
    if (hadError || !established) upstream.destroy();
    else upstream.end();
  });
}

/** Handles an absolute-form request (`GET http://host/path`): policy check, then a plain forward. */
export function handleAbsoluteRequest(
  context: GatewayContext,
  crew: CrewState,
  target: { url: URL; host: string; port: number },
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const method = request.method ?? 'GET';
  const dial = dialTarget(context, target.host, target.port);
  const denial = egressDenial(crew, target.host, dial);
  if (denial) {
    const body = denyEgress(context, crew, { host: target.host, port: target.port, method, reason: denial });
    sendJson(response, 403, body);
    return;
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_PROXY_BODY_BYTES) {
    response.setHeader('connection', 'close');
    sendJson(response, 413, { error: `request body exceeds ${MAX_PROXY_BODY_BYTES} bytes` });
    return;
  }
  const headers = egressRequestHeaders(request.headers);
  headers.host = target.url.host;
  const secure = target.url.protocol === 'https:';
  const outgoing = (secure ? httpsRequest : httpRequest)({
    host: dial.host,
    port: dial.port,
    method,
    path: `${target.url.pathname}${target.url.search}`,
    headers,
    agent: false,
    ...(secure ? { servername: isIP(target.host) === 0 ? target.host : undefined } : {}),
    ...(dial.overridden ? {} : { lookup: guardedLookup as never }),
  });
  let tooLarge = false;
  let received = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > MAX_PROXY_BODY_BYTES) {
        tooLarge = true;
        callback(new Error('request body too large'));
        return;
      }
      callback(null, chunk);
    },
  });
  pipeline(request, limiter, outgoing, (error) => {
    if (!error) return;
    outgoing.destroy();
    if (tooLarge) {
      response.setHeader('connection', 'close');
      sendJson(response, 413, { error: `request body exceeds ${MAX_PROXY_BODY_BYTES} bytes` });
    }
  });
  outgoing.on('error', (error: NodeJS.ErrnoException) => {
    if (tooLarge || response.headersSent) {
      response.destroy();
      return;
    }
    if (error.code === INTERNAL_CODE) {
      sendJson(
        response,
        403,
        denyEgress(context, crew, {
          host: target.host,
          port: target.port,
          method,
          reason: 'internal address',
        }),
      );
      return;
    }
    sendJson(response, 502, {
      error: `could not reach ${target.host}:${target.port} (${error.code ?? error.message})`,
    });
  });
  outgoing.once('response', (upstream: IncomingMessage) => {
    upstream.on('error', () => undefined);
    response.writeHead(upstream.statusCode ?? 502, clientResponseHeaders(upstream.headers));
    pipeline(upstream, response, () => undefined);
  });
  response.once('close', () => {
    if (!response.writableFinished) outgoing.destroy();
  });
}
