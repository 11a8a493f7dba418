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
});
