import {
  type AddMemberRequest,
  agentSchema,
  type BootstrapRequest,
  bootstrapStatusSchema,
  type CliLoginRequest,
  type CreateAgentRequest,
  type CreateCrewRequest,
  type CreateTokenRequest,
  type CreateUserRequest,
  type CreateWorkspaceRequest,
  CrewshipError,
  createdTokenSchema,
  crewSchema,
  type ErrorKind,
  healthSchema,
  isErrorKind,
  type LoginRequest,
  listOf,
  memberSchema,
  meSchema,
  readinessSchema,
  sessionSchema,
  tokenSchema,
  type UpdateAgentRequest,
  type UpdateCrewRequest,
  type UpdateMemberRequest,
  type UpdateWorkspaceRequest,
  userSchema,
  workspaceSchema,
} from '@crewship/contracts';
import { z } from 'zod';

export interface CrewshipClientOptions {
  /** Server base URL, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** CLI bearer token; omit in a browser, where the session cookie is sent instead. */
  token?: string | undefined;
  /** Workspace id or slug sent as `X-Crewship-Workspace`; the server picks the caller's first one otherwise. */
  workspace?: string | undefined;
  fetch?: typeof fetch;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const STATUS_KINDS: Record<number, ErrorKind> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'rate_limited',
  402: 'budget_exceeded',
  503: 'unavailable',
};

const problemBodySchema = z.object({
  detail: z.string().optional(),
  kind: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

async function problemFrom(response: Response): Promise<CrewshipError> {
  const text = await response.text();
  let body: z.infer<typeof problemBodySchema> = {};
  try {
    body = problemBodySchema.parse(JSON.parse(text));
  } catch {
    body = {};
  }
  const kind = isErrorKind(body.kind) ? body.kind : (STATUS_KINDS[response.status] ?? 'internal');
  const retryAfter = Number(response.headers.get('retry-after'));
  return new CrewshipError(kind, body.detail ?? `server answered ${response.status} ${response.statusText}`, {
    details: {
      status: response.status,
      ...(body.errors ? { issues: body.errors } : {}),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
    },
  });
}

const encode = encodeURIComponent;

/** Creates a client; every method resolves to validated data or throws a `CrewshipError`. */
export function createCrewshipClient(options: CrewshipClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<T>(
    method: Method,
    path: string,
    schema: z.ZodType<T> | null,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.workspace) headers['x-crewship-workspace'] = options.workspace;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const code = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CrewshipError(
        'unavailable',
        `cannot reach Crewship at ${baseUrl} (${code}); is it running? Start it with \`crewship start\``,
        { cause: error },
      );
    }
    if (!response.ok) throw await problemFrom(response);
    if (schema === null) return undefined as T;
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new CrewshipError(
        'internal',
        `unexpected response from ${method} ${path}; is the server the same version?`,
      );
    }
    return parsed.data;
  }

  const items = <T>(schema: z.ZodType<T>) => listOf(schema).transform((list) => list.items as T[]);

  return {
    options: { ...options, baseUrl },
    /** A copy of this client with other options (another token or workspace). */
    with(overrides: Partial<CrewshipClientOptions>) {
      return createCrewshipClient({ ...options, ...overrides });
    },
    health: () => call('GET', '/healthz', healthSchema),
    readiness: () => call('GET', '/readyz', readinessSchema),
    openapi: () => call('GET', '/api/v1/openapi.json', z.record(z.string(), z.unknown())),
    bootstrap: {
      status: () => call('GET', '/api/v1/bootstrap', bootstrapStatusSchema),
      create: (input: BootstrapRequest) =>
        call('POST', '/api/v1/bootstrap', z.object({ user: userSchema, workspace: workspaceSchema }), input),
    },
    auth: {
      login: (input: LoginRequest) => call('POST', '/api/v1/auth/login', sessionSchema, input),
      token: (input: CliLoginRequest) => call('POST', '/api/v1/auth/token', createdTokenSchema, input),
      logout: () => call('POST', '/api/v1/auth/logout', null),
    },
    me: () => call('GET', '/api/v1/me', meSchema),
    tokens: {
      list: () => call('GET', '/api/v1/tokens', items(tokenSchema)),
      create: (input: CreateTokenRequest) => call('POST', '/api/v1/tokens', createdTokenSchema, input),
      revoke: (id: string) => call('DELETE', `/api/v1/tokens/${encode(id)}`, null),
    },
    workspaces: {
      list: () => call('GET', '/api/v1/workspaces', items(workspaceSchema)),
      create: (input: CreateWorkspaceRequest) => call('POST', '/api/v1/workspaces', workspaceSchema, input),
      get: (reference: string) => call('GET', `/api/v1/workspaces/${encode(reference)}`, workspaceSchema),
      update: (reference: string, input: UpdateWorkspaceRequest) =>
        call('PATCH', `/api/v1/workspaces/${encode(reference)}`, workspaceSchema, input),
      delete: (reference: string) => call('DELETE', `/api/v1/workspaces/${encode(reference)}`, null),
    },
    users: {
      create: (input: CreateUserRequest) => call('POST', '/api/v1/users', memberSchema, input),
    },
    members: {
      list: () => call('GET', '/api/v1/members', items(memberSchema)),
      add: (input: AddMemberRequest) => call('POST', '/api/v1/members', memberSchema, input),
      update: (userId: string, input: UpdateMemberRequest) =>
        call('PATCH', `/api/v1/members/${encode(userId)}`, memberSchema, input),
      remove: (userId: string) => call('DELETE', `/api/v1/members/${encode(userId)}`, null),
    },
    crews: {
      list: () => call('GET', '/api/v1/crews', items(crewSchema)),
      get: (reference: string) => call('GET', `/api/v1/crews/${encode(reference)}`, crewSchema),
      create: (input: CreateCrewRequest) => call('POST', '/api/v1/crews', crewSchema, input),
      update: (reference: string, input: UpdateCrewRequest) =>
        call('PATCH', `/api/v1/crews/${encode(reference)}`, crewSchema, input),
      delete: (reference: string) => call('DELETE', `/api/v1/crews/${encode(reference)}`, null),
    },
    agents: {
      list: (filter: { crew?: string | undefined } = {}) =>
        call('GET', `/api/v1/agents${filter.crew ? `?crew=${encode(filter.crew)}` : ''}`, items(agentSchema)),
      get: (reference: string) => call('GET', `/api/v1/agents/${encode(reference)}`, agentSchema),
      create: (input: CreateAgentRequest) => call('POST', '/api/v1/agents', agentSchema, input),
      update: (reference: string, input: UpdateAgentRequest) =>
        call('PATCH', `/api/v1/agents/${encode(reference)}`, agentSchema, input),
      delete: (reference: string) => call('DELETE', `/api/v1/agents/${encode(reference)}`, null),
    },
  };
}

export type CrewshipClient = ReturnType<typeof createCrewshipClient>;
