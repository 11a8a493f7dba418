import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  GATEWAY_PROVIDER_PREFIX,
  INTERNAL_TOKEN_HEADER,
  LLM_PROVIDERS,
  type LlmProvider,
} from '@crewship/contracts';
import { EgressPolicy, parseAbsoluteUrl, parseAuthority } from './egress-policy.js';
import { handleAbsoluteRequest, handleConnect } from './egress-proxy.js';
import { appendJournal, type CrewState, type GatewayContext, sendJson } from './gateway-context.js';
import { handleKeeperRequest, type KeeperAction } from './keeper-route.js';
import { handleProviderRequest } from './provider-proxy.js';
import { listenOnSocketFile, removeSocketFile } from './socket-file.js';

/** At most one `gateway.unauthorized` journal entry per crew in this window; the rest are counted. */
const UNAUTHORIZED_JOURNAL_WINDOW_MS = 60_000;

const KEEPER_ROUTES = new Map<string, KeeperAction>([
  ['/keeper/request', 'request'],
  ['/keeper/execute', 'execute'],
]);

const digest = (value: string) => createHash('sha256').update(value).digest();
const ignore = () => undefined;

export interface CrewServerOptions {
  crewId: string;
  workspaceId: string;
  networkMode: string;
  allowedDomains: readonly string[];
  socketPath: string;
  uid: number;
  gid: number;
  token: string;
}

/** One crew's socket: authenticates with the internal token, then routes provider calls and egress. */
export class CrewServer {
  readonly token: string;
  readonly socketPath: string;
  readonly crewId: string;
  readonly #owner: { uid: number; gid: number };
  readonly #context: GatewayContext;
  readonly #crew: CrewState;
  readonly #tokenDigest: Buffer;
  readonly #server: Server;
  readonly #tunnels = new Set<Socket>();
  #lastUnauthorizedJournal = Number.NEGATIVE_INFINITY;
  #suppressedUnauthorized = 0;
  #closing: Promise<void> | null = null;

  constructor(context: GatewayContext, options: CrewServerOptions) {
    this.#context = context;
    this.token = options.token;
    this.socketPath = options.socketPath;
    this.crewId = options.crewId;
    this.#owner = { uid: options.uid, gid: options.gid };
    this.#tokenDigest = digest(options.token);
    this.#crew = {
      crewId: options.crewId,
      workspaceId: options.workspaceId,
      policy: new EgressPolicy(options.networkMode, options.allowedDomains),
      logger: context.logger.child({ crewId: options.crewId }),
    };
    this.#server = createServer();
    this.#server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.#onRequest(request, response).catch((error: unknown) => {
        this.#crew.logger.error('gateway request failed', { error: String(error) });
        if (!response.headersSent) sendJson(response, 500, { error: 'internal gateway error' });
        else response.destroy();
      });
    });
    this.#server.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.#onConnect(request, socket, head);
    });
    this.#server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    });
    this.#server.on('error', (error: Error) => {
      this.#crew.logger.error('gateway socket error', { error: error.message });
    });
  }

  async listen(): Promise<void> {
    await listenOnSocketFile(this.#server, this.socketPath, this.#owner.uid, this.#owner.gid);
  }

  update(networkMode: string, allowedDomains: readonly string[]): void {
    this.#crew.policy = new EgressPolicy(networkMode, allowedDomains);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      for (const socket of this.#tunnels) socket.destroy();
      this.#tunnels.clear();
      await closed;
      await removeSocketFile(this.socketPath);
    })();
    return this.#closing;
  }

  #authorized(value: string | string[] | undefined): boolean {
    if (typeof value !== 'string' || value.length === 0 || value.length > 4096) return false;
    return timingSafeEqual(digest(value), this.#tokenDigest);
  }

  #noteUnauthorized(method: string, target: string, hasToken: boolean): void {
    const now = Date.now();
    if (now - this.#lastUnauthorizedJournal < UNAUTHORIZED_JOURNAL_WINDOW_MS) {
      this.#suppressedUnauthorized++;
      return;
    }
    const suppressed = this.#suppressedUnauthorized;
    this.#suppressedUnauthorized = 0;
    this.#lastUnauthorizedJournal = now;
    appendJournal(this.#context, {
      workspaceId: this.#crew.workspaceId,
      crewId: this.#crew.crewId,
      entryType: 'gateway.unauthorized',
      severity: 'warn',
      actor: 'system',
      summary: `gateway rejected ${method} ${target}: ${hasToken ? 'wrong' : 'missing'} internal token`,
      payload: { method, target, reason: hasToken ? 'invalid_token' : 'missing_token', suppressed },
    });
  }

  async #onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    request.on('error', ignore);
    response.on('error', ignore);
    const url = request.url ?? '/';
    const method = request.method ?? 'GET';
    const token = request.headers[INTERNAL_TOKEN_HEADER];
    if (!this.#authorized(token)) {
      this.#noteUnauthorized(method, url.split('?', 1)[0]!, token !== undefined);
      sendJson(response, 401, { error: 'missing or invalid internal token' });
      return;
    }
    if (url.startsWith(GATEWAY_PROVIDER_PREFIX)) {
      const rest = url.slice(GATEWAY_PROVIDER_PREFIX.length);
      const slash = rest.search(/[/?]/);
      const name = slash === -1 ? rest : rest.slice(0, slash);
      if (!(LLM_PROVIDERS as readonly string[]).includes(name)) {
        sendJson(response, 404, { error: `unknown provider ${name}` });
        return;
      }
      let pathAndQuery = slash === -1 ? '/' : rest.slice(slash);
      if (pathAndQuery.startsWith('?')) pathAndQuery = `/${pathAndQuery}`;
      await handleProviderRequest(
        this.#context,
        this.#crew,
        name as LlmProvider,
        pathAndQuery,
        request,
        response,
      );
      return;
    }
    const keeperAction = KEEPER_ROUTES.get(url.split('?', 1)[0]!);
    if (keeperAction) {
      await handleKeeperRequest(this.#context, this.#crew, keeperAction, request, response);
      return;
    }
    const absolute = parseAbsoluteUrl(url);
    if (absolute) {
      handleAbsoluteRequest(this.#context, this.#crew, absolute, request, response);
      return;
    }
    if (/^https?:\/\//i.test(url)) {
      sendJson(response, 400, { error: 'malformed request target' });
      return;
    }
    if (url === '/healthz' && method === 'GET') {
      sendJson(response, 200, { ok: true, crewId: this.#crew.crewId });
      return;
    }
    sendJson(response, 404, { error: 'not found' });
  }

  #onConnect(request: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', ignore);
    const authority = request.url ?? '';
    const token = request.headers[INTERNAL_TOKEN_HEADER];
    if (!this.#authorized(token)) {
      this.#noteUnauthorized('CONNECT', authority, token !== undefined);
      const body = JSON.stringify({ error: 'missing or invalid internal token' });
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const target = parseAuthority(authority);
    if (!target) {
      const body = JSON.stringify({ error: 'CONNECT target must be host:port' });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    try {
      handleConnect(this.#context, this.#crew, target, socket, head, this.#tunnels);
    } catch (error) {
      this.#crew.logger.error('CONNECT failed', { error: String(error) });
      socket.destroy();
    }
  }
}
