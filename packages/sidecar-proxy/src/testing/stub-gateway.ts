import { mkdtemp, rm } from 'node:fs/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';

export interface RecordedGatewayRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
  /** Resolves when the body has ended (`complete`) or the request was cut off. */
  body: Promise<{ bytes: Buffer; complete: boolean }>;
}

export interface RecordedGatewayConnect {
  target: string;
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
}

export interface StubGatewayOptions {
  /** Handles each request after recording it; by default a 200 JSON echo sent once the body has ended. */
  onRequest?: (req: IncomingMessage, res: ServerResponse, recorded: RecordedGatewayRequest) => void;
  /** Handles each CONNECT; by default a 403 with a JSON body. */
  onConnect?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/** A stand-in for the server's LLM gateway: HTTP/1.1 on a Unix socket in a fresh temp dir, recording what it gets. */
export interface StubGateway {
  socketPath: string;
  requests: RecordedGatewayRequest[];
  connects: RecordedGatewayConnect[];
  close(): Promise<void>;
}

export async function createStubGateway(options: StubGatewayOptions = {}): Promise<StubGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'crewship-gw-'));
  const socketPath = join(dir, 'gateway.sock');
  const requests: RecordedGatewayRequest[] = [];
  const connects: RecordedGatewayConnect[] = [];
  const sockets = new Set<Socket>();
  const onRequest = options.onRequest ?? echoRequest;
  const onConnect = options.onConnect ?? refuseConnect;

  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const body = new Promise<{ bytes: Buffer; complete: boolean }>((resolve) => {
      req.once('end', () => resolve({ bytes: Buffer.concat(chunks), complete: true }));
      req.once('close', () => resolve({ bytes: Buffer.concat(chunks), complete: req.complete }));
    });
    req.on('error', () => {});
    const recorded: RecordedGatewayRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      rawHeaders: req.rawHeaders,
      headers: req.headers,
      body,
    };
    requests.push(recorded);
    onRequest(req, res, recorded);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    connects.push({ target: req.url ?? '', rawHeaders: req.rawHeaders, headers: req.headers });
    onConnect(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });

  return {
    socketPath,
    requests,
    connects,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function echoRequest(_req: IncomingMessage, res: ServerResponse, recorded: RecordedGatewayRequest): void {
  void recorded.body.then(({ bytes, complete }) => {
    if (!complete) {
      res.destroy();
      return;
    }
    const text = JSON.stringify({
      method: recorded.method,
      url: recorded.url,
      rawHeaders: recorded.rawHeaders,
      bodyBytes: bytes.length,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(text);
  });
}

function refuseConnect(_req: IncomingMessage, socket: Duplex): void {
  const body = '{"error":"host not allowed"}';
  socket.end(
    `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
}
