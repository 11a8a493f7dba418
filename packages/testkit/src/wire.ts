import type { ServerResponse } from 'node:http';
import type { FakeErrorReply, FakeReply } from './fake-reply.js';

/** One request as the fake provider saw it, recorded before any reply is written. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, the raw text otherwise ("" when empty). */
  body: unknown;
  /** ISO-8601 time the request was received. */
  at: string;
}

export interface Exchange {
  request: RecordedRequest;
  response: ServerResponse;
  /** Consumes the next scripted reply; only model calls do this, never probes. */
  nextReply(): FakeReply;
  newId(prefix: string): string;
}

/** One provider's wire format. */
export interface WireFormat {
  /** Answers the exchange; resolves false when the route is unknown to this provider. */
  handle(exchange: Exchange): Promise<boolean>;
  sendError(exchange: Exchange, reply: FakeErrorReply): Promise<void>;
}

export function requestedModel(request: RecordedRequest, fallback: string): string {
  const body = request.body;
  if (typeof body === 'object' && body !== null && 'model' in body && typeof body.model === 'string') {
    return body.model;
  }
  return fallback;
}

export function bodyFlag(request: RecordedRequest, name: string): unknown {
  const body = request.body;
  if (typeof body === 'object' && body !== null) return (body as Record<string, unknown>)[name];
  return undefined;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
