import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import {
  checkKeeperCommand,
  keeperDenial as deny,
  INTERNAL_TOKEN_HEADER,
  KEEPER_MAX_BODY_BYTES,
  keeperExecuteBodySchema,
  type Logger,
} from '@crewship/contracts';
import { forwardableHeaders } from './forwardable-headers.js';
import { errorCode, gatewayErrorMessage } from './gateway-error.js';
import { writeJson } from './json-response.js';
import type { KeeperAction } from './request-target.js';

export interface KeeperForwardContext {
  socketPath: string;
  token: string;
  agent: http.Agent;
  logger: Logger;
}

/**
 * The JSON sent on to the gateway, or why the sidecar refuses it. An execute body must pass the schema
 * and the command syntax gate here already (the server checks again); what goes on is the checked object.
 */
function vet(action: KeeperAction, body: Buffer): { forward: Buffer } | { reason: string } {
  if (action === 'request') return { forward: body };
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { reason: 'the body is not JSON' };
  }
  const parsed = keeperExecuteBodySchema.safeParse(value);
  if (!parsed.success) {
    return {
      reason: parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
        .join('; '),
    };
  }
  const check = checkKeeperCommand(parsed.data.command);
  if (!check.ok) return { reason: check.reason };
  return { forward: Buffer.from(JSON.stringify(parsed.data)) };
}

/**
 * `POST /keeper/{request|execute}` from the agent: buffered (64 KiB at most), vetted, then sent to the
 * gateway over the crew socket with the internal token. The socket names the crew and its container;
 * nothing in the body can choose another.
 */
export function forwardKeeper(
  context: KeeperForwardContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: { action: KeeperAction; gatewayPath: string },
  expectsContinue: boolean,
): void {
  if (req.method !== 'POST') {
    writeJson(res, 405, deny('validation', 'use POST'), {
      closeConnection: expectsContinue,
      headers: { allow: 'POST' },
    });
    discard(req, 0);
    return;
  }
  const tooLarge = deny('validation', `the body exceeds ${KEEPER_MAX_BODY_BYTES} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > KEEPER_MAX_BODY_BYTES) {
    writeJson(res, 413, tooLarge, { closeConnection: true });
    discard(req, 0);
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let rejected = false;
  req.on('data', (chunk: Buffer) => {
    if (rejected) return;
    received += chunk.length;
    if (received > KEEPER_MAX_BODY_BYTES) {
      rejected = true;
      chunks.length = 0;
      writeJson(res, 413, tooLarge, { closeConnection: true });
      discard(req, received);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (rejected || res.destroyed) return;
    const vetted = vet(target.action, Buffer.concat(chunks, received));
    if ('reason' in vetted) {
      writeJson(res, 400, deny('validation', vetted.reason));
      return;
    }
    send(context, res, target.gatewayPath, vetted.forward);
  });
  if (expectsContinue) res.writeContinue();
}

function send(context: KeeperForwardContext, res: ServerResponse, path: string, body: Buffer): void {
  const upstream = http.request({
    socketPath: context.socketPath,
    agent: context.agent,
    method: 'POST',
    path,
    headers: {
      host: 'localhost',
      'content-type': 'application/json',
      'content-length': String(body.length),
      [INTERNAL_TOKEN_HEADER]: context.token,
    },
  });
  upstream.on('response', (upstreamRes: IncomingMessage) => {
    if (res.headersSent || res.destroyed) {
      upstreamRes.destroy();
      return;
    }
    res.writeHead(upstreamRes.statusCode ?? 502, forwardableHeaders(upstreamRes.rawHeaders));
    upstreamRes.on('error', () => res.destroy());
    upstreamRes.on('close', () => {
      if (!upstreamRes.complete) res.destroy();
    });
    upstreamRes.pipe(res);
  });
  upstream.on('error', (error) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = gatewayErrorMessage(error);
    context.logger.warn(message, { path, code: errorCode(error) });
    writeJson(res, 502, deny('fail_closed', message));
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.end(body);
}

/** Reads and drops the rest of a refused body so the client gets the answer; cuts a client sending far too much. */
function discard(req: IncomingMessage, alreadyReceived: number): void {
  let received = alreadyReceived;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > 2 * KEEPER_MAX_BODY_BYTES) req.socket.destroy();
  });
  req.resume();
}
