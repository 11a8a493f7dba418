import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@crewship/contracts';
import { createRealtimeHub, createWsTokens, type RealtimeHub } from '@crewship/realtime';
import {
  createRealtimeClient,
  type RealtimeClient,
  type RealtimeEvent,
  type RealtimeStatus,
} from '@crewship/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
// The real server piece, constructed directly: the client is tested against what crewshipd serves.
import { type AttachedWebSocketServer, attachWebSocketServer } from '../src/http/websocket.js';

const tokens = createWsTokens({ secret: 's'.repeat(32) });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; !condition(); round++) {
    if (round > 5000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Harness {
  url: string;
  hub: RealtimeHub;
  server: Server;
  /** `after_seq` of every subscribe the server received, per channel. */
  requests: { channel: string; afterSeq: number | undefined }[];
  /** Closes the server piece (every connection drops, upgrades fail) until `restore`. */
  drop(): Promise<void>;
  restore(hub?: RealtimeHub): void;
}

async function startHarness(replayBufferSize = 1000): Promise<Harness> {
  const server = createServer((_request, response) => response.end('plain http'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let hub = createRealtimeHub({ replayBufferSize });
  let attached: AttachedWebSocketServer | undefined;
  const requests: Harness['requests'] = [];
  const attach = () => {
    attached = attachWebSocketServer(server, {
      hub: {
        publish: (...args) => hub.publish(...args),
        lastSeq: (channel) => hub.lastSeq(channel),
        subscribe(channel, afterSeq, listener) {
          requests.push({ channel, afterSeq });
          return hub.subscribe(channel, afterSeq, listener);
        },
      },
      tokens,
      logger: silentLogger,
      authorizeChannel: async (_userId, channel) => channel !== 'chat:forbidden',
    });
  };
  attach();
  cleanups.push(async () => {
    await attached?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    get hub() {
      return hub;
    },
    server,
    requests,
    async drop() {
      await attached?.close();
      attached = undefined;
    },
    restore(replacement) {
      if (replacement) hub = replacement;
      attach();
    },
  };
}

function startClient(url: string, extra: { getToken?: () => Promise<string> } = {}) {
  const events: RealtimeEvent[] = [];
  const gaps: { channel: string; firstSeq: number }[] = [];
  const statuses: RealtimeStatus[] = [];
  const errors: { message: string; channel?: string | undefined }[] = [];
  const subscribed: string[] = [];
  let tokenCalls = 0;
  const client: RealtimeClient = createRealtimeClient({
    url,
    WebSocket,
    getToken: async () => {
      tokenCalls += 1;
      return extra.getToken ? extra.getToken() : tokens.issue('alice').token;
    },
    onEvent: (event) => events.push(event),
    onGap: (gap) => gaps.push(gap),
    onStatus: (status) => statuses.push(status),
    onError: (error) => errors.push(error),
    onSubscribed: ({ channel }) => subscribed.push(channel),
    reconnectDelayMs: 10,
    maxReconnectDelayMs: 50,
  });
  cleanups.push(() => client.close());
  return {
    client,
    events,
    gaps,
    statuses,
    errors,
    subscribed,
    tokenCalls: () => tokenCalls,
    seqs: (channel: string) => events.filter((event) => event.channel === channel).map((event) => event.seq),
  };
}

describe('createRealtimeClient', () => {
  it('delivers the events of subscribed channels in order', async () => {
    const harness = await startHarness();
    harness.hub.publish('chat:c1', 'before', null);
    const { client, events, statuses, subscribed, seqs } = startClient(harness.url);
    client.subscribe('chat:c1');
    await waitFor(() => subscribed.includes('chat:c1'), 'subscribed');
    for (let index = 0; index < 20; index++) harness.hub.publish('chat:c1', 'run.output', { index });
    harness.hub.publish('chat:c2', 'run.output', {});
    await waitFor(() => events.length === 20, '20 events');
    expect(seqs('chat:c1')).toEqual(Array.from({ length: 20 }, (_, index) => index + 2));
    expect(events[3]).toMatchObject({ channel: 'chat:c1', seq: 5, type: 'run.output', data: { index: 3 } });
    expect(statuses).toEqual(['connecting', 'open']);
  });

  it('reconnects and resumes after the last seen seq, without losing or repeating events', async () => {
    const harness = await startHarness();
    harness.hub.publish('chat:c1', 'n', 0);
    const { client, events, statuses, seqs } = startClient(harness.url);
    client.subscribe('chat:c1', 1);
    client.subscribe('workspace:w1', 0);
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 5; index++) harness.hub.publish('chat:c1', 'n', index);
      harness.hub.publish('workspace:w1', 'n', round);
      await waitFor(() => events.length === round * 12 + 6, `live events of round ${round}`);
      await harness.drop();
      await waitFor(() => statuses.at(-1) === 'reconnecting', 'reconnecting');
      // Published while the client has no connection: it must get these by replay.
      for (let index = 0; index < 5; index++) harness.hub.publish('chat:c1', 'n', index);
      harness.hub.publish('workspace:w1', 'n', round);
      harness.restore();
      await waitFor(() => events.length === round * 12 + 12, `replayed events of round ${round}`);
    }
    expect(seqs('chat:c1')).toEqual(Array.from({ length: 30 }, (_, index) => index + 2));
    expect(seqs('workspace:w1')).toEqual([1, 2, 3, 4, 5, 6]);
    const resumedAt = (channel: string) =>
      harness.requests.filter((request) => request.channel === channel).map((request) => request.afterSeq);
    expect(resumedAt('chat:c1')).toEqual([1, 6, 16, 26]);
    expect(resumedAt('workspace:w1')).toEqual([0, 1, 3, 5]);
    harness.hub.publish('chat:c1', 'n', 'live');
    await waitFor(() => events.length === 37, 'a live event after reconnecting');
    expect(events.at(-1)).toMatchObject({ seq: 32, data: 'live' });
  });

  it('reports a gap when the server no longer has what was missed', async () => {
    const harness = await startHarness(3);
    const { client, events, gaps, seqs } = startClient(harness.url);
    client.subscribe('chat:c1', 0);
    harness.hub.publish('chat:c1', 'n', null);
    await waitFor(() => events.length === 1, 'first event');
    await harness.drop();
    for (let index = 0; index < 10; index++) harness.hub.publish('chat:c1', 'n', null);
    harness.restore();
    await waitFor(() => events.length === 4, 'the buffered tail');
    expect(gaps).toEqual([{ channel: 'chat:c1', firstSeq: 9 }]);
    expect(seqs('chat:c1')).toEqual([1, 9, 10, 11]);
  });

  it('starts over when the server restarted and numbers from 1 again', async () => {
    const harness = await startHarness();
    const { client, events, gaps, seqs } = startClient(harness.url);
    client.subscribe('chat:c1', 0);
    for (let index = 0; index < 5; index++) harness.hub.publish('chat:c1', 'n', index);
    await waitFor(() => events.length === 5, 'five events');
    await harness.drop();
    const fresh = createRealtimeHub();
    fresh.publish('chat:c1', 'after-restart', 1);
    harness.restore(fresh);
    await waitFor(() => events.length === 6, 'the event of the new server');
    expect(gaps).toEqual([{ channel: 'chat:c1', firstSeq: 1 }]);
    fresh.publish('chat:c1', 'after-restart', 2);
    await waitFor(() => events.length === 7, 'live after restart');
    expect(seqs('chat:c1')).toEqual([1, 2, 3, 4, 5, 1, 2]);
  });

  it('retries with a new token after failures, and reports server errors', async () => {
    const harness = await startHarness();
    let calls = 0;
    const { client, errors, tokenCalls } = startClient(harness.url, {
      getToken: async () => {
        calls += 1;
        if (calls === 1) throw new Error('REST is down');
        if (calls === 2) return 'crewship_ws1.forged.token';
        return tokens.issue('alice').token;
      },
    });
    client.subscribe('chat:forbidden');
    await waitFor(() => errors.length === 1, 'the authorization error');
    expect(errors).toEqual([
      { message: 'not allowed to subscribe to chat:forbidden', channel: 'chat:forbidden' },
    ]);
    expect(tokenCalls()).toBe(3);
    expect(client.status()).toBe('open');
  });

  it('stops delivering after unsubscribe and for good after close', async () => {
    const harness = await startHarness();
    const { client, events, statuses, subscribed } = startClient(harness.url);
    client.subscribe('chat:c1', 0);
    harness.hub.publish('chat:c1', 'n', null);
    await waitFor(() => events.length === 1, 'one event');
    client.unsubscribe('chat:c1');
    harness.hub.publish('chat:c1', 'n', null);
    client.subscribe('chat:c2');
    await waitFor(() => subscribed.includes('chat:c2'), 'subscribed to chat:c2');
    harness.hub.publish('chat:c2', 'n', null);
    await waitFor(() => events.length === 2, 'the event of the other channel');
    expect(events.map((event) => event.channel)).toEqual(['chat:c1', 'chat:c2']);
    client.close();
    expect(client.status()).toBe('closed');
    await harness.drop();
    harness.restore();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(statuses.at(-1)).toBe('closed');
    expect(() => client.subscribe('team:1')).toThrow(/invalid channel/);
  });

  it('drops duplicates, foreign channels and malformed frames from a misbehaving server', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    wss.on('connection', (socket) => {
      socket.on('message', () => {
        const event = (seq: number, channel = 'chat:c1') =>
          JSON.stringify({ op: 'event', channel, seq, type: 'n', data: seq, at: new Date(0).toISOString() });
        socket.send(JSON.stringify({ op: 'subscribed', channel: 'chat:c1', last_seq: 0 }));
        const end = JSON.stringify({ op: 'error', message: 'end of script' });
        const frames = [
          event(1),
          event(1),
          event(2),
          'garbage',
          '{"op":"event"}',
          event(1),
          event(7, 'chat:x'),
        ];
        for (const frame of [...frames, event(3), event(2), end]) socket.send(frame);
      });
    });
    const { port } = wss.address() as AddressInfo;
    const { client, seqs, events, errors } = startClient(`ws://127.0.0.1:${port}/ws`);
    client.subscribe('chat:c1');
    await waitFor(() => errors.length === 1, 'the end of the script');
    expect(seqs('chat:c1')).toEqual([1, 2, 3]);
    expect(events).toHaveLength(3);
  });
});
