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
