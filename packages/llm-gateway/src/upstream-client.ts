import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Agent, type Dispatcher, errors } from 'undici';

/**
 * The gateway's connection pools to the providers: keep-alive, up to 256 connections per origin. TLS trusts
 * Node's CA store (and NODE_EXTRA_CA_CERTS); `ca` replaces it (tests with their own certificate authority).
 */
export function createUpstreamDispatcher(tls: { ca?: string } = {}): Agent {
  return new Agent({ connections: 256, ...(tls.ca ? { connect: { ca: tls.ca } } : {}) });
}

/** Repeated response headers that Node's parser reduces to their first value (the rest join with ", "). */
const FIRST_VALUE_ONLY = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** Response headers in the shape `node:http` gives them, so the rest of the gateway reads one shape. */
export function nodeStyleHeaders(
  headers: Record<string, string | string[] | undefined>,
): IncomingHttpHeaders {
  const result: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!Array.isArray(value)) result[name] = value;
    else if (name === 'set-cookie') result[name] = value;
    else result[name] = FIRST_VALUE_ONLY.has(name) ? value[0] : value.join(', ');
  }
  return result;
}

/**
 * An upstream response: status, headers, and the body as a stream. The body chunks that arrive in one tick
 * (a provider sends many small events per socket read) leave as one chunk on the next tick, so every later
 * step handles one buffer per read instead of one per event; no byte waits past the current tick.
 * Backpressure reaches the socket: a full stream pauses the connection until it is read. Destroying the
 * stream before its end aborts the request.
 */
export class UpstreamResponse extends Readable {
  statusCode = 0;
  headers: IncomingHttpHeaders = {};
  #controller: Dispatcher.DispatchController | null = null;
  #batch: Buffer[] = [];
  #batchBytes = 0;
  #scheduled = false;
  #ended = false;

  /** @internal */
  connectTo(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
  }

  /** @internal Takes one chunk from the connection. */
  receive(chunk: Buffer): void {
    this.#batch.push(chunk);
    this.#batchBytes += chunk.length;
    if (this.readableLength + this.#batchBytes >= this.readableHighWaterMark) this.#send();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(() => this.#send());
    }
  }

  /** @internal The body ended. */
  receiveEnd(): void {
    this.#ended = true;
    this.#send();
    this.push(null);
  }

  /** @internal The connection failed after the head (the request is over: nothing left to abort). */
  receiveError(error: Error): void {
    this.#ended = true;
    this.destroy(error);
  }

  override _read(): void {
    this.#controller?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#ended) this.#controller?.abort(error ?? new Error('the response was abandoned'));
    this.#batch = [];
    callback(error);
  }

  #send(): void {
    this.#scheduled = false;
    if (this.#batch.length === 0 || this.destroyed) return;
    const chunk = this.#batch.length === 1 ? this.#batch[0]! : Buffer.concat(this.#batch, this.#batchBytes);
    this.#batch = [];
    this.#batchBytes = 0;
    if (!this.push(chunk)) this.#controller?.pause();
  }
}

export interface UpstreamRequest {
  /** Scheme, host and port: `https://api.anthropic.com`. */
  origin: string;
  /** Path and query, from `/`. */
  path: string;
  method: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  /** Longest wait for the response head and between two body reads. */
  idleTimeoutMs: number;
}

/** A handle to abort a call that has not answered yet. */
export interface UpstreamCall {
  response: Promise<UpstreamResponse>;
  destroy(): void;
}

function explained(error: Error, idleTimeoutMs: number): Error {
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
    return new Error(`no data from upstream for ${idleTimeoutMs} ms`);
  }
  return error;
}

/**
 * Sends one request upstream through `dispatcher` (undici, whose parser hands over a chunked body for a
 * fraction of what `node:http` costs per frame). Resolves with the response once its head arrived;
 * rejects when no response came (connection refused, TLS failure, timeout, aborted).
 */
export function callUpstream(dispatcher: Dispatcher, request: UpstreamRequest): UpstreamCall {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'content-length') continue;
    headers[name] = typeof value === 'number' ? String(value) : value;
  }
  const bodiless = request.body.length === 0 && (request.method === 'GET' || request.method === 'HEAD');
  const response = new UpstreamResponse();
  // An error after the head reaches whoever reads the body; never an unhandled 'error' event.
  response.on('error', () => undefined);
  let controller: Dispatcher.DispatchController | null = null;
  let abandoned = false;
  let answered = false;
  let settle: { resolve(response: UpstreamResponse): void; reject(error: Error): void };
  const promise = new Promise<UpstreamResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const fail = (error: Error) => {
    const reason = explained(error, request.idleTimeoutMs);
    if (!answered) {
      answered = true;
      settle.reject(reason);
    } else if (!response.destroyed) {
      response.receiveError(reason);
    }
  };
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(started) {
      controller = started;
      response.connectTo(started);
      if (abandoned) started.abort(new Error('the request was abandoned'));
    },
    onResponseStart(_controller, statusCode, responseHeaders) {
      // An informational answer (103 Early Hints) precedes the real one.
      if (statusCode < 200) return;
      response.statusCode = statusCode;
      response.headers = nodeStyleHeaders(responseHeaders as Record<string, string | string[]>);
      answered = true;
      settle.resolve(response);
    },
    onResponseData(_controller, chunk) {
      response.receive(chunk);
    },
    onResponseEnd() {
      response.receiveEnd();
    },
    onResponseError(_controller, error) {
      fail(error);
    },
  };
  try {
    dispatcher.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers,
        body: bodiless ? null : request.body,
        headersTimeout: request.idleTimeoutMs,
        bodyTimeout: request.idleTimeoutMs,
      },
      handler,
    );
  } catch (error) {
    fail(error instanceof Error ? error : new Error(String(error)));
  }
  return {
    response: promise,
    destroy() {
      if (answered) {
        response.destroy();
        return;
      }
      abandoned = true;
      controller?.abort(new Error('the request was abandoned'));
    },
  };
}
