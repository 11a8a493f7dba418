import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTERNAL_TOKEN_HEADER, silentLogger } from '@crewship/contracts';
import { type CrewGateway, createLlmGateway, type LlmGateway, type LlmGatewayOptions } from '../src/index.js';
import {
  createMemoryVault,
  createRecordingJournal,
  createRecordingMetering,
  type MemoryCredential,
  type MemoryVault,
  type RecordingJournal,
  type RecordingMetering,
} from '../src/testing/index.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type UpstreamHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/** An inline fake provider on 127.0.0.1 that records every request it gets. */
export interface FakeUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  handle: UpstreamHandler;
  close(): Promise<void>;
}

export async function startFakeUpstream(handle: UpstreamHandler = defaultHandler): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const upstream: FakeUpstream = {
    url: '',
    port: 0,
    requests,
    handle,
    close: () => closeServer(server),
  };
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve(upstream.handle(recorded, response)).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  upstream.port = typeof address === 'object' && address ? address.port : 0;
  upstream.url = `http://127.0.0.1:${upstream.port}`;
  return upstream;
}

function defaultHandler(_request: RecordedRequest, response: ServerResponse): void {
  const body = JSON.stringify({ ok: true });
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export interface GatewayResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SocketRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
}

/** Sends one request over the crew socket, as the sidecar does. */
export function socketRequest(socketPath: string, options: SocketRequest): Promise<GatewayResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { socketPath, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

export const WORKSPACE_ID = 'ws-1';
export const AGENTS: Record<string, Record<string, string>> = {
  'crew-a': { ada: 'agent-ada', bob: 'agent-bob' },
  'crew-b': { cy: 'agent-cy' },
};

export interface Harness {
  gateway: LlmGateway;
  vault: MemoryVault;
  journal: RecordingJournal;
  metering: RecordingMetering;
  directory: string;
  socketPath(name: string): string;
  serve(
    crewId: string,
    network?: { networkMode?: string; allowedDomains?: string[] },
  ): Promise<{ crew: CrewGateway; socketPath: string; token: string }>;
  close(): Promise<void>;
}

export const newToken = () => randomBytes(24).toString('hex');

/** A gateway with a memory vault, recording journal and metering, serving crews under a temp dir. */
export function createHarness(
  credentials: readonly MemoryCredential[],
  options: Partial<
    Pick<
      LlmGatewayOptions,
      | 'upstreams'
      | 'resolveHosts'
      | 'journalBodies'
      | 'callGuard'
      | 'toolGate'
      | 'keeper'
      | 'logger'
      | 'upstreamIdleTimeoutMs'
    >
  > = {},
): Harness {
  const directory = mkdtempSync(join(tmpdir(), 'gw-'));
  const vault = createMemoryVault(credentials);
  const journal = createRecordingJournal();
  const metering = createRecordingMetering();
  const gateway = createLlmGateway({
    vault,
    journal,
    metering,
    logger: silentLogger,
    async findAgent(crewId, slug) {
      const id = AGENTS[crewId]?.[slug];
      return id ? { id, slug } : null;
    },
    ...options,
  });
  const socketPath = (name: string) => join(directory, `${name}.sock`);
  return {
    gateway,
    vault,
    journal,
    metering,
    directory,
    socketPath,
    async serve(crewId, network = {}) {
      const token = newToken();
      const path = socketPath(crewId);
      const crew = await gateway.serveCrew(
        {
          crewId,
          workspaceId: WORKSPACE_ID,
          networkMode: network.networkMode ?? 'restricted',
          allowedDomains: network.allowedDomains ?? [],
        },
        { path },
        token,
      );
      return { crew, socketPath: path, token };
    },
    async close() {
      await gateway.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export const authHeaders = (token: string, extra: Record<string, string> = {}) => ({
  [INTERNAL_TOKEN_HEADER]: token,
  ...extra,
});
