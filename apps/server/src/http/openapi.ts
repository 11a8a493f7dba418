import { problemSchema } from '@crewship/contracts';
import { z } from 'zod';
import type { AnyRoute } from './define-route.js';
import { policyFor } from './policy.js';
import { STATUS_BY_KIND } from './problem.js';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
}

function withoutDialect(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** OpenAPI 3.1 generated from the same route definitions and zod schemas that validate requests. */
export function buildOpenApiDocument(routes: readonly AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const policy = policyFor(route.method, route.path);
    const openApiPath = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.query) {
      const query = withoutDialect(jsonSchema(route.query, 'input'));
      const properties = (query.properties ?? {}) as Record<string, unknown>;
      const required = new Set((query.required ?? []) as string[]);
      for (const [name, schema] of Object.entries(properties)) {
        parameters.push({ name, in: 'query', required: required.has(name), schema });
      }
    }
    if (policy?.access.kind === 'workspace' && policy.access.workspaceFrom === 'header') {
      parameters.push({
        name: 'X-Crewship-Workspace',
        in: 'header',
        required: false,
        description: "Workspace id or slug; defaults to the caller's first workspace",
        schema: { type: 'string' },
      });
    }
    const status = route.status ?? 200;
    let success: Record<string, unknown> = { description: 'Success' };
    if (route.produces === 'application/octet-stream') {
      success = {
        description: 'The raw bytes',
        content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
      };
    } else if (status !== 204 && route.response) {
      success = {
        description: {
          'application/x-ndjson': 'A stream of JSON objects, one per line',
          'text/event-stream': 'Server-sent events whose data is one JSON object each',
          json: 'Success',
        }[route.produces ?? 'json'],
        content: {
          [route.produces ?? 'application/json']: {
            schema: withoutDialect(jsonSchema(route.response, 'output')),
          },
        },
      };
    }
    const responses: Record<string, unknown> = {
      [String(status)]: success,
      [String(STATUS_BY_KIND.invalid_input)]: problemResponse('Invalid input'),
      [String(STATUS_BY_KIND.rate_limited)]: problemResponse('Rate limited'),
    };
    if (policy?.access.kind !== 'public') {
      responses[String(STATUS_BY_KIND.unauthenticated)] = problemResponse('Not authenticated');
    }
    if (policy?.access.kind === 'workspace') {
      responses[String(STATUS_BY_KIND.forbidden)] = problemResponse(
        `Needs role ${policy.access.minimum} or higher`,
      );
      responses[String(STATUS_BY_KIND.not_found)] = problemResponse('Not found in this workspace');
    }
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${openApiPath.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      tags: [route.tag],
      parameters,
      responses,
      'x-crewship-access': policy?.access,
    };
    if (policy?.access.kind === 'public') operation.security = [];
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: withoutDialect(jsonSchema(route.body, 'input')) } },
      };
    }
    paths[openApiPath] ??= {};
    (paths[openApiPath] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Crewship API',
      version,
      description: 'REST API of crewshipd. Errors are RFC 7807 problem+json.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'CLI token crewship_cli_…' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'crewship_session' },
      },
      schemas: { Problem: withoutDialect(jsonSchema(problemSchema, 'output')) },
    },
  };
}
