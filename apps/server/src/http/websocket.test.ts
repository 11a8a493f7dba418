import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as connectTcp } from 'node:net';
import { silentLogger, type WsServerMessage, wsServerMessageSchema } from '@crewship/contracts';
import { createRealtimeHub, createWsTokens, type RealtimeHub, type WsTokens } from '@crewship/realtime';
import { createAdaptorServer } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type AttachedWebSocketServer,
  attachWebSocketServer,
  type WebSocketServerOptions,
} from './websocket.js';

interface Harness {
  url: string;
  hub: RealtimeHub;
  tokens: WsTokens;
  ws: AttachedWebSocketServer;
  token(userId?: string): string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startHarness(
  overrides: Partial<WebSocketServerOptions> & { replayBufferSize?: number } = {},
): Promise<Harness> {
  const { replayBufferSize, ...wsOptions } = overrides;
  const hub = createRealtimeHub(replayBufferSize === undefined ? {} : { replayBufferSize });
  const tokens = createWsTokens({ secret: 'x'.repeat(32) });
  // The server piece runs on the same adapter server as crewshipd, next to a Hono-style fetch handler.
  const server = createAdaptorServer({ fetch: () => new Response('plain http') }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ws = attachWebSocketServer(server, {
    hub,
    tokens,
    logger: silentLogger,
    authorizeChannel: async (userId, channel) => userId === 'alice' || channel === 'chat:public',
    ...wsOptions,
  });
  cleanups.push(async () => {
    await ws.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    hub,
    tokens,
    ws,
    token: (userId = 'alice') => tokens.issue(userId).token,
  };
}

/** A real `ws` client that records every server message and lets a test wait for the next ones. */
class TestClient {
  readonly messages: WsServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(wsServerMessageSchema.parse(JSON.parse(data.toString())));
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the messages once `count` of them have arrived (in total). */
  async take(count: number): Promise<WsServerMessage[]> {
    while (this.messages.length < count) {
      if (this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`closed after ${this.messages.length} of ${count} messages`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.messages.slice(0, count);
  }

  async request(message: unknown): Promise<WsServerMessage> {
    const before = this.messages.length;
    this.send(message);
    return (await this.take(before + 1))[before]!;
  }

  eventSeqs(channel: string): number[] {
    return this.messages.flatMap((message) =>
      message.op === 'event' && message.channel === channel ? [message.seq] : [],
    );
  }
}

async function open(url: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}) {
  const { protocols, ...rest } = options;
  const socket = new WebSocket(url, protocols, rest);
  const client = new TestClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  cleanups.push(async () => {
    socket.terminate();
  });
  return client;
}

/** The HTTP status of a refused upgrade. */
function refusedStatus(url: string, protocols?: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.on('open', () => reject(new Error('the upgrade was accepted')));
    socket.on('error', () => {});
  });
}

describe('attachWebSocketServer', () => {
  it('gives two clients the same events in the same order, after `subscribed`', async () => {
    const harness = await startHarness();
    harness.hub.publish('chat:c1', 'before', null);
    const [first, second] = await Promise.all([
      open(`${harness.url}?token=${harness.token()}`),
      open(`${harness.url}?token=${harness.token()}`),
    ]);
    expect(await first!.request({ op: 'subscribe', channel: 'chat:c1' })).toEqual({
      op: 'subscribed',
      channel: 'chat:c1',
      last_seq: 1,
    });
    await second!.request({ op: 'subscribe', channel: 'chat:c1' });
    for (let index = 0; index < 50; index++) harness.hub.publish('chat:c1', 'run.output', { index });
    harness.hub.publish('chat:other', 'run.output', {});
    const [a, b] = await Promise.all([first!.take(51), second!.take(51)]);
    expect(a).toEqual(b);
    expect(first!.eventSeqs('chat:c1')).toEqual(Array.from({ length: 50 }, (_, index) => index + 2));
    expect(a[1]).toMatchObject({
      op: 'event',
      channel: 'chat:c1',
      seq: 2,
      type: 'run.output',
      data: { index: 0 },
    });
    expect(harness.ws.clientCount()).toBe(2);
  });

  it('replays what a reconnecting client missed, then continues live', async () => {
    const harness = await startHarness();
    const client = await open(`${harness.url}?token=${harness.token()}`);
    await client.request({ op: 'subscribe', channel: 'chat:c1' });
    for (let index = 0; index < 5; index++) harness.hub.publish('chat:c1', 'n', index);
    await client.take(6);
    client.socket.close();
    await client.closed;
    for (let index = 5; index < 10; index++) harness.hub.publish('chat:c1', 'n', index);

    const again = await open(`${harness.url}?token=${harness.token()}`);
    expect(await again.request({ op: 'subscribe', channel: 'chat:c1', after_seq: 5 })).toEqual({
      op: 'subscribed',
      channel: 'chat:c1',
      last_seq: 10,
    });
    await again.take(6);
    harness.hub.publish('chat:c1', 'n', 10);
    await again.take(7);
    expect(again.eventSeqs('chat:c1')).toEqual([6, 7, 8, 9, 10, 11]);
  });

  it('tells a client that reconnects too late about the gap before replaying the rest', async () => {
    const harness = await startHarness({ replayBufferSize: 3 });
    for (let index = 0; index < 10; index++) harness.hub.publish('chat:c1', 'n', index);
    const client = await open(`${harness.url}?token=${harness.token()}`);
    client.send({ op: 'subscribe', channel: 'chat:c1', after_seq: 2 });
    const messages = await client.take(5);
    expect(messages.slice(0, 2)).toEqual([
      { op: 'subscribed', channel: 'chat:c1', last_seq: 10 },
      { op: 'gap', channel: 'chat:c1', first_seq: 8 },
    ]);
    expect(client.eventSeqs('chat:c1')).toEqual([8, 9, 10]);
  });

  it('refuses upgrades without a valid token with 401, before upgrading', async () => {
    const harness = await startHarness();
    const good = harness.token();
    const expired = createWsTokens({ secret: 'x'.repeat(32), ttlMs: 1, now: () => 0 }).issue('alice').token;
    const foreign = createWsTokens({ secret: 'y'.repeat(32) }).issue('alice').token;
    for (const query of [
      '',
      '?token=',
      '?token=garbage',
      `?token=${expired}`,
      `?token=${foreign}`,
      `?token=${good}x`,
    ]) {
      const refused = await refusedStatus(`${harness.url}${query}`);
      expect(refused.status, query).toBe(401);
      expect(JSON.parse(refused.body)).toMatchObject({ kind: 'unauthenticated', status: 401 });
    }
    expect((await refusedStatus(harness.url, ['crewship.not-a-token'])).status).toBe(401);
    expect(harness.ws.clientCount()).toBe(0);
  });

  it('accepts the token as a `crewship.<token>` subprotocol and answers with the plain protocol', async () => {
    const harness = await startHarness();
    const client = await open(harness.url, { protocols: ['crewship', `crewship.${harness.token()}`] });
    expect(client.socket.protocol).toBe('crewship');
    expect(await client.request({ op: 'ping' })).toEqual({ op: 'pong' });
    const only = await open(harness.url, { protocols: [`crewship.${harness.token()}`] });
    expect(await only.request({ op: 'ping' })).toEqual({ op: 'pong' });
  });

  it('answers 404 for other upgrade paths', async () => {
    const harness = await startHarness();
    expect(
      (await refusedStatus(`${harness.url.replace('/ws', '/other')}?token=${harness.token()}`)).status,
    ).toBe(404);
  });

  it('refuses an unauthorized channel and keeps the connection', async () => {
    const harness = await startHarness();
    const client = await open(`${harness.url}?token=${harness.token('bob')}`);
    expect(await client.request({ op: 'subscribe', channel: 'chat:secret' })).toEqual({
      op: 'error',
      message: 'not allowed to subscribe to chat:secret',
      channel: 'chat:secret',
    });
    expect(await client.request({ op: 'subscribe', channel: 'chat:public' })).toMatchObject({
      op: 'subscribed',
    });
    harness.hub.publish('chat:secret', 'n', 'hidden');
    harness.hub.publish('chat:public', 'n', 'visible');
    await client.take(3);
    expect(client.messages[2]).toMatchObject({ op: 'event', channel: 'chat:public', data: 'visible' });
    expect(await client.request({ op: 'ping' })).toEqual({ op: 'pong' });
    expect(
      client.messages.some((message) => message.op === 'event' && message.channel === 'chat:secret'),
    ).toBe(false);
  });

  it('reports a failing authorization as an error and stays up', async () => {
    const harness = await startHarness({
      authorizeChannel: async () => {
        throw new Error('database is gone');
      },
    });
    const client = await open(`${harness.url}?token=${harness.token()}`);
    expect(await client.request({ op: 'subscribe', channel: 'chat:c1' })).toEqual({
      op: 'error',
      message: 'could not authorize chat:c1; try again',
      channel: 'chat:c1',
    });
    expect(await client.request({ op: 'ping' })).toEqual({ op: 'pong' });
  });

  it('answers garbage with errors and keeps serving the connection', async () => {
    const harness = await startHarness();
    const client = await open(`${harness.url}?token=${harness.token()}`);
    const garbage: unknown[] = [
      'not json',
      '',
      '{"op":',
      'null',
      '[]',
      '42',
      { op: 'launch' },
      { channel: 'chat:c1' },
      { op: 'subscribe' },
      { op: 'subscribe', channel: 'team:1' },
      { op: 'subscribe', channel: 'chat:../../etc' },
      { op: 'subscribe', channel: 'chat:c1', after_seq: -1 },
      { op: 'subscribe', channel: 'chat:c1', after_seq: 1.5 },
      { op: 'subscribe', channel: 'chat:c1', after_seq: 1e300 },
      { op: 'subscribe', channel: 'chat:c1', admin: true },
      { op: 'ping', extra: 1 },
      { op: 'subscribe', channel: { toString: 'chat:c1' } },
      '{"op":"ping","__proto__":{"x":1}}',
      `${'['.repeat(30_000)}${']'.repeat(30_000)}`,
      `{"op":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
      '\u0000\uffff',
    ];
    for (const message of garbage) {
      const answer = await client.request(message);
      expect(answer.op, JSON.stringify(message)).toBe('error');
    }
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.take(garbage.length + 1).then((all) => all.at(-1))).toEqual({
      op: 'error',
      message: 'binary frames are not supported; send JSON text',
    });
    expect(await client.request({ op: 'ping' })).toEqual({ op: 'pong' });
    expect(await client.request({ op: 'subscribe', channel: 'chat:c1' })).toMatchObject({ op: 'subscribed' });
    expect(await client.request({ op: 'subscribe', channel: 'chat:c1' })).toEqual({
      op: 'error',
      message: 'already subscribed to chat:c1',
      channel: 'chat:c1',
    });
    expect(await client.request({ op: 'unsubscribe', channel: 'chat:c1' })).toEqual({
      op: 'unsubscribed',
      channel: 'chat:c1',
    });
    harness.hub.publish('chat:c1', 'n', null);
    expect(await client.request({ op: 'ping' })).toEqual({ op: 'pong' });
    expect(client.eventSeqs('chat:c1')).toEqual([]);
  });

  it('survives raw protocol garbage on an upgraded connection', async () => {
    const harness = await startHarness();
    const bystander = await open(`${harness.url}?token=${harness.token()}`);
    const { port } = new URL(harness.url);
    const raw = connectTcp(Number(port), '127.0.0.1');
    raw.on('error', () => {});
    const handshake = [
      `GET /ws?token=${harness.token()} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n');
    const upgraded = new Promise<string>((resolve) =>
      raw.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    );
    raw.write(handshake);
    expect(await upgraded).toMatch(/^HTTP\/1\.1 101/);
    // An unmasked frame with a reserved opcode and a bogus 64-bit length: a protocol error.
    raw.write(Buffer.from([0x8b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
    await new Promise<void>((resolve) => raw.once('close', () => resolve()));
    expect(await bystander.request({ op: 'ping' })).toEqual({ op: 'pong' });
    expect(harness.ws.clientCount()).toBe(1);
  });

  it('closes a connection that sends a frame over 64 KiB with 1009, and nobody else', async () => {
    const harness = await startHarness();
    const bystander = await open(`${harness.url}?token=${harness.token()}`);
    const client = await open(`${harness.url}?token=${harness.token()}`);
    client.send(JSON.stringify({ op: 'ping', pad: 'x'.repeat(70 * 1024) }));
    expect((await client.closed).code).toBe(1009);
    expect(await bystander.request({ op: 'ping' })).toEqual({ op: 'pong' });
    const justUnder = await open(`${harness.url}?token=${harness.token()}`);
    expect((await justUnder.request(`{"op":"ping"}${' '.repeat(60 * 1024)}`)).op).toBe('pong');
  });

  it('disconnects a client that stops reading instead of buffering for it', async () => {
    const harness = await startHarness({ maxBufferedBytes: 256 * 1024 });
    const reader = await open(`${harness.url}?token=${harness.token()}`);
    const stalled = await open(`${harness.url}?token=${harness.token()}`);
    await reader.request({ op: 'subscribe', channel: 'chat:big' });
    await stalled.request({ op: 'subscribe', channel: 'chat:big' });
    stalled.socket.pause();
    const payload = 'y'.repeat(32 * 1024);
    let published = 0;
    // Enough to fill the kernel's socket buffers many times over; yields so the healthy reader keeps up.
    while (harness.ws.clientCount() === 2 && published < 3000) {
      harness.hub.publish('chat:big', 'blob', payload);
      published += 1;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(harness.ws.clientCount()).toBe(1);
    stalled.socket.resume();
    expect((await stalled.closed).code).toBe(1006);
    await reader.take(published + 1);
    expect(reader.eventSeqs('chat:big')).toEqual(Array.from({ length: published }, (_, index) => index + 1));
  });

  it('terminates clients that stop answering pings, keeps those that answer', async () => {
    const harness = await startHarness({ heartbeatIntervalMs: 20 });
    const healthy = await open(`${harness.url}?token=${harness.token()}`);
    const dead = await open(`${harness.url}?token=${harness.token()}`, { autoPong: false });
    let pings = 0;
    const pinged = new Promise<void>((resolve) =>
      healthy.socket.on('ping', () => {
        pings += 1;
        if (pings === 5) resolve();
      }),
    );
    expect((await dead.closed).code).toBe(1006);
    await pinged;
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
    expect(harness.ws.clientCount()).toBe(1);
  });

  it('refuses clients over maxClients with 503', async () => {
    const harness = await startHarness({ maxClients: 1 });
    await open(`${harness.url}?token=${harness.token()}`);
    expect((await refusedStatus(`${harness.url}?token=${harness.token()}`)).status).toBe(503);
  });

  it('closes every client with 1001 on close() and refuses new ones', async () => {
    const harness = await startHarness();
    const client = await open(`${harness.url}?token=${harness.token()}`);
    await client.request({ op: 'subscribe', channel: 'chat:c1' });
    await harness.ws.close();
    expect((await client.closed).code).toBe(1001);
    expect(harness.ws.clientCount()).toBe(0);
    harness.hub.publish('chat:c1', 'n', null);
  });
});
