import WebSocket from 'ws';

/**
 * Child process of ws-fanout.bench.ts: opens one real `ws` client per URL it is sent, subscribes each
 * (hub mode) and reports, per event seq, the wall-clock time at which every one of its clients got it.
 */
export type ParentMessage =
  | { kind: 'connect'; urls: string[]; subscribe: string | null }
  | { kind: 'clock'; id: number }
  | { kind: 'stop' };

export type ChildMessage =
  | { kind: 'ready' }
  | { kind: 'clock'; id: number; now: number }
  | { kind: 'received'; seq: number; times: number[] }
  | { kind: 'failed'; error: string };

const send = (message: ChildMessage) => process.send?.(message);
const wallClock = () => performance.timeOrigin + performance.now();
const sockets: WebSocket[] = [];
const pending = new Map<number, number[]>();

function connectOne(url: string, subscribe: string | null): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('error', reject);
    socket.on('open', () => {
      if (subscribe === null) {
        resolve(socket);
        return;
      }
      socket.send(JSON.stringify({ op: 'subscribe', channel: subscribe }));
    });
    socket.on('message', (data) => {
      const now = wallClock();
      const message = JSON.parse(data.toString()) as { op: string; seq?: number };
      if (message.op === 'subscribed') {
        resolve(socket);
        return;
      }
      if (message.op !== 'event' || message.seq === undefined) return;
      const times = pending.get(message.seq) ?? [];
      pending.set(message.seq, times);
      times.push(now);
      if (times.length === sockets.length) {
        pending.delete(message.seq);
        send({ kind: 'received', seq: message.seq, times });
      }
    });
  });
}

process.on('message', (message: ParentMessage) => {
  if (message.kind === 'clock') {
    send({ kind: 'clock', id: message.id, now: wallClock() });
    return;
  }
  if (message.kind === 'stop') {
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  }
  if (message.kind === 'connect') {
    (async () => {
      // In batches: a thousand simultaneous handshakes would overflow the listen backlog.
      for (let start = 0; start < message.urls.length; start += 100) {
        const batch = message.urls.slice(start, start + 100);
        sockets.push(...(await Promise.all(batch.map((url) => connectOne(url, message.subscribe)))));
      }
      send({ kind: 'ready' });
    })().catch((error: unknown) => send({ kind: 'failed', error: String(error) }));
  }
});
process.once('disconnect', () => process.exit(0));
