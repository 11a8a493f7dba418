import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  callUpstream,
  createUpstreamDispatcher,
  nodeStyleHeaders,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream-client.js';

/** What a scripted upstream received: the request head and body as text. */
interface Received {
  head: string;
  body: string;
  socket: Socket;
}

/** A raw TCP upstream: reads one request (head + content-length body), then runs `answer` on the socket. */
async function rawUpstream(
  answer: (received: Received) => void,
): Promise<{ origin: string; server: Server }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const body = buffered.subarray(end + 4, end + 4 + length).toString();
      buffered = buffered.subarray(end + 4 + length);
      answer({ head, body, socket });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  servers.push(server);
  return { origin: `http://127.0.0.1:${address.port}`, server };
}

const servers: Server[] = [];
const dispatcher = createUpstreamDispatcher();
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
    (server as Server & { closeAllConnections?(): void }).closeAllConnections?.();
  }
});
afterAll(() => dispatcher.destroy());

const request = (origin: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
  origin,
  path: '/v1/messages?beta=true',
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': 'real-key', 'x-multi': ['a', 'b'] },
  body: Buffer.from('{"stream":true}'),
  idleTimeoutMs: 10_000,
  ...extra,
});

/** Reads the body in flowing mode (as a pipe does): one 'data' event per chunk the stream pushes. */
function readAll(response: UpstreamResponse): Promise<{ text: string; chunks: number }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    response.on('data', (chunk: Buffer) => parts.push(chunk));
    response.once('end', () => resolve({ text: Buffer.concat(parts).toString(), chunks: parts.length }));
    response.once('error', reject);
  });
}

const HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
const frame = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

describe('callUpstream', () => {
  it('sends the method, path, headers and body, and streams a chunked answer back whole', async () => {
    let seen: Received | undefined;
    const { origin } = await rawUpstream((received) => {
      seen = received;
      received.socket.write(`${HEAD}${frame('data: one\n\n')}${frame('data: two\n\n')}0\r\n\r\n`);
    });
    const response = await callUpstream(dispatcher, request(origin)).response;
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect((await readAll(response)).text).toBe('data: one\n\ndata: two\n\n');
    expect(seen!.head).toMatch(/^POST \/v1\/messages\?beta=true HTTP\/1\.1\r\n/);
    expect(seen!.head).toMatch(/\r\nx-api-key: real-key\r\n/i);
    expect(seen!.head).toMatch(/\r\nx-multi: a\r\nx-multi: b\r\n/i);
    expect(seen!.head).toMatch(/\r\ncontent-length: 15(\r\n|$)/i);
    expect(seen!.head.match(/content-length/gi)).toHaveLength(1);
    expect(seen!.body).toBe('{"stream":true}');
  });

  it('joins the many small events of one socket read into one chunk', async () => {
    const events = Array.from({ length: 2000 }, (_, index) => `data: {"n":${index}}\n\n`);
    const { origin } = await rawUpstream(({ socket }) => {
      socket.write(`${HEAD}${events.map(frame).join('')}0\r\n\r\n`);
    });
    const response = await callUpstream(dispatcher, request(origin)).response;
    const { text, chunks } = await readAll(response);
    expect(text).toBe(events.join(''));
    // 2000 frames arrive in a few socket reads; each read leaves as one chunk.
    expect(chunks).toBeLessThan(50);
  });

  it('delivers an event without waiting for the next one', async () => {
    let socket: Socket | undefined;
    const { origin } = await rawUpstream((received) => {
      socket = received.socket;
      socket.write(`${HEAD}${frame('data: first\n\n')}`);
    });
    const response = await callUpstream(dispatcher, request(origin)).response;
    const first = await new Promise<string>((resolve) =>
      response.once('data', (chunk) => resolve(String(chunk))),
    );
    expect(first).toBe('data: first\n\n');
    socket!.write(`${frame('data: second\n\n')}0\r\n\r\n`);
    expect((await readAll(response)).text).toBe('data: second\n\n');
  });

  it('reads content-length, close-delimited, HEAD and 204 answers', async () => {
    const { origin } = await rawUpstream(({ head, socket }) => {
      if (head.startsWith('HEAD')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n');
      else if (head.includes('/sized')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello');
      else if (head.includes('/empty')) socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      else socket.end('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end');
    });
    const read = async (path: string, method = 'GET') => {
      const response = await callUpstream(
        dispatcher,
        request(origin, { path, method, body: Buffer.alloc(0) }),
      ).response;
      return [response.statusCode, (await readAll(response)).text];
    };
    expect(await read('/sized')).toEqual([200, 'hello']);
    expect(await read('/closed')).toEqual([200, 'until the end']);
    expect(await read('/head', 'HEAD')).toEqual([200, '']);
    expect(await read('/empty')).toEqual([204, '']);
  });

  it('skips an informational 103 and answers with the final status and headers', async () => {
    const { origin } = await rawUpstream(({ socket }) => {
      socket.write('HTTP/1.1 103 Early Hints\r\nlink: </a>; rel=preload\r\n\r\n');
      socket.write('HTTP/1.1 201 Created\r\ncontent-length: 2\r\nx-final: yes\r\n\r\nok');
    });
    const response = await callUpstream(dispatcher, request(origin)).response;
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-final']).toBe('yes');
    expect(response.headers.link).toBeUndefined();
    expect((await readAll(response)).text).toBe('ok');
  });

  it('gives repeated response headers the shape node:http gives them', async () => {
    const { origin } = await rawUpstream(({ socket }) => {
      socket.write(
        'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\ncontent-type: text/plain\r\n' +
          'Content-Type: text/html\r\nx-list: 1\r\nX-List: 2\r\ncontent-length: 0\r\n\r\n',
      );
    });
    const response = await callUpstream(dispatcher, request(origin)).response;
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.headers['x-list']).toBe('1, 2');
    expect(nodeStyleHeaders({ age: ['1', '2'], via: 'x', gone: undefined })).toEqual({ age: '1', via: 'x' });
  });

  it('holds the upstream back while nobody reads, and loses nothing once read', async () => {
    const total = 48 * 1024 * 1024;
    const piece = Buffer.alloc(64 * 1024, 'p');
    let written = 0;
    let blocked = false;
    const { origin } = await rawUpstream(({ socket }) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${total}\r\n\r\n`);
      const pump = () => {
        while (written < total) {
          written += piece.length;
          if (!socket.write(piece)) {
            blocked = true;
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const response = await callUpstream(dispatcher, request(origin)).response;
    await sleep(300);
    // Nothing read yet: the upstream's writes wait, and the stream holds about its high-water mark.
    expect(blocked).toBe(true);
    expect(written).toBeLessThan(total);
    expect(response.readableLength).toBeLessThanOrEqual(response.readableHighWaterMark + 256 * 1024);
    expect(Buffer.byteLength((await readAll(response)).text)).toBe(total);
  });

  it('rejects with the idle timeout when no head comes, and cuts the body when data stops', async () => {
    const silent = await rawUpstream(() => undefined);
    await expect(
      callUpstream(dispatcher, request(silent.origin, { idleTimeoutMs: 300 })).response,
    ).rejects.toThrow('no data from upstream for 300 ms');

    const stalled = await rawUpstream(({ socket }) => socket.write(`${HEAD}${frame('data: a\n\n')}`));
    const response = await callUpstream(dispatcher, request(stalled.origin, { idleTimeoutMs: 300 })).response;
    await expect(readAll(response)).rejects.toThrow('no data from upstream for 300 ms');
  });

  it('aborts a call that has not answered yet, and one whose body is dropped half-way', async () => {
    const closed: string[] = [];
    const { origin } = await rawUpstream(({ head, socket }) => {
      socket.once('close', () => closed.push(head.split(' ')[1]!));
      if (head.includes('/streaming')) socket.write(`${HEAD}${frame('data: a\n\n')}`);
    });
    const early = callUpstream(dispatcher, request(origin, { path: '/waiting' }));
    await sleep(100);
    early.destroy();
    await expect(early.response).rejects.toThrow();

    const late = callUpstream(dispatcher, request(origin, { path: '/streaming' }));
    const response = await late.response;
    await new Promise((resolve) => response.once('data', resolve));
    response.destroy();
    await expect.poll(() => closed.sort()).toEqual(['/streaming', '/waiting']);
  });

  it('rejects an unreachable upstream with the connect error', async () => {
    const { origin, server } = await rawUpstream(() => undefined);
    await new Promise((resolve) => server.close(resolve));
    await expect(callUpstream(dispatcher, request(origin)).response).rejects.toThrow(/ECONNREFUSED/);
  });

  describe('hostile answers fail the call instead of the process', () => {
    const cases: Array<[string, string, 'head' | 'body']> = [
      ['a status line that is not HTTP', 'SSH-2.0-OpenSSH_9.2\r\n\r\n', 'head'],
      [
        'two different content-lengths',
        'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab',
        'head',
      ],
      ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken header\r\n\r\n', 'head'],
      [
        'a control character in a header value',
        'HTTP/1.1 200 OK\r\nx-a: b\u0001c\r\ncontent-length: 0\r\n\r\n',
        'head',
      ],
      ['a head larger than 16 KiB', `HTTP/1.1 200 OK\r\nx-big: ${'b'.repeat(70 * 1024)}\r\n\r\n`, 'head'],
      ['a chunk size that is not hex', `${HEAD}zz\r\ndata\r\n0\r\n\r\n`, 'body'],
      ['a chunk longer than announced', `${HEAD}2\r\nabcdef\r\n0\r\n\r\n`, 'body'],
      ['a body cut before its content-length', 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort', 'body'],
      ['a chunked body cut before its last chunk', `${HEAD}${frame('data: a\n\n')}`, 'body'],
    ];
    for (const [name, answer, where] of cases) {
      it(`${name}: ${where === 'head' ? 'rejects' : 'the body errors'}`, async () => {
        const { origin } = await rawUpstream(({ socket }) => socket.end(answer));
        const call = callUpstream(dispatcher, request(origin)).response;
        if (where === 'head') {
          await expect(call).rejects.toThrow();
          return;
        }
        const response = await call;
        await expect(readAll(response)).rejects.toThrow();
      });
    }
  });
});

describe('callUpstream over TLS', () => {
  let directory: string;
  let pem: { key: string; cert: string };
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'crewship-upstream-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        join(directory, 'key.pem'),
        '-out',
        join(directory, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    pem = {
      key: readFileSync(join(directory, 'key.pem'), 'utf8'),
      cert: readFileSync(join(directory, 'cert.pem'), 'utf8'),
    };
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('talks HTTP/1.1 over TLS, checks the certificate and reuses the connection', async () => {
    let connections = 0;
    const server = createTlsServer({ ...pem, ALPNProtocols: ['http/1.1'] }, (socket) => {
      connections++;
      socket.on('error', () => undefined);
      socket.on('data', (data: Buffer) => {
        if (data.includes('\r\n\r\n')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nsecure');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `https://localhost:${(server.address() as { port: number }).port}`;
    const trusting = createUpstreamDispatcher({ ca: pem.cert });
    try {
      for (let round = 0; round < 2; round++) {
        const response = await callUpstream(
          trusting,
          request(origin, { body: Buffer.alloc(0), method: 'GET' }),
        ).response;
        expect((await readAll(response)).text).toBe('secure');
        // The pool takes the connection back once the current turn of the event loop is over.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(connections).toBe(1);
      // The default trust store does not know the test's authority.
      await expect(callUpstream(dispatcher, request(origin)).response).rejects.toThrow(
        /self[- ]signed|certificate/i,
      );
    } finally {
      await trusting.destroy();
      server.close();
    }
  });
});
