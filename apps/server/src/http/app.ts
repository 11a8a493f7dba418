import { randomUUID } from 'node:crypto';
import {
  CrewshipError,
  type FieldIssue,
  isCrewshipError,
  type Logger,
  type Principal,
  roleAtLeast,
  type WorkspaceContext,
} from '@crewship/contracts';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { z } from 'zod';
import type { ServerServices } from '../adapters/services.js';
import type { AnyRoute } from './define-route.js';
import { buildOpenApiDocument } from './openapi.js';
import { type Access, POLICY, policyFor } from './policy.js';
import { internalError, toProblem } from './problem.js';
import { createRateLimiter } from './rate-limiter.js';
import { buildRoutes } from './routes.js';
import { isHttps, readCredential } from './session-cookie.js';
import { mountWebConsole } from './web-console.js';

export interface AppOptions {
  services: ServerServices;
  logger: Logger;
  version: string;
  authRateLimitPerMinute: number;
  apiRateLimitPerMinute: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** The built web console (`apps/web/dist`), or null: console paths then explain how to build it. */
  webConsoleDir: string | null;
}

export const WORKSPACE_HEADER = 'x-crewship-workspace';
const PARAM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

type Env = { Variables: { requestId: string } };

/** Error details can quote input or upstream text, so they pass the scrubber like every other output. */
function problemResponse(c: Context, error: CrewshipError, scrub: (text: string) => string): Response {
  const problem = toProblem(error);
  problem.detail = scrub(problem.detail);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (error.kind === 'rate_limited' && error.details?.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(error.details.retryAfterSeconds);
  }
  if (error.kind === 'unauthenticated') headers['www-authenticate'] = 'Bearer realm="crewship"';
  return c.body(JSON.stringify(problem), problem.status as 400, headers);
}

function invalid(where: string, issues: z.core.$ZodIssue[]): CrewshipError {
  const fieldIssues: FieldIssue[] = issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
  const summary = fieldIssues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new CrewshipError('invalid_input', `invalid ${where}: ${summary}`, {
    details: { issues: fieldIssues },
  });
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(where, result.error.issues);
  return result.data;
}

async function readJsonBody(c: Context): Promise<unknown> {
  const contentType = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (text.length === 0) return undefined;
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new CrewshipError('invalid_input', 'request body must be JSON with Content-Type: application/json');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CrewshipError('invalid_input', 'request body is not valid JSON');
  }
}

/** Builds the Hono app: middleware, every route with its policy, problem+json for every failure. */
export function createApp(options: AppOptions): { app: Hono<Env>; routes: AnyRoute[]; dispose(): void } {
  const { services, logger } = options;
  const limiters = {
    auth: createRateLimiter(options.authRateLimitPerMinute),
    api: createRateLimiter(options.apiRateLimitPerMinute),
  };
  const httpsOf = (c: Context) => isHttps(c, options.trustProxy);
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('requestId', randomUUID());
    await next();
    c.header('x-request-id', c.get('requestId'));
    logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
      strictTransportSecurity: false,
      crossOriginResourcePolicy: 'same-origin',
    }),
  );
  app.use('*', async (c, next) => {
    await next();
    if (httpsOf(c)) c.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  const limitBody = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) =>
        problemResponse(
          c,
          new CrewshipError('too_large', `request body exceeds the limit of ${maxSize} bytes`),
          services.scrub,
        ),
    });
  const defaultBodyLimit = limitBody(options.bodyLimitBytes);

  function clientAddress(c: Context): string {
    if (options.trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (forwarded) return forwarded;
    }
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }

  async function authenticate(c: Context): Promise<Principal> {
    const credential = readCredential(c);
    const principal = credential ? await services.accounts.authenticate(credential) : null;
    if (!principal) {
      throw new CrewshipError(
        'unauthenticated',
        credential ? 'the session or token is invalid, expired or revoked; log in again' : 'log in first',
      );
    }
    return principal;
  }

  async function resolveWorkspace(
    c: Context,
    principal: Principal,
    access: Access,
  ): Promise<WorkspaceContext> {
    if (access.kind !== 'workspace') throw new Error('resolveWorkspace called for a non-workspace route');
    const requested =
      access.workspaceFrom === 'path' ? c.req.param('workspace') : c.req.header(WORKSPACE_HEADER);
    const context =
      requested === undefined || requested === ''
        ? await services.workspaces.defaultMembership(principal.user.id)
        : await services.workspaces.membership(principal.user.id, requested);
    if (!context) {
      throw new CrewshipError(
        'not_found',
        requested ? `workspace "${requested}" not found` : 'you are not a member of any workspace',
      );
    }
    if (!roleAtLeast(context.role, access.minimum)) {
      throw new CrewshipError(
        'forbidden',
        `this needs the ${access.minimum} role or higher in this workspace; you are ${context.role}`,
      );
    }
    return context;
  }

  const routes = buildRoutes({ isHttps: httpsOf, version: options.version });
  const openApiRoute: AnyRoute = {
    method: 'GET',
    path: '/api/v1/openapi.json',
    tag: 'meta',
    summary: 'This OpenAPI 3.1 document',
    handler: async () => openApiDocument,
  };
  routes.push(openApiRoute);
  const openApiDocument = buildOpenApiDocument(routes, options.version);

  const registered = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const policy = policyFor(route.method, route.path);
    if (!policy) throw new Error(`route ${key} has no entry in the policy table`);
    registered.add(key);
    const routeBodyLimit =
      route.bodyLimitBytes === undefined ? defaultBodyLimit : limitBody(route.bodyLimitBytes);
    app.on(route.method, route.path, routeBodyLimit, async (c) => {
      if (policy.rateLimit !== 'none') {
        const decision = limiters[policy.rateLimit].check(`${policy.rateLimit}:${clientAddress(c)}`);
        if (!decision.allowed) {
          throw new CrewshipError('rate_limited', 'too many requests; slow down and retry later', {
            details: { retryAfterSeconds: decision.retryAfterSeconds },
          });
        }
      }
      const params = c.req.param() as Record<string, string>;
      for (const [name, value] of Object.entries(params)) {
        if (!PARAM_PATTERN.test(value)) {
          throw new CrewshipError(
            'invalid_input',
            `invalid ${name}: must be an id or slug (1-64 of A-Z a-z 0-9 _ -)`,
          );
        }
      }
      const principal = policy.access.kind === 'public' ? undefined : await authenticate(c);
      const workspace =
        policy.access.kind === 'workspace' && principal
          ? await resolveWorkspace(c, principal, policy.access)
          : undefined;
      const query = route.query ? parseWith(route.query, c.req.query(), 'query') : {};
      const body = route.body ? parseWith(route.body, await readJsonBody(c), 'request body') : undefined;
      const result = await route.handler({
        body,
        query,
        params,
        principal: principal as Principal,
        workspace: workspace as WorkspaceContext,
        services,
        hono: c,
      });
      if (result instanceof Response) return result;
      const status = route.status ?? 200;
      if (status === 204) return c.body(null, 204);
      return c.json(result, status);
    });
  }
  for (const key of Object.keys(POLICY)) {
    if (!registered.has(key)) throw new Error(`policy entry ${key} has no route`);
  }
  mountWebConsole(app as never, options.webConsoleDir);

  app.notFound((c) =>
    problemResponse(
      c,
      new CrewshipError('not_found', `no route for ${c.req.method} ${c.req.path}`),
      services.scrub,
    ),
  );
  app.onError((error, c) => {
    if (isCrewshipError(error)) return problemResponse(c, error, services.scrub);
    const requestId = c.get('requestId') ?? 'unknown';
    logger.error('unhandled error', { requestId, error });
    return problemResponse(c, internalError(requestId), services.scrub);
  });

  return {
    app,
    routes,
    dispose() {
      limiters.auth.dispose();
      limiters.api.dispose();
    },
  };
}
