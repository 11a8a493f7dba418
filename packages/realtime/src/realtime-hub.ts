import { CHANNEL_PATTERN, CrewshipError, type Logger, type RealtimePublisher } from '@crewship/contracts';

/** One published event as every subscriber of its channel sees it. */
export interface HubEvent {
  channel: string;
  /** Position in the channel, from 1, without holes. */
  seq: number;
  type: string;
  data: unknown;
  /** ISO 8601 time of publication. */
  at: string;
}

export type HubListener = (event: HubEvent) => void;

export interface HubSubscription {
  /** The channel's last seq when the subscription started (0 for a channel without events). */
  lastSeq: number;
  /** Set when `afterSeq` could not be honoured: the oldest seq that was replayed (or will come live). */
  gapFirstSeq?: number;
  unsubscribe(): void;
}

/** In-memory fan-out with per-channel sequence numbers and a replay buffer. */
export interface RealtimeHub extends RealtimePublisher {
  publish(channel: string, type: string, data: unknown): HubEvent;
  /**
   * Listens to `channel`. With `afterSeq`, first replays (synchronously, before returning) the buffered
   * events after it; every event reaches the listener exactly once, in seq order.
   */
  subscribe(channel: string, afterSeq: number | undefined, listener: HubListener): HubSubscription;
  lastSeq(channel: string): number;
}

export interface RealtimeHubOptions {
  /** Events kept per channel for replay. */
  replayBufferSize?: number;
  /** Channels kept in memory; beyond it the least recently used channel without subscribers is dropped. */
  maxChannels?: number;
  /** A channel without subscribers and without events for this long is dropped. */
  idleChannelMs?: number;
  now?: () => number;
  logger?: Logger;
}

interface Subscriber {
  listener: HubListener;
  delivered: number;
}

interface Channel {
  name: string;
  lastSeq: number;
  /** Ring buffer: the event with seq `s` sits at `(s - 1) % capacity`. */
  buffer: HubEvent[];
  subscribers: Set<Subscriber>;
  lastActive: number;
  /** Events published while the channel was dispatching (a listener that publishes) wait here. */
  queue: HubEvent[];
  dispatching: boolean;
}

function assertChannel(channel: string): void {
  if (typeof channel !== 'string' || !CHANNEL_PATTERN.test(channel)) {
    throw new CrewshipError(
      'invalid_input',
      `invalid channel "${String(channel)}": must be workspace:<id>, chat:<id> or user:<id>`,
    );
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new CrewshipError('invalid_input', `${name} must be a positive integer`);
  }
  return value;
}

/** Creates the hub. Memory is bounded by `maxChannels * replayBufferSize` events. */
export function createRealtimeHub(options: RealtimeHubOptions = {}): RealtimeHub {
  const capacity = positiveInteger(options.replayBufferSize ?? 1000, 'replayBufferSize');
  const maxChannels = positiveInteger(options.maxChannels ?? 10_000, 'maxChannels');
  const idleChannelMs = positiveInteger(options.idleChannelMs ?? 10 * 60_000, 'idleChannelMs');
  const now = options.now ?? Date.now;
  const logger = options.logger;
  // Map iteration order is insertion order; touching a channel re-inserts it, so the first is the LRU.
  const channels = new Map<string, Channel>();
  let lastSweep = now();

  const touch = (channel: Channel, at: number) => {
    channel.lastActive = at;
    channels.delete(channel.name);
    channels.set(channel.name, channel);
  };

  const sweepIdle = (at: number) => {
    if (at - lastSweep < Math.min(idleChannelMs, 60_000)) return;
    lastSweep = at;
    for (const channel of channels.values()) {
      if (at - channel.lastActive < idleChannelMs) break;
      if (channel.subscribers.size === 0) channels.delete(channel.name);
    }
  };

  const evictForRoom = () => {
    if (channels.size < maxChannels) return;
    for (const channel of channels.values()) {
      if (channel.subscribers.size === 0) {
        channels.delete(channel.name);
        return;
      }
    }
    throw new CrewshipError('unavailable', `too many live channels (${maxChannels}); try again later`);
  };

  const channelFor = (name: string, at: number): Channel => {
    sweepIdle(at);
    let channel = channels.get(name);
    if (!channel) {
      evictForRoom();
      channel = {
        name,
        lastSeq: 0,
        buffer: [],
        subscribers: new Set(),
        lastActive: at,
        queue: [],
        dispatching: false,
      };
      channels.set(name, channel);
    } else {
      touch(channel, at);
    }
    return channel;
  };

  const deliver = (subscriber: Subscriber, event: HubEvent) => {
    if (event.seq <= subscriber.delivered) return;
    subscriber.delivered = event.seq;
    try {
      subscriber.listener(event);
    } catch (error) {
      logger?.error('realtime listener failed', { channel: event.channel, seq: event.seq, error });
    }
  };

  const dispatch = (channel: Channel) => {
    channel.dispatching = true;
    try {
      for (let event = channel.queue.shift(); event; event = channel.queue.shift()) {
        for (const subscriber of [...channel.subscribers]) {
          if (channel.subscribers.has(subscriber)) deliver(subscriber, event);
        }
      }
    } finally {
      channel.dispatching = false;
    }
  };

  return {
    publish(name, type, data) {
      assertChannel(name);
      if (typeof type !== 'string' || type.length === 0) {
        throw new CrewshipError('invalid_input', 'event type must be a non-empty string');
      }
      const at = now();
      const channel = channelFor(name, at);
      channel.lastSeq += 1;
      const event: HubEvent = Object.freeze({
        channel: name,
        seq: channel.lastSeq,
        type,
        data,
        at: new Date(at).toISOString(),
      });
      channel.buffer[(event.seq - 1) % capacity] = event;
      channel.queue.push(event);
      if (!channel.dispatching) dispatch(channel);
      return event;
    },

    subscribe(name, afterSeq, listener) {
      assertChannel(name);
      if (afterSeq !== undefined && (!Number.isSafeInteger(afterSeq) || afterSeq < 0)) {
        throw new CrewshipError('invalid_input', 'afterSeq must be a non-negative integer');
      }
      const channel = channelFor(name, now());
      const lastSeq = channel.lastSeq;
      const firstBuffered = Math.max(1, lastSeq - capacity + 1);
      const subscriber: Subscriber = { listener, delivered: lastSeq };
      const subscription: HubSubscription = {
        lastSeq,
        unsubscribe() {
          if (channel.subscribers.delete(subscriber) && channels.get(channel.name) === channel) {
            touch(channel, now());
          }
        },
      };
      channel.subscribers.add(subscriber);
      if (afterSeq !== undefined) {
        // A client ahead of the channel saw an earlier life of it (server restart or eviction): start over.
        const from = afterSeq > lastSeq || afterSeq + 1 < firstBuffered ? firstBuffered : afterSeq + 1;
        if (from !== afterSeq + 1) subscription.gapFirstSeq = from;
        subscriber.delivered = from - 1;
        // Events a listener publishes during the replay wait in the queue, behind the replayed ones.
        const nested = channel.dispatching;
        channel.dispatching = true;
        try {
          for (let seq = from; seq <= lastSeq; seq++) {
            const event = channel.buffer[(seq - 1) % capacity];
            if (event?.seq === seq && channel.subscribers.has(subscriber)) deliver(subscriber, event);
          }
        } finally {
          channel.dispatching = nested;
        }
        if (!nested && channel.queue.length > 0) dispatch(channel);
      }
      return subscription;
    },

    lastSeq(name) {
      return channels.get(name)?.lastSeq ?? 0;
    },
  };
}
