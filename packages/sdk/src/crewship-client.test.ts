import { CrewshipError } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { createCrewshipClient } from './crewship-client.js';

function fakeFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return handler(String(input), init ?? {});
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('createCrewshipClient', () => {
  it('sends the token and workspace headers and unwraps lists', async () => {
    const { calls, fetchImpl } = fakeFetch(() => json(200, { items: [] }));
    const client = createCrewshipClient({
      baseUrl: 'http://host:1/',
      token: 'crewship_cli_x',
      workspace: 'team',
      fetch: fetchImpl,
    });
    expect(await client.crews.list()).toEqual([]);
    expect(calls[0]?.url).toBe('http://host:1/api/v1/crews');
    const headers = calls[0]?.init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer crewship_cli_x');
    expect(headers['x-crewship-workspace']).toBe('team');
  });

  it('turns problem+json into a CrewshipError with kind, issues and retry-after', async () => {
    const { fetchImpl } = fakeFetch(() =>
      json(
        429,
        {
          type: 'urn:crewship:problem:rate_limited',
          title: 't',
          status: 429,
          detail: 'slow down',
          kind: 'rate_limited',
        },
        { 'retry-after': '30' },
      ),
    );
    const client = createCrewshipClient({ baseUrl: 'http://host:1', fetch: fetchImpl });
    const error = await client.me().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CrewshipError);
    expect(error).toMatchObject({
      kind: 'rate_limited',
      message: 'slow down',
      details: { retryAfterSeconds: 30 },
    });
  });

  it('maps a status without a problem body to a kind', async () => {
    const { fetchImpl } = fakeFetch(() => new Response('<html>gateway</html>', { status: 403 }));
    const client = createCrewshipClient({ baseUrl: 'http://host:1', fetch: fetchImpl });
    await expect(client.crews.get('x')).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('reports an unreachable server as unavailable with a hint', async () => {
    const { fetchImpl } = fakeFetch(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    const client = createCrewshipClient({ baseUrl: 'http://127.0.0.1:1', fetch: fetchImpl });
    await expect(client.health()).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(
        /cannot reach Crewship at http:\/\/127.0.0.1:1 \(ECONNREFUSED\).*crewship start/,
      ),
    });
  });

  it('rejects a reply that does not match the contract', async () => {
    const { fetchImpl } = fakeFetch(() => json(200, { id: 42 }));
    const client = createCrewshipClient({ baseUrl: 'http://host:1', fetch: fetchImpl });
    await expect(client.crews.get('x')).rejects.toMatchObject({ kind: 'internal' });
  });

  it('encodes path segments', async () => {
    const { calls, fetchImpl } = fakeFetch(() => new Response(null, { status: 204 }));
    const client = createCrewshipClient({ baseUrl: 'http://host:1', fetch: fetchImpl });
    await client.crews.delete('../admin');
    expect(calls[0]?.url).toBe('http://host:1/api/v1/crews/..%2Fadmin');
  });

  it('sends exec requests and streams NDJSON events split across chunks, then the result', async () => {
    const chunks = [
      '{"stream":"stdout","line":"one"}\n{"stream":"std',
      'err","line":"two"}\n',
      '{"exit_code":3,"timed_out":false,"cancelled":false,"duration_ms":12}\n',
    ];
    const { calls, fetchImpl } = fakeFetch(() => ndjsonResponse(chunks));
    const client = createCrewshipClient({ baseUrl: 'http://host:1', token: 't', fetch: fetchImpl });
    const stream = await client.crews.exec('web team', { cmd: ['sh', '-c', 'x'], agent: 'ada' });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events).toEqual([
      { stream: 'stdout', line: 'one' },
      { stream: 'stderr', line: 'two' },
    ]);
    expect(await stream.result).toEqual({
      exit_code: 3,
      timed_out: false,
      cancelled: false,
      duration_ms: 12,
    });
    expect(calls[0]?.url).toBe('http://host:1/api/v1/crews/web%20team/exec');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ cmd: ['sh', '-c', 'x'], agent: 'ada' });
    expect((calls[0]?.init.headers as Record<string, string> | undefined)?.accept).toBe(
      'application/x-ndjson',
    );
  });

  it('settles the result without iterating, and rejects on an error line or a cut stream', async () => {
    const client = (chunks: string[]) =>
      createCrewshipClient({
        baseUrl: 'http://host:1',
        fetch: fakeFetch(() => ndjsonResponse(chunks)).fetchImpl,
      });
    const quiet = await client([
      '{"stream":"stdout","line":"x"}\n{"exit_code":0,"timed_out":false,"cancelled":false,"duration_ms":1}',
    ]).crews.exec('c', { cmd: ['true'] });
    expect((await quiet.result).exit_code).toBe(0);

    const failing = await client([
      '{"stream":"stdout","line":"x"}\n{"error":{"kind":"unavailable","detail":"engine gone"}}\n',
    ]).crews.exec('c', { cmd: ['true'] });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const event of failing) seen.push(event);
      })(),
    ).rejects.toMatchObject({ kind: 'unavailable', message: 'engine gone' });
    expect(seen).toHaveLength(1);
    await expect(failing.result).rejects.toMatchObject({ kind: 'unavailable' });

    const cut = await client(['{"stream":"stdout","line":"x"}\n']).crews.exec('c', { cmd: ['true'] });
    await expect(cut.result).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('closed before'),
    });

    const garbage = await client(['<html>proxy error</html>\n']).crews.exec('c', { cmd: ['true'] });
    await expect(garbage.result).rejects.toMatchObject({ kind: 'internal' });
  });

  it('throws the problem before streaming when the server refuses the exec', async () => {
    const { fetchImpl } = fakeFetch(() =>
      json(403, { type: 't', title: 't', status: 403, detail: 'needs ADMIN', kind: 'forbidden' }),
    );
    const client = createCrewshipClient({ baseUrl: 'http://host:1', fetch: fetchImpl });
    await expect(client.crews.exec('c', { cmd: ['true'] })).rejects.toMatchObject({
      kind: 'forbidden',
      message: 'needs ADMIN',
    });
  });

  it('streams tool install progress as lines and resolves the installed tools', async () => {
    const tool = {
      name: 'codex',
      package: '@openai/codex',
      version: '1.0.0',
      installed: true,
      installed_at: '2025-01-01T00:00:00.000Z',
      binary: 'codex',
    };
    const { calls, fetchImpl } = fakeFetch(() =>
      ndjsonResponse(['{"progress":"installing codex"}\n', `${JSON.stringify({ tools: [tool] })}\n`]),
    );
    const client = createCrewshipClient({ baseUrl: 'http://host:1', fetch: fetchImpl });
    const install = await client.tools.install(['codex']);
    const lines: string[] = [];
    for await (const line of install) lines.push(line);
    expect(lines).toEqual(['installing codex']);
    expect(await install.result).toEqual([tool]);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ tools: ['codex'] });
  });

  it('returns file contents as bytes and encodes the path as a query parameter', async () => {
    const { calls, fetchImpl } = fakeFetch(
      () =>
        new Response(new Uint8Array([0, 1, 255]), {
          headers: { 'content-type': 'application/octet-stream' },
        }),
    );
    const client = createCrewshipClient({ baseUrl: 'http://host:1', fetch: fetchImpl });
    expect([...(await client.agents.fileContent('ada', 'out/a b&c.bin'))]).toEqual([0, 1, 255]);
    expect(calls[0]?.url).toBe('http://host:1/api/v1/agents/ada/files/content?path=out%2Fa%20b%26c.bin');
  });
});

const AT = '2025-01-31T09:00:00.000Z';

const budget = {
  id: 'b1',
  workspace_id: 'w1',
  scope: 'crew',
  scope_id: 'c1',
  window: 'month',
  mode: 'hard',
  limit_usd: 5,
  limit_tokens: null,
  spent_usd: 0.25,
  spent_tokens: 1200,
  window_start: AT,
  created_at: AT,
  updated_at: AT,
};

const approval = {
  id: 'a1',
  workspace_id: 'w1',
  crew_id: 'c1',
  agent_id: 'g1',
  run_id: 'r1',
  rule_name: 'no rm',
  trigger: 'tool_use',
  mode: 'sync',
  status: 'approved',
  summary: 'Bash: rm -rf build',
  detail: { tool: 'Bash' },
  requested_at: AT,
  expires_at: null,
  decided_at: AT,
  decided_by: 'ada@example.com',
  note: 'fine',
};

const inboxItem = {
  id: 'i1',
  workspace_id: 'w1',
  kind: 'failed_run',
  target_user_id: null,
  target_role: 'ADMIN',
  title: 'Run failed',
  body: 'reviewer: bad_credential',
  ref_type: 'run',
  ref_id: 'r1',
  status: 'read',
  created_at: AT,
  read_at: AT,
  resolved_at: null,
  resolved_by: null,
};

const rate = {
  provider: 'anthropic',
  model: 'claude-x',
  input_per_m: 3,
  output_per_m: 15,
  cache_read_per_m: 0.3,
  cache_write_per_m: 3.75,
  source: 'workspace',
};

describe('governance methods', () => {
  /** A client whose fake server answers each `METHOD path?query` from `routes`, 404 otherwise. */
  function governanceClient(routes: Record<string, () => Response>) {
    const { calls, fetchImpl } = fakeFetch((url, init) => {
      const { pathname, search } = new URL(url);
      const answer = routes[`${init.method ?? 'GET'} ${pathname}${search}`];
      return answer
        ? answer()
        : json(404, {
            type: 't',
            title: 't',
            status: 404,
            detail: 'approval x not found',
            kind: 'not_found',
          });
    });
    const client = createCrewshipClient({
      baseUrl: 'http://host:1',
      token: 't',
      workspace: 'team',
      fetch: fetchImpl,
    });
    const sent = (index: number) => ({
      method: calls[index]?.init.method,
      body: calls[index]?.init.body === undefined ? undefined : JSON.parse(String(calls[index]?.init.body)),
      workspace: (calls[index]?.init.headers as Record<string, string> | undefined)?.['x-crewship-workspace'],
    });
    return { client, calls, sent };
  }

  it('reads the Paymaster summary, ledger and rate card and sets a price with PUT', async () => {
    const summary = {
      window: 'week',
      window_start: AT,
      by: 'model',
      total_usd: 0.0123,
      total_tokens: 165,
      unpriced_calls: 1,
      groups: [
        {
          key: 'anthropic/claude-x',
          label: 'anthropic/claude-x',
          calls: 2,
          cost_usd: 0.0123,
          input_tokens: 120,
          output_tokens: 45,
          cache_read_tokens: 0,
          cache_write_tokens: 0,
        },
      ],
    };
    const entry = {
      id: 'l1',
      at: AT,
      workspace_id: 'w1',
      crew_id: 'c1',
      agent_id: 'g1',
      run_id: 'r 1',
      provider: 'anthropic',
      model: 'claude-x',
      input_tokens: 120,
      output_tokens: 45,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      cost_usd: null,
      billing_mode: 'subscription',
      cost_confidence: 'unpriced',
      status: 200,
    };
    const { client, sent } = governanceClient({
      'GET /api/v1/paymaster/summary?by=model&window=week': () => json(200, summary),
      'GET /api/v1/paymaster/summary': () => json(200, { ...summary, by: 'agent', window: 'month' }),
      'GET /api/v1/paymaster/ledger?run=r%201&agent=ada&limit=5': () => json(200, { items: [entry] }),
      'GET /api/v1/paymaster/rates': () => json(200, { items: [rate] }),
      'PUT /api/v1/paymaster/rates': () => json(200, rate),
    });
    expect(await client.paymaster.summary({ by: 'model', window: 'week' })).toEqual(summary);
    expect((await client.paymaster.summary()).by).toBe('agent');
    expect(await client.paymaster.ledger({ run: 'r 1', agent: 'ada', crew: undefined, limit: 5 })).toEqual([
      entry,
    ]);
    expect(await client.paymaster.rates()).toEqual([rate]);
    const input = { provider: 'anthropic', model: 'claude-x', input_per_m: 3, output_per_m: 15 } as const;
    expect(await client.paymaster.setRate(input)).toEqual(rate);
    expect(sent(4)).toEqual({ method: 'PUT', body: input, workspace: 'team' });
  });

  it('lists, sets and deletes budgets', async () => {
    const { client, sent } = governanceClient({
      'GET /api/v1/budgets': () => json(200, { items: [budget] }),
      'PUT /api/v1/budgets': () => json(200, budget),
      'DELETE /api/v1/budgets/b%2F1': () => new Response(null, { status: 204 }),
    });
    expect(await client.budgets.list()).toEqual([budget]);
    const input = { scope: 'crew', scope_ref: 'web-team', window: 'month', limit_usd: 5 } as const;
    expect(await client.budgets.set(input)).toEqual(budget);
    expect(sent(1)).toEqual({ method: 'PUT', body: input, workspace: 'team' });
    expect(await client.budgets.delete('b/1')).toBeUndefined();
    expect(sent(2).method).toBe('DELETE');
  });

  it('lists, reads and decides approvals, and reads and replaces the rules', async () => {
    const rules = {
      source: 'workspace',
      rules: [{ name: 'no rm', on: 'tool_use', tool: 'Bash', input: '*rm -rf*', mode: 'sync' }],
    } as const;
    const { client, sent } = governanceClient({
      'GET /api/v1/approvals?status=pending&run=r1&limit=10': () => json(200, { items: [] }),
      'GET /api/v1/approvals/a1': () => json(200, approval),
      'POST /api/v1/approvals/a1/decide': () => json(200, approval),
      'GET /api/v1/approvals/rules': () => json(200, { source: 'default', rules: [] }),
      'PUT /api/v1/approvals/rules': () => json(200, rules),
    });
    expect(await client.approvals.list({ status: 'pending', run: 'r1', limit: 10 })).toEqual([]);
    expect(await client.approvals.get('a1')).toEqual(approval);
    expect(await client.approvals.decide('a1', { decision: 'approve', note: 'fine' })).toEqual(approval);
    expect(sent(2)).toEqual({
      method: 'POST',
      body: { decision: 'approve', note: 'fine' },
      workspace: 'team',
    });
    expect(await client.approvals.rules()).toEqual({ source: 'default', rules: [] });
    expect(await client.approvals.setRules({ rules: [...rules.rules] })).toEqual(rules);
    expect(sent(4)).toEqual({ method: 'PUT', body: { rules: rules.rules }, workspace: 'team' });
    await expect(client.approvals.decide('x', { decision: 'deny' })).rejects.toMatchObject({
      kind: 'not_found',
      message: 'approval x not found',
    });
  });

  it('reads the Keeper status, rules and recent decisions, and replaces the rules as {yaml}', async () => {
    const status = {
      judge: { configured: false, kind: null, model: null, url: null, timeout_ms: 5000 },
      rules: 1,
      decisions_24h: { allow: 2, deny: 1 },
    };
    const document = { yaml: 'rules: []\n', rules: 0, updated_at: AT };
    const decision = {
      id: 'j1',
      seq: 7,
      at: AT,
      workspace_id: 'w1',
      crew_id: 'c1',
      agent_id: 'g1',
      trace_id: null,
      entry_type: 'keeper.decision',
      severity: 'info',
      actor: 'keeper',
      summary: 'Keeper denied github-token to ada',
      payload: { decision: 'deny' },
      prev_hash: 'a',
      entry_hash: 'b',
    };
    const { client, sent } = governanceClient({
      'GET /api/v1/keeper/status': () => json(200, status),
      'GET /api/v1/keeper/rules': () => json(200, document),
      'PUT /api/v1/keeper/rules': () => json(200, document),
      'GET /api/v1/keeper/requests?limit=3': () => json(200, { items: [decision] }),
    });
    expect(await client.keeper.status()).toEqual(status);
    expect(await client.keeper.rules()).toEqual(document);
    expect(await client.keeper.setRules('rules: []\n')).toEqual(document);
    expect(sent(2)).toEqual({ method: 'PUT', body: { yaml: 'rules: []\n' }, workspace: 'team' });
    expect(await client.keeper.requests({ limit: 3 })).toEqual([decision]);
  });

  it('pages the inbox, counts unread items and moves an item along', async () => {
    const { client, sent } = governanceClient({
      'GET /api/v1/inbox?status=unread&kind=failed_run&cursor=c2&limit=20': () =>
        json(200, { items: [inboxItem], next_cursor: 'c3' }),
      'GET /api/v1/inbox/count': () => json(200, { unread: 4 }),
      'POST /api/v1/inbox/i1/read': () => json(200, inboxItem),
      'POST /api/v1/inbox/i1/resolve': () => json(200, { ...inboxItem, status: 'resolved' }),
      'POST /api/v1/inbox/i1/archive': () => json(200, { ...inboxItem, status: 'archived' }),
    });
    expect(
      await client.inbox.list({ status: 'unread', kind: 'failed_run', cursor: 'c2', limit: 20 }),
    ).toEqual({
      items: [inboxItem],
      next_cursor: 'c3',
    });
    expect(await client.inbox.count()).toEqual({ unread: 4 });
    expect((await client.inbox.read('i1')).status).toBe('read');
    expect((await client.inbox.resolve('i1')).status).toBe('resolved');
    expect((await client.inbox.archive('i1')).status).toBe('archived');
    expect(sent(4)).toEqual({ method: 'POST', body: undefined, workspace: 'team' });
  });

  it('rejects governance replies that do not match the contract', async () => {
    const { client } = governanceClient({
      'GET /api/v1/budgets': () => json(200, { items: [{ ...budget, spent_usd: -1 }] }),
      'GET /api/v1/inbox/count': () => json(200, { count: 4 }),
      'GET /api/v1/paymaster/rates': () => json(200, [rate]),
    });
    await expect(client.budgets.list()).rejects.toMatchObject({ kind: 'internal' });
    await expect(client.inbox.count()).rejects.toMatchObject({ kind: 'internal' });
    await expect(client.paymaster.rates()).rejects.toMatchObject({ kind: 'internal' });
  });
});

function ndjsonResponse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'application/x-ndjson' } });
}
