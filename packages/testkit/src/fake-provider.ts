import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { CrewshipError, type Logger, silentLogger } from '@crewship/contracts';
import { anthropicWire } from './anthropic-wire.js';
import { type FakeReply, parseFakeReply } from './fake-reply.js';
import { geminiWire } from './gemini-wire.js';
import { openAiWire } from './openai-wire.js';
import type { Exchange, RecordedRequest, WireFormat } from './wire.js';

export type FakeProviderKind = 'anthropic' | 'openai' | 'gemini';

/** Replies consumed in order (the last repeats), or a function choosing a reply per request. */
export type FakeScript = FakeReply[] | ((request: RecordedRequest) => FakeReply);

export interface FakeProviderOptions {
  kind: FakeProviderKind;
  /** Without a script every model call is answered with the text "ok". */
  script?: FakeScript;
  /** Unknown paths are logged here at warn level (and answered 404 in the provider's error shape). */
  logger?: Logger;
}

/** A fake LLM provider on 127.0.0.1 speaking a real wire format. */
export interface FakeProvider {
  readonly kind: FakeProviderKind;
  /** `http://127.0.0.1:PORT`, without a trailing slash or version prefix. */
  readonly url: string;
  /** Every request received, in arrival order, recorded before it was answered. */
  readonly requests: RecordedRequest[];
  /** Replaces the script; an array starts again from its first reply. */
  setScript(script: FakeScript): void;
  close(): Promise<void>;
}

const WIRES: Record<FakeProviderKind, WireFormat> = {
  anthropic: anthropicWire,
  openai: openAiWire,
  gemini: geminiWire,
};

const DEFAULT_SCRIPT: FakeReply[] = [{ text: 'ok' }];

function validateScript(script: FakeScript): FakeScript {
  if (typeof script === 'function') return script;
  if (script.length === 0)
    throw new CrewshipError('invalid_input', 'A fake provider script needs at least one reply');
  return script.map(parseFakeReply);
}

function recordHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

const decoders: Record<string, (buffer: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

async function readBody(request: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  let buffer: Buffer = Buffer.concat(parts);
  const decode = decoders[(request.headers['content-encoding'] ?? '').trim().toLowerCase()];
  if (decode) buffer = await decode(buffer);
  const text = buffer.toString('utf8');
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function recordRequest(request: IncomingMessage): Promise<RecordedRequest> {
  const at = new Date().toISOString();
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: recordHeaders(request),
    body: await readBody(request),
    at,
  };
}

/** Starts a fake provider of the given kind on an ephemeral loopback port. */
export async function createFakeProvider(options: FakeProviderOptions): Promise<FakeProvider> {
  const wire = WIRES[options.kind];
  if (!wire) throw new CrewshipError('invalid_input', `Unknown fake provider kind: ${String(options.kind)}`);
  const logger = options.logger ?? silentLogger;
  const requests: RecordedRequest[] = [];
  let script = validateScript(options.script ?? DEFAULT_SCRIPT);
  let cursor = 0;
  let idCounter = 0;

  const nextReply = (request: RecordedRequest): FakeReply => {
    if (typeof script === 'function') return parseFakeReply(script(request));
    const reply = script[Math.min(cursor, script.length - 1)] as FakeReply;
    cursor += 1;
    return reply;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const recorded = await recordRequest(request);
    requests.push(recorded);
    const exchange: Exchange = {
      request: recorded,
      response,
      nextReply: () => nextReply(recorded),
      newId: (prefix) => `${prefix}${String(++idCounter).padStart(6, '0')}`,
    };
    try {
      if (await wire.handle(exchange)) return;
      logger.warn('fake provider: unknown route', {
        kind: options.kind,
        method: recorded.method,
        path: recorded.path,
      });
      await wire.sendError(exchange, {
        error: {
          status: 404,
          message: `Fake ${options.kind} provider: no route ${recorded.method} ${recorded.path}`,
        },
      });
    } catch (error) {
      logger.error('fake provider: failed to answer', {
        kind: options.kind,
        path: recorded.path,
        error: String(error),
      });
      if (response.headersSent) {
        response.destroy();
        return;
      }
      await wire.sendError(exchange, {
        error: { status: 500, message: `Fake provider failure: ${String(error)}` },
      });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    kind: options.kind,
    url: `http://127.0.0.1:${port}`,
    requests,
    setScript(next) {
      script = validateScript(next);
      cursor = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
