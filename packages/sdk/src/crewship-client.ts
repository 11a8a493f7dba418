import {
  type AddMemberRequest,
  type AgentToolName,
  type ApprovalStatus,
  agentFileListSchema,
  agentSchema,
  agentToolSchema,
  approvalRulesSchema,
  approvalSchema,
  type BootstrapRequest,
  type BudgetWindow,
  bootstrapStatusSchema,
  budgetSchema,
  type ChatStreamLine,
  type CliLoginRequest,
  type CreateAgentRequest,
  type CreateCredentialRequest,
  type CreateCrewRequest,
  type CreateTokenRequest,
  type CreateUserRequest,
  type CreateWorkspaceRequest,
  CrewshipError,
  chatMessageSchema,
  chatSchema,
  chatStreamDoneSchema,
  chatStreamLineSchema,
  containerStatusSchema,
  costLedgerEntrySchema,
  createdTokenSchema,
  credentialSchema,
  crewSchema,
  type DecideApprovalRequest,
  type ErrorKind,
  type ExecOutputEvent,
  type ExecRequest,
  type ExecResultEvent,
  execOutputEventSchema,
  execResultEventSchema,
  healthSchema,
  type InboxKind,
  type InboxStatus,
  inboxCountSchema,
  inboxItemSchema,
  inboxPageSchema,
  isCrewshipError,
  isErrorKind,
  type JournalEntryDto,
  journalEntrySchema,
  journalPageSchema,
  journalVerificationSchema,
  keeperRulesDocumentSchema,
  keeperStatusSchema,
  type LoginRequest,
  type listJournalQuerySchema,
  listOf,
  type listRunsQuerySchema,
  memberSchema,
  meSchema,
  type PAYMASTER_GROUPINGS,
  paymasterSummarySchema,
  postMessageResponseSchema,
  type RunStatus,
  ratePriceSchema,
  readinessSchema,
  reencryptResultSchema,
  runSchema,
  runStatsSchema,
  type SetBudgetRequest,
  type SetRatePriceRequest,
  sessionSchema,
  sessionStateSchema,
  type setApprovalRulesRequestSchema,
  tokenSchema,
  toolInstallProgressEventSchema,
  toolInstallResultEventSchema,
  type UpdateAgentRequest,
  type UpdateCrewRequest,
  type UpdateMemberRequest,
  type UpdateWorkspaceRequest,
  type updateCredentialRequestSchema,
  userSchema,
  workspaceSchema,
  wsTokenSchema,
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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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

function unexpected(method: string, path: string): CrewshipError {
  return new CrewshipError(
    'internal',
    `unexpected response from ${method} ${path}; is the server the same version?`,
  );
}

function cancelledError(cause: unknown): CrewshipError {
  return new CrewshipError('unavailable', 'the request was cancelled', {
    cause,
    details: { cancelled: true },
  });
}

/** `?a=1&b=x` from the defined values, or '' when there are none. */
function queryString(values: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(values).filter(
    (pair): pair is [string, string | number] => pair[1] !== undefined && pair[1] !== '',
  );
  if (pairs.length === 0) return '';
  return `?${pairs.map(([key, value]) => `${encode(key)}=${encode(String(value))}`).join('&')}`;
}

/** Reads server-sent events and yields each event's `data` parsed with `schema`. */
async function* readServerSentEvents<T>(
  response: Response,
  schema: z.ZodType<T>,
  what: string,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  if (!response.body) throw unexpected('reading', what);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  let data: string[] = [];
  try {
    while (true) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) return;
        throw new CrewshipError('unavailable', `lost the stream of ${what}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (chunk.done) return;
      pending += decoder.decode(chunk.value, { stream: true });
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline).replace(/\r$/, '');
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        else if (line === '' && data.length > 0) {
          let value: unknown;
          try {
            value = JSON.parse(data.join('\n'));
          } catch {
            throw unexpected('reading', what);
          }
          data = [];
          const parsed = schema.safeParse(value);
          if (!parsed.success) throw unexpected('reading', what);
          yield parsed.data;
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * A streamed answer (NDJSON): iterate it for the events as they arrive; `result` settles with the
 * final line. A failure reported by the server mid-stream rejects both with a `CrewshipError`.
 */
export interface NdjsonStream<Event, Result> extends AsyncIterable<Event> {
  result: Promise<Result>;
}

const errorLineSchema = z.object({ error: z.object({ kind: z.string(), detail: z.string() }) });

function readNdjson<Event, Result>(
  response: Response,
  schemas: { event: z.ZodType<Event>; result: z.ZodType<Result> },
  context: { what: string; signal?: AbortSignal | undefined },
): NdjsonStream<Event, Result> {
  const buffered: Event[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: CrewshipError | undefined;
  let settle!: { resolve: (result: Result) => void; reject: (error: unknown) => void };
  const result = new Promise<Result>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => {});
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const finish = (outcome: { result: Result } | { error: CrewshipError }) => {
    if (finished) return;
    finished = true;
    if ('error' in outcome) {
      failure = outcome.error;
      settle.reject(outcome.error);
    } else {
      settle.resolve(outcome.result);
    }
    notify();
  };
  const handleLine = (line: string) => {
    if (line.trim() === '' || finished) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw unexpected('reading', context.what);
    }
    const asError = errorLineSchema.safeParse(value);
    if (asError.success) {
      const { kind, detail } = asError.data.error;
      finish({ error: new CrewshipError(isErrorKind(kind) ? kind : 'internal', detail) });
      return;
    }
    const asEvent = schemas.event.safeParse(value);
    if (asEvent.success) {
      buffered.push(asEvent.data);
      notify();
      return;
    }
    const asResult = schemas.result.safeParse(value);
    if (asResult.success) {
      finish({ result: asResult.data });
      return;
    }
    throw unexpected('reading', context.what);
  };
  void (async () => {
    const decoder = new TextDecoder();
    let pending = '';
    try {
      if (!response.body) throw unexpected('reading', context.what);
      const reader = response.body.getReader();
      while (!finished) {
        const { done, value } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          handleLine(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
          newline = pending.indexOf('\n');
        }
      }
      handleLine(pending + decoder.decode());
      if (!finished) {
        throw new CrewshipError('unavailable', `the connection closed before ${context.what} finished`);
      }
    } catch (error) {
      if (context.signal?.aborted) finish({ error: cancelledError(error) });
      else if (isCrewshipError(error)) finish({ error });
      else
        finish({
          error: new CrewshipError(
            'unavailable',
            `lost the stream of ${context.what}: ${(error as Error).message}`,
            {
              cause: error,
            },
          ),
        });
    }
  })();
  return {
    result,
    async *[Symbol.asyncIterator]() {
      while (true) {
        const next = buffered.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (finished) {
          if (failure) throw failure;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}

/** Creates a client; every method resolves to validated data or throws a `CrewshipError`. */
export function createCrewshipClient(options: CrewshipClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function send(
    method: Method,
    path: string,
    body: unknown,
    accept: string,
    signal?: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept };
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
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw cancelledError(error);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const code = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CrewshipError(
        'unavailable',
        `cannot reach Crewship at ${baseUrl} (${code}); is it running? Start it with \`crewship start\``,
        { cause: error },
      );
    }
    if (!response.ok) throw await problemFrom(response);
    return response;
  }

  async function call<T>(
    method: Method,
    path: string,
    schema: z.ZodType<T> | null,
    body?: unknown,
  ): Promise<T> {
    const response = await send(method, path, body, 'application/json');
    if (schema === null) return undefined as T;
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw unexpected(method, path);
    return parsed.data;
  }

  async function stream<Event, Result>(
    method: Method,
    path: string,
    body: unknown,
    schemas: { event: z.ZodType<Event>; result: z.ZodType<Result> },
    signal?: AbortSignal,
  ): Promise<NdjsonStream<Event, Result>> {
    const response = await send(method, path, body, 'application/x-ndjson', signal);
    return readNdjson(response, schemas, { what: `${method} ${path}`, signal });
  }

  async function bytes(path: string): Promise<Uint8Array> {
    const response = await send('GET', path, undefined, 'application/octet-stream');
    return new Uint8Array(await response.arrayBuffer());
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
      /** Set-up needed, and the caller or null: what a browser checks first, without a 401. */
      session: () => call('GET', '/api/v1/auth/session', sessionStateSchema),
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
      /** Starts the crew's container (Manager). */
      containerStart: (reference: string) =>
        call('POST', `/api/v1/crews/${encode(reference)}/container-start`, containerStatusSchema),
      containerStop: (reference: string) =>
        call('POST', `/api/v1/crews/${encode(reference)}/container-stop`, containerStatusSchema),
      containerStatus: (reference: string) =>
        call('GET', `/api/v1/crews/${encode(reference)}/container-status`, containerStatusSchema),
      /**
       * Runs a command in the crew's container (Admin): output lines as they come, then the exit code.
       * Aborting `signal` cancels the command on the server.
       */
      exec: (
        reference: string,
        request: ExecRequest,
        control: { signal?: AbortSignal } = {},
      ): Promise<NdjsonStream<ExecOutputEvent, ExecResultEvent>> =>
        stream(
          'POST',
          `/api/v1/crews/${encode(reference)}/exec`,
          request,
          { event: execOutputEventSchema, result: execResultEventSchema },
          control.signal,
        ),
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
      /** Files in the agent's output directory (at most 1000; `truncated` says when there are more). */
      files: (reference: string) =>
        call('GET', `/api/v1/agents/${encode(reference)}/files`, agentFileListSchema),
      /** One file of the agent's output directory, as bytes. */
      fileContent: (reference: string, path: string) =>
        bytes(`/api/v1/agents/${encode(reference)}/files/content?path=${encode(path)}`),
    },
    /** Credentials of the workspace: values go in (create, rotate) and never come back, only `last4`. */
    credentials: {
      list: () => call('GET', '/api/v1/credentials', items(credentialSchema)),
      /** By id or name. */
      get: (reference: string) => call('GET', `/api/v1/credentials/${encode(reference)}`, credentialSchema),
      create: (input: CreateCredentialRequest) =>
        call('POST', '/api/v1/credentials', credentialSchema, input),
      update: (reference: string, input: z.input<typeof updateCredentialRequestSchema>) =>
        call('PATCH', `/api/v1/credentials/${encode(reference)}`, credentialSchema, input),
      delete: (reference: string) => call('DELETE', `/api/v1/credentials/${encode(reference)}`, null),
      /** Replaces the value (Admin). */
      rotate: (reference: string, value: string) =>
        call('POST', `/api/v1/credentials/${encode(reference)}/rotate`, credentialSchema, { value }),
      /** Agents by id or slug. */
      assign: (reference: string, agents: readonly string[]) =>
        call('POST', `/api/v1/credentials/${encode(reference)}/assign`, credentialSchema, { agents }),
      unassign: (reference: string, agents: readonly string[]) =>
        call('POST', `/api/v1/credentials/${encode(reference)}/unassign`, credentialSchema, { agents }),
    },
    /** Chats with agents: a message starts a run whose events stream live. */
    chats: {
      /** Starts a chat with an agent (id or slug). */
      create: (agent: string, input: { title?: string } = {}) =>
        call('POST', `/api/v1/agents/${encode(agent)}/chats`, chatSchema, input),
      list: (filter: { agent?: string | undefined } = {}) =>
        call('GET', `/api/v1/chats${queryString({ agent: filter.agent })}`, items(chatSchema)),
      get: (chat: string) => call('GET', `/api/v1/chats/${encode(chat)}`, chatSchema),
      messages: (chat: string, page: { after?: string | undefined; limit?: number | undefined } = {}) =>
        call(
          'GET',
          `/api/v1/chats/${encode(chat)}/messages${queryString({ after: page.after, limit: page.limit })}`,
          items(chatMessageSchema),
        ),
      /** Sends a message, which starts a run; stream it from `stream_after_seq`. */
      send: (chat: string, content: string, options: { timeoutSeconds?: number | undefined } = {}) =>
        call('POST', `/api/v1/chats/${encode(chat)}/messages`, postMessageResponseSchema, {
          content,
          ...(options.timeoutSeconds ? { timeout_seconds: options.timeoutSeconds } : {}),
        }),
      /**
       * Live events of the chat. With `run`, `result` resolves with the run once it has ended and the
       * iteration stops; without, it follows until `signal` aborts.
       */
      stream: (
        chat: string,
        options: { afterSeq?: number | undefined; run?: string | undefined; signal?: AbortSignal } = {},
      ): Promise<NdjsonStream<ChatStreamLine, z.output<typeof chatStreamDoneSchema>>> =>
        stream(
          'GET',
          `/api/v1/chats/${encode(chat)}/stream${queryString({ after_seq: options.afterSeq, run: options.run })}`,
          undefined,
          { event: chatStreamLineSchema, result: chatStreamDoneSchema },
          options.signal,
        ),
    },
    runs: {
      list: (
        query: Omit<Partial<z.input<typeof listRunsQuerySchema>>, 'limit'> & {
          status?: RunStatus;
          limit?: number;
        } = {},
      ) => call('GET', `/api/v1/runs${queryString(query)}`, items(runSchema)),
      get: (run: string) => call('GET', `/api/v1/runs/${encode(run)}`, runSchema),
      stats: (query: { since?: string; crew?: string; agent?: string } = {}) =>
        call('GET', `/api/v1/runs/stats${queryString(query)}`, runStatsSchema),
      /** Cancels a run in progress; resolves with the ended run. */
      cancel: (run: string) => call('POST', `/api/v1/runs/${encode(run)}/cancel`, runSchema),
    },
    journal: {
      /** Newest first; pass `next_cursor` back as `cursor` for the next page. */
      list: (
        query: Omit<Partial<z.input<typeof listJournalQuerySchema>>, 'limit'> & { limit?: number } = {},
      ) => call('GET', `/api/v1/journal${queryString(query)}`, journalPageSchema),
      verify: () => call('GET', '/api/v1/journal/verify', journalVerificationSchema),
      /** New entries as they are written (after `afterSeq` from the database first), until `signal` aborts. */
      tail: async (
        options: { afterSeq?: number | undefined; type?: string | undefined; signal?: AbortSignal } = {},
      ): Promise<AsyncIterable<JournalEntryDto>> => {
        const path = `/api/v1/journal/stream${queryString({ after_seq: options.afterSeq, type: options.type })}`;
        const response = await send('GET', path, undefined, 'text/event-stream', options.signal);
        return readServerSentEvents(response, journalEntrySchema, `GET ${path}`, options.signal);
      },
    },
    /** A short-lived token for the WebSocket at /ws. */
    wsToken: () => call('GET', '/api/v1/ws-token', wsTokenSchema),
    admin: {
      /** Rotates the server's ENCRYPTION_KEY and re-encrypts every credential (Owner of the first workspace). */
      reencrypt: () => call('POST', '/api/v1/admin/reencrypt', reencryptResultSchema),
    },
    tools: {
      list: () => call('GET', '/api/v1/tools', items(agentToolSchema)),
      /** Installs agent CLIs (Admin): progress lines as they come, then the installed tools. */
      install: async (tools: readonly AgentToolName[], control: { signal?: AbortSignal } = {}) => {
        const events = await stream(
          'POST',
          '/api/v1/tools/install',
          { tools },
          { event: toolInstallProgressEventSchema, result: toolInstallResultEventSchema },
          control.signal,
        );
        return {
          result: events.result.then((final) => final.tools),
          async *[Symbol.asyncIterator]() {
            for await (const event of events) yield event.progress;
          },
        };
      },
    },
    /** Paymaster: what LLM calls cost, from the ledger the gateway writes, and the rate card that prices them. */
    paymaster: {
      /** Spend of the current window, grouped (defaults: by agent, this month). */
      summary: (
        query: { by?: (typeof PAYMASTER_GROUPINGS)[number]; window?: BudgetWindow | undefined } = {},
      ) => call('GET', `/api/v1/paymaster/summary${queryString(query)}`, paymasterSummarySchema),
      /** Ledger rows, newest first; `agent` and `crew` take an id or slug. */
      ledger: (
        query: {
          run?: string | undefined;
          agent?: string | undefined;
          crew?: string | undefined;
          limit?: number | undefined;
        } = {},
      ) => call('GET', `/api/v1/paymaster/ledger${queryString(query)}`, items(costLedgerEntrySchema)),
      /** The rate card: shipped defaults and the workspace's own prices, in dollars per million tokens. */
      rates: () => call('GET', '/api/v1/paymaster/rates', items(ratePriceSchema)),
      /** Sets the workspace's price of one provider and model (Admin). */
      setRate: (input: SetRatePriceRequest) => call('PUT', '/api/v1/paymaster/rates', ratePriceSchema, input),
    },
    /** Spending limits per workspace, crew or agent and window, with what the current window has spent. */
    budgets: {
      list: () => call('GET', '/api/v1/budgets', items(budgetSchema)),
      /** Creates or replaces the budget of one scope and window (Admin). */
      set: (input: SetBudgetRequest) => call('PUT', '/api/v1/budgets', budgetSchema, input),
      delete: (id: string) => call('DELETE', `/api/v1/budgets/${encode(id)}`, null),
    },
    /** Approval requests raised by the workspace's rules, and the rules themselves. */
    approvals: {
      list: (
        query: {
          status?: ApprovalStatus | undefined;
          run?: string | undefined;
          limit?: number | undefined;
        } = {},
      ) => call('GET', `/api/v1/approvals${queryString(query)}`, items(approvalSchema)),
      get: (id: string) => call('GET', `/api/v1/approvals/${encode(id)}`, approvalSchema),
      /** Approves or denies a pending request; a run waiting on it resumes or stops. */
      decide: (id: string, input: DecideApprovalRequest) =>
        call('POST', `/api/v1/approvals/${encode(id)}/decide`, approvalSchema, input),
      rules: () => call('GET', '/api/v1/approvals/rules', approvalRulesSchema),
      /** Replaces the workspace's rules (Admin). */
      setRules: (input: z.input<typeof setApprovalRulesRequestSchema>) =>
        call('PUT', '/api/v1/approvals/rules', approvalRulesSchema, input),
    },
    /** Keeper: the policy that decides when an agent may use a credential. */
    keeper: {
      status: () => call('GET', '/api/v1/keeper/status', keeperStatusSchema),
      rules: () => call('GET', '/api/v1/keeper/rules', keeperRulesDocumentSchema),
      /** Replaces the workspace's YAML rules (Admin); invalid YAML is refused as `invalid_input`. */
      setRules: (yaml: string) => call('PUT', '/api/v1/keeper/rules', keeperRulesDocumentSchema, { yaml }),
      /** The latest `keeper.decision` journal entries, newest first. */
      requests: (query: { limit?: number | undefined } = {}) =>
        call('GET', `/api/v1/keeper/requests${queryString(query)}`, items(journalEntrySchema)),
    },
    /** The caller's inbox: approvals, failed runs and budget warnings addressed to them or their role. */
    inbox: {
      /** Newest first; pass `next_cursor` back as `cursor` for the next page. */
      list: (
        query: {
          status?: InboxStatus | undefined;
          kind?: InboxKind | undefined;
          cursor?: string | undefined;
          limit?: number | undefined;
        } = {},
      ) => call('GET', `/api/v1/inbox${queryString(query)}`, inboxPageSchema),
      count: () => call('GET', '/api/v1/inbox/count', inboxCountSchema),
      read: (id: string) => call('POST', `/api/v1/inbox/${encode(id)}/read`, inboxItemSchema),
      resolve: (id: string) => call('POST', `/api/v1/inbox/${encode(id)}/resolve`, inboxItemSchema),
      archive: (id: string) => call('POST', `/api/v1/inbox/${encode(id)}/archive`, inboxItemSchema),
    },
  };
}

export type CrewshipClient = ReturnType<typeof createCrewshipClient>;
