import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  CrewshipError,
  isCrewshipError,
  type Logger,
  type WsClientMessage,
  type WsServerMessage,
  wsClientMessageSchema,
} from '@crewship/contracts';
import type { HubEvent, HubSubscription, RealtimeHub, WsTokens } from '@crewship/realtime';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { toProblem } from './problem.js';

export interface WebSocketServerOptions {
  hub: RealtimeHub;
  tokens: WsTokens;
  /** Whether the user may read the channel (`workspace:<id>` or `chat:<id>`); called once per subscribe. */
  authorizeChannel: (userId: string, channel: string) => Promise<boolean>;
  logger: Logger;
  path?: string;
  /** Upgrades beyond this many open connections get 503. */
  maxClients?: number;
  /** A client whose unsent data exceeds this is disconnected (it reconnects and catches up by replay). */
  maxBufferedBytes?: number;
  maxSubscriptionsPerClient?: number;
  /** Interval of ws-level pings; a client that has not answered the previous one is terminated. */
  heartbeatIntervalMs?: number;
}

export interface AttachedWebSocketServer {
  /** Closes every connection (1001) and detaches from the HTTP server; call it before `server.close()`. */
  close(): Promise<void>;
  clientCount(): number;
}

export const WS_MAX_MESSAGE_BYTES = 64 * 1024;
const PROTOCOL = 'crewship';
const TOKEN_PROTOCOL_PREFIX = `${PROTOCOL}.`;

interface Client {
  ws: WebSocket;
  userId: string;
  alive: boolean;
  /** One entry per channel; without a subscription while the subscribe is being authorized. */
  channels: Map<string, { subscription?: HubSubscription }>;
}

function rejectUpgrade(socket: Duplex, error: CrewshipError): void {
  if (socket.destroyed) return;
  const problem = toProblem(error);
  const body = JSON.stringify(problem);
  const headers = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  if (error.kind === 'unauthenticated') headers.push('WWW-Authenticate: Bearer realm="crewship"');
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), 1000).unref();
}

function tokenFromProtocols(header: string | undefined): string | undefined {
  for (const value of header?.split(',') ?? []) {
    const protocol = value.trim();
    if (protocol.startsWith(TOKEN_PROTOCOL_PREFIX)) return protocol.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`,
    )
    .join('; ');
}

/**
 * Serves the `/ws` protocol of `@crewship/contracts` on an existing HTTP server: token auth on upgrade,
 * per-channel authorization, `subscribed` then replay then live events, heartbeats and back-pressure.
 */
export function attachWebSocketServer(
  httpServer: Server,
  options: WebSocketServerOptions,
): AttachedWebSocketServer {
  const { hub, tokens, authorizeChannel } = options;
  const logger = options.logger.child({ component: 'websocket' });
  const path = options.path ?? '/ws';
  const maxClients = options.maxClients ?? 10_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const maxSubscriptions = options.maxSubscriptionsPerClient ?? 256;
  const clients = new Set<Client>();
  // Serialized and UTF-8 encoded once per event, shared by every client that receives it.
  const encoded = new WeakMap<HubEvent, Buffer | null>();
  let closing: Promise<void> | undefined;

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: WS_MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => {
      if (protocols.has(PROTOCOL)) return PROTOCOL;
      for (const protocol of protocols) if (protocol.startsWith(TOKEN_PROTOCOL_PREFIX)) return protocol;
      return false;
    },
  });

  const encodeEvent = (event: HubEvent): Buffer | null => {
    let frame = encoded.get(event);
    if (frame !== undefined) return frame;
    const message: WsServerMessage = {
      op: 'event',
      channel: event.channel,
      seq: event.seq,
      type: event.type,
      data: event.data,
      at: event.at,
    };
    try {
      frame = Buffer.from(JSON.stringify(message));
    } catch (error) {
      logger.error('event cannot be serialized', { channel: event.channel, seq: event.seq, error });
      frame = null;
    }
    encoded.set(event, frame);
    return frame;
  };

  const sendText = (client: Client, text: string | Buffer, checkBackPressure: boolean) => {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (checkBackPressure && client.ws.bufferedAmount > maxBufferedBytes) {
      logger.warn('disconnecting a slow client', {
        userId: client.userId,
        bufferedBytes: client.ws.bufferedAmount,
      });
      client.ws.terminate();
      return;
    }
    client.ws.send(text, { binary: false });
  };
  const send = (client: Client, message: WsServerMessage) => sendText(client, JSON.stringify(message), false);
  const sendEvent = (client: Client, event: HubEvent, live: boolean) => {
    const frame = encodeEvent(event);
    if (frame !== null) sendText(client, frame, live);
  };

  const subscribe = async (client: Client, channel: string, afterSeq: number | undefined) => {
    if (client.channels.has(channel)) {
      send(client, { op: 'error', message: `already subscribed to ${channel}`, channel });
      return;
    }
    if (client.channels.size >= maxSubscriptions) {
      send(client, {
        op: 'error',
        message: `at most ${maxSubscriptions} subscriptions per connection`,
        channel,
      });
      return;
    }
    const entry: { subscription?: HubSubscription } = {};
    client.channels.set(channel, entry);
    let allowed = false;
    try {
      allowed = (await authorizeChannel(client.userId, channel)) === true;
    } catch (error) {
      logger.error('channel authorization failed', { userId: client.userId, channel, error });
      if (client.channels.get(channel) === entry) client.channels.delete(channel);
      send(client, { op: 'error', message: `could not authorize ${channel}; try again`, channel });
      return;
    }
    // The client may have unsubscribed (and maybe subscribed again) or gone away while we waited.
    if (client.channels.get(channel) !== entry || client.ws.readyState !== WebSocket.OPEN) return;
    if (!allowed) {
      client.channels.delete(channel);
      send(client, { op: 'error', message: `not allowed to subscribe to ${channel}`, channel });
      return;
    }
    const replay: HubEvent[] = [];
    let live = false;
    let subscription: HubSubscription;
    try {
      subscription = hub.subscribe(channel, afterSeq, (event) => {
        if (live) sendEvent(client, event, true);
        else replay.push(event);
      });
    } catch (error) {
      client.channels.delete(channel);
      if (!isCrewshipError(error)) throw error;
      send(client, { op: 'error', message: error.message, channel });
      return;
    }
    entry.subscription = subscription;
    send(client, { op: 'subscribed', channel, last_seq: subscription.lastSeq });
    if (subscription.gapFirstSeq !== undefined) {
      send(client, { op: 'gap', channel, first_seq: subscription.gapFirstSeq });
    }
    for (const event of replay) sendEvent(client, event, false);
    live = true;
  };

  const unsubscribe = (client: Client, channel: string) => {
    client.channels.get(channel)?.subscription?.unsubscribe();
    client.channels.delete(channel);
    send(client, { op: 'unsubscribed', channel });
  };

  const handle = (client: Client, message: WsClientMessage) => {
    switch (message.op) {
      case 'ping':
        send(client, { op: 'pong' });
        return;
      case 'unsubscribe':
        unsubscribe(client, message.channel);
        return;
      case 'subscribe':
        subscribe(client, message.channel, message.after_seq).catch((error: unknown) => {
          logger.error('subscribe failed', { userId: client.userId, channel: message.channel, error });
        });
        return;
    }
  };

  const onMessage = (client: Client, data: RawData, isBinary: boolean) => {
    client.alive = true;
    if (isBinary) {
      send(client, { op: 'error', message: 'binary frames are not supported; send JSON text' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      send(client, { op: 'error', message: 'message is not valid JSON' });
      return;
    }
    const result = wsClientMessageSchema.safeParse(parsed);
    if (!result.success) {
      send(client, { op: 'error', message: `invalid message: ${describeIssues(result.error.issues)}` });
      return;
    }
    handle(client, result.data);
  };

  const accept = (ws: WebSocket, userId: string) => {
    const client: Client = { ws, userId, alive: true, channels: new Map() };
    clients.add(client);
    logger.debug('client connected', { userId, clients: clients.size });
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(client, data, isBinary);
      } catch (error) {
        logger.error('message handling failed', { userId, error });
      }
    });
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('error', (error) => logger.debug('client connection error', { userId, error }));
    ws.once('close', (code) => {
      clients.delete(client);
      for (const entry of client.channels.values()) entry.subscription?.unsubscribe();
      client.channels.clear();
      logger.debug('client disconnected', { userId, code, clients: clients.size });
    });
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => logger.debug('upgrade socket error', { error }));
    try {
      let url: URL;
      try {
        url = new URL(request.url ?? '/', 'http://localhost');
      } catch {
        rejectUpgrade(socket, new CrewshipError('invalid_input', 'invalid request target'));
        return;
      }
      if (url.pathname !== path) {
        if (httpServer.listenerCount('upgrade') === 1) {
          rejectUpgrade(socket, new CrewshipError('not_found', `no WebSocket endpoint at ${url.pathname}`));
        }
        return;
      }
      if (request.headers.upgrade?.toLowerCase() !== 'websocket') {
        rejectUpgrade(socket, new CrewshipError('invalid_input', 'only WebSocket upgrades are served here'));
        return;
      }
      if (closing) {
        rejectUpgrade(socket, new CrewshipError('unavailable', 'the server is shutting down'));
        return;
      }
      if (clients.size >= maxClients) {
        logger.warn('WebSocket client limit reached', { maxClients });
        rejectUpgrade(
          socket,
          new CrewshipError('unavailable', 'too many WebSocket clients; try again later'),
        );
        return;
      }
      const token =
        url.searchParams.get('token') ?? tokenFromProtocols(request.headers['sec-websocket-protocol']);
      const verified = token ? tokens.verify(token) : null;
      if (!verified) {
        rejectUpgrade(
          socket,
          new CrewshipError(
            'unauthenticated',
            token
              ? 'the WebSocket token is invalid or expired; get a new one'
              : 'a WebSocket token is required',
          ),
        );
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => accept(ws, verified.userId));
    } catch (error) {
      logger.error('WebSocket upgrade failed', { error });
      socket.destroy();
    }
  };
  httpServer.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        logger.debug('terminating an unresponsive client', { userId: client.userId });
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      try {
        client.ws.ping();
      } catch {
        client.ws.terminate();
      }
    }
  }, options.heartbeatIntervalMs ?? 30_000);
  heartbeat.unref();

  return {
    clientCount: () => clients.size,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        httpServer.off('upgrade', onUpgrade);
        const closed = [...clients].map(
          (client) =>
            new Promise<void>((resolve) => {
              if (client.ws.readyState === WebSocket.CLOSED) return resolve();
              client.ws.once('close', () => resolve());
              client.ws.close(1001, 'server shutting down');
            }),
        );
        const forced = setTimeout(() => {
          for (const client of clients) client.ws.terminate();
        }, 2000);
        await Promise.all(closed);
        clearTimeout(forced);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}
