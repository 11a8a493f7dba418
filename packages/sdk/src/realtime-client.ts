import {
  CrewshipError,
  channelSchema,
  type WsClientMessage,
  wsServerMessageSchema,
} from '@crewship/contracts';

/** An event of a subscribed channel, delivered once and in seq order across reconnects. */
export interface RealtimeEvent {
  channel: string;
  seq: number;
  type: string;
  data: unknown;
  at: string;
}

export type RealtimeStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

type SocketHandler = ((event: never) => void) | null;

/** The subset of the WebSocket API the client uses: the browser's global or the `ws` package. */
export interface RealtimeSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: SocketHandler;
  onmessage: SocketHandler;
  onclose: SocketHandler;
  onerror: SocketHandler;
}

export type RealtimeSocketConstructor = new (url: string, protocols?: string | string[]) => RealtimeSocket;

export interface RealtimeClientOptions {
  /** WebSocket URL of the server, e.g. ws://127.0.0.1:8080/ws */
  url: string;
  /** A fresh short-lived WebSocket token (POST /api/v1/ws-token); called before every connection. */
  getToken: () => Promise<string>;
  /** Node 20 has no global WebSocket: pass `WebSocket` from the `ws` package there. */
  WebSocket?: RealtimeSocketConstructor;
  onEvent: (event: RealtimeEvent) => void;
  /** Events between the last seen seq and `firstSeq` are gone from the server's buffer: reload the state. */
  onGap?: (gap: { channel: string; firstSeq: number }) => void;
  onStatus?: (status: RealtimeStatus) => void;
  /** The server confirmed a subscription (again after each reconnect); live events follow `lastSeq`. */
  onSubscribed?: (subscription: { channel: string; lastSeq: number }) => void;
  /** Errors the server reports (e.g. a channel the user may not read). */
  onError?: (error: { message: string; channel?: string | undefined }) => void;
  /** First reconnect delay; it doubles per failed attempt up to `maxReconnectDelayMs`, with jitter. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** A connection silent for this long (no event, no pong) is dropped and reopened. */
  heartbeatMs?: number;
}

export interface RealtimeClient {
  /** Starts live, or after `afterSeq` (replayed from the server's buffer) when the caller knows where it is. */
  subscribe(channel: string, afterSeq?: number): void;
  unsubscribe(channel: string): void;
  /** Closes the connection for good; no more callbacks follow except `onStatus('closed')`. */
  close(): void;
  status(): RealtimeStatus;
}

const OPEN = 1;

function withToken(url: string, token: string): string {
  const target = new URL(url);
  target.searchParams.set('token', token);
  return target.toString();
}

/** Connects to `/ws`, keeps the wanted subscriptions across reconnects and drops replayed duplicates. */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const Socket =
    options.WebSocket ?? (globalThis as { WebSocket?: RealtimeSocketConstructor }).WebSocket ?? undefined;
  if (!Socket) {
    throw new CrewshipError(
      'invalid_input',
      'no WebSocket implementation: pass the `ws` package as `WebSocket`',
    );
  }
  const baseDelay = options.reconnectDelayMs ?? 500;
  const maxDelay = options.maxReconnectDelayMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const wanted = new Set<string>();
  /** Last seq delivered per channel; absent until the server confirmed the first subscription. */
  const lastSeen = new Map<string, number>();
  let socket: RealtimeSocket | undefined;
  let status: RealtimeStatus = 'connecting';
  let closed = false;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let heard = false;

  const setStatus = (next: RealtimeStatus) => {
    if (status === next) return;
    status = next;
    options.onStatus?.(next);
  };

  const send = (message: WsClientMessage) => {
    if (socket?.readyState === OPEN) socket.send(JSON.stringify(message));
  };

  const subscribeMessage = (channel: string): WsClientMessage => {
    const after = lastSeen.get(channel);
    return after === undefined
      ? { op: 'subscribe', channel }
      : { op: 'subscribe', channel, after_seq: after };
  };

  const onMessage = (raw: unknown) => {
    heard = true;
    if (typeof raw !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const result = wsServerMessageSchema.safeParse(parsed);
    if (!result.success) return;
    const message = result.data;
    switch (message.op) {
      case 'subscribed':
        if (!wanted.has(message.channel)) return;
        if (!lastSeen.has(message.channel)) lastSeen.set(message.channel, message.last_seq);
        options.onSubscribed?.({ channel: message.channel, lastSeq: message.last_seq });
        return;
      case 'gap':
        if (!wanted.has(message.channel)) return;
        lastSeen.set(message.channel, message.first_seq - 1);
        options.onGap?.({ channel: message.channel, firstSeq: message.first_seq });
        return;
      case 'event': {
        if (!wanted.has(message.channel)) return;
        const seen = lastSeen.get(message.channel);
        if (seen !== undefined && message.seq <= seen) return;
        lastSeen.set(message.channel, message.seq);
        options.onEvent({
          channel: message.channel,
          seq: message.seq,
          type: message.type,
          data: message.data,
          at: message.at,
        });
        return;
      }
      case 'error':
        options.onError?.({ message: message.message, channel: message.channel });
        return;
      default:
        return;
    }
  };

  const stopHeartbeat = () => {
    if (heartbeatTimer !== undefined) clearInterval(heartbeatTimer);
    heartbeatTimer = undefined;
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer !== undefined) return;
    setStatus('reconnecting');
    const delay = Math.min(maxDelay, baseDelay * 2 ** Math.min(attempt, 30));
    attempt += 1;
    reconnectTimer = setTimeout(
      () => {
        reconnectTimer = undefined;
        void connect();
      },
      delay / 2 + (Math.random() * delay) / 2,
    );
  };

  const connect = async () => {
    if (closed) return;
    let token: string;
    try {
      token = await options.getToken();
    } catch {
      scheduleReconnect();
      return;
    }
    if (closed) return;
    let current: RealtimeSocket;
    try {
      current = new Socket(withToken(options.url, token));
    } catch {
      scheduleReconnect();
      return;
    }
    socket = current;
    // A handshake that never completes would otherwise stall the client forever.
    const handshakeTimer = setTimeout(() => current.close(), heartbeatMs);
    current.onopen = () => {
      clearTimeout(handshakeTimer);
      if (socket !== current) return;
      attempt = 0;
      setStatus('open');
      for (const channel of wanted) send(subscribeMessage(channel));
      heard = true;
      heartbeatTimer = setInterval(() => {
        if (!heard) {
          current.close(4000, 'heartbeat timeout');
          return;
        }
        heard = false;
        send({ op: 'ping' });
      }, heartbeatMs);
    };
    current.onmessage = (event: { data: unknown }) => {
      if (socket === current) onMessage(event.data);
    };
    current.onerror = () => {};
    current.onclose = () => {
      clearTimeout(handshakeTimer);
      if (socket !== current) return;
      socket = undefined;
      stopHeartbeat();
      if (closed) setStatus('closed');
      else scheduleReconnect();
    };
  };

  options.onStatus?.('connecting');
  void connect();

  return {
    subscribe(channel, afterSeq) {
      const checked = channelSchema.safeParse(channel);
      if (!checked.success) {
        throw new CrewshipError(
          'invalid_input',
          `invalid channel "${channel}": must be workspace:<id>, chat:<id> or user:<id>`,
        );
      }
      if (afterSeq !== undefined && (!Number.isSafeInteger(afterSeq) || afterSeq < 0)) {
        throw new CrewshipError('invalid_input', 'afterSeq must be a non-negative integer');
      }
      if (closed || wanted.has(channel)) return;
      wanted.add(channel);
      if (afterSeq !== undefined) lastSeen.set(channel, afterSeq);
      send(subscribeMessage(channel));
    },
    unsubscribe(channel) {
      if (!wanted.delete(channel)) return;
      lastSeen.delete(channel);
      send({ op: 'unsubscribe', channel });
    },
    close() {
      if (closed) return;
      closed = true;
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      stopHeartbeat();
      const current = socket;
      socket = undefined;
      current?.close(1000, 'client closed');
      setStatus('closed');
    },
    status: () => status,
  };
}
