import type { Principal, WorkspaceContext } from '@crewship/contracts';
import type { Context } from 'hono';
import type { z } from 'zod';
import type { ServerServices } from '../adapters/services.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<Body, Query> {
  body: Body;
  query: Query;
  params: Record<string, string>;
  /** Set on every route whose policy is not public. */
  principal: Principal;
  /** Set on workspace routes: the workspace the request acts in and the caller's role there. */
  workspace: WorkspaceContext;
  services: ServerServices;
  hono: Context;
}

export interface RouteDefinition<Body = unknown, Query = unknown, Result = unknown> {
  method: HttpMethod;
  /** Hono path pattern, e.g. `/api/v1/crews/:crew`. */
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType<Body>;
  query?: z.ZodType<Query>;
  response?: z.ZodType<Result>;
  /** 200 unless given; 204 sends no body. */
  status?: 200 | 201 | 204;
  /**
   * What a success answers with when not one JSON document: NDJSON (one `response` object per line),
   * server-sent events (one `response` object per event) or raw bytes. The handler then returns its own `Response`.
   */
  produces?: 'application/x-ndjson' | 'application/octet-stream' | 'text/event-stream';
  /** Replaces the server-wide request body limit for this route. */
  bodyLimitBytes?: number;
  handler(context: RouteContext<Body, Query>): Promise<Result | Response>;
}

/** Declares a route; the schemas feed validation and the OpenAPI document alike. */
export function defineRoute<Body = undefined, Query = Record<string, never>, Result = unknown>(
  definition: RouteDefinition<Body, Query, Result>,
): RouteDefinition<Body, Query, Result> {
  return definition;
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of routes is erased at the boundary
export type AnyRoute = RouteDefinition<any, any, any>;
