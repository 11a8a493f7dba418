import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer, type Server as NetServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectThrough, roundTrip } from './egress-client.js';
import {
  authHeaders,
  closeServer,
  createHarness,
  type Harness,
  socketRequest,
  WORKSPACE_ID,
} from './harness.js';

let echo: NetServer;
let echoPort: number;
let echo6: NetServer;
let echo6Port: number;
let web: Server;
let webPort: number;
let harness: Harness;
const webRequests: { url: string; headers: Record<string, unknown>; body: string }[] = [];

/** Echo server that answers "echo:<what it read>" after the client half-closes. */
async function startEcho(host: string): Promise<[NetServer, number]> {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('end', () => socket.end(`echo:${text}`));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return [server, (server.address() as { port: number }).port];
}

beforeAll(async () => {
  [echo, echoPort] = await startEcho('127.0.0.1');
  [echo6, echo6Port] = await startEcho('::1');
  web = createHttpServer((incoming, response) => {
    let body = '';
    incoming.on('data', (chunk) => {
      body += chunk;
    });
    incoming.on('end', () => {
      webRequests.push({ url: incoming.url ?? '', headers: incoming.headers, body });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`web:${incoming.method} ${incoming.url} ${body}`);
    });
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webPort = (web.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
  await new Promise<void>((resolve) => echo6.close(() => resolve()));
  await closeServer(web);
});
afterEach(async () => {
  await harness?.close();
  webRequests.length = 0;
});

async function serve(networkMode: string, allowedDomains: string[]) {
  harness = createHarness([], {
    resolveHosts: {
      'api.example.com': `127.0.0.1:${echoPort}`,
      'sub.wild.example.org': `127.0.0.1:${echoPort}`,
      'v6.example.com': `[::1]:${echo6Port}`,
      'web.example.com': `127.0.0.1:${webPort}`,
      'anywhere.test': `127.0.0.1:${echoPort}`,
      'api.anthropic.com': `127.0.0.1:${echoPort}`,
      'refused.example.com': '127.0.0.1:1',
    },
  });
  return harness.serve('crew-a', { networkMode, allowedDomains });
}

describe('CONNECT', () => {
  it('tunnels to an allowlisted host whatever its spelling (case, trailing dot)', async () => {
    const { socketPath, token } = await serve('restricted', ['api.example.com', '*.wild.example.org']);
    for (const authority of ['api.example.com:443', 'API.Example.COM.:443', 'sub.wild.example.org:8443']) {
      const answer = await connectThrough(socketPath, authority, token);
      expect(answer.status).toBe(200);
      expect(await roundTrip(answer.socket, `hello ${authority}`)).toBe(`echo:hello ${authority}`);
    }
    const defaults = await connectThrough(socketPath, 'api.anthropic.com:443', token);
    expect(defaults.status).toBe(200);
    expect(await roundTrip(defaults.socket, 'tls bytes')).toBe('echo:tls bytes');
    expect(harness.journal.entries.filter((entry) => entry.entryType === 'egress.denied')).toHaveLength(0);
  });

  it('denies hosts outside the allowlist with 403 and a journal entry', async () => {
    const { socketPath, token } = await serve('restricted', ['api.example.com', '*.wild.example.org']);
    const cases = [
      ['evil.example.net:443', 'evil.example.net', 443],
      ['wild.example.org:443', 'wild.example.org', 443],
      ['notapi.example.com:443', 'notapi.example.com', 443],
      ['[::1]:443', '::1', 443],
      ['127.0.0.1:22', '127.0.0.1', 22],
    ] as const;
    for (const [authority, host] of cases) {
      const answer = await connectThrough(socketPath, authority, token);
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ error: `egress to ${host} is not allowed for this crew` });
    }
    const entries = await harness.journal.waitFor('egress.denied', cases.length);
    expect(entries[0]).toMatchObject({
      workspaceId: WORKSPACE_ID,
      crewId: 'crew-a',
      severity: 'warn',
      payload: { host: 'evil.example.net', port: 443, method: 'CONNECT', mode: 'restricted' },
    });
    expect(entries.map((entry) => entry.payload.host)).toEqual(cases.map(([, host]) => host));
  });

  it('handles IPv6 brackets in the target and the override', async () => {
    const { socketPath, token } = await serve('restricted', ['v6.example.com', '::1']);
    const byName = await connectThrough(socketPath, 'v6.example.com:443', token);
    expect(byName.status).toBe(200);
    expect(await roundTrip(byName.socket, 'six')).toBe('echo:six');
    // ::1 is allowlisted here, but the gateway's own loopback stays unreachable unless overridden.
    const literal = await connectThrough(socketPath, `[::1]:${echo6Port}`, token);
    expect(literal.status).toBe(403);
  });

  it('fails closed for an unknown network mode', async () => {
    const { socketPath, token } = await serve('wide-open', ['api.example.com']);
    expect((await connectThrough(socketPath, 'anywhere.test:443', token)).status).toBe(403);
    expect((await connectThrough(socketPath, 'api.example.com:443', token)).status).toBe(200);
    const [entry] = await harness.journal.waitFor('egress.denied');
    expect(entry?.payload.mode).toBe('wide-open');
  });

  it('free mode allows any host but never the gateway host loopback', async () => {
    const { socketPath, token } = await serve('free', []);
    const anywhere = await connectThrough(socketPath, 'anywhere.test:443', token);
    expect(anywhere.status).toBe(200);
    expect(await roundTrip(anywhere.socket, 'free')).toBe('echo:free');
    expect((await connectThrough(socketPath, `127.0.0.1:${echoPort}`, token)).status).toBe(403);
    expect((await connectThrough(socketPath, `localhost:${echoPort}`, token)).status).toBe(403);
    const entries = await harness.journal.waitFor('egress.denied', 2);
    expect(entries.map((entry) => entry.summary)).toEqual([
      `egress to 127.0.0.1:${echoPort} denied (internal address)`,
      `egress to localhost:${echoPort} denied (internal address)`,
    ]);
  });

  it('follows update() for new tunnels', async () => {
    const { socketPath, token, crew } = await serve('restricted', []);
    expect((await connectThrough(socketPath, 'api.example.com:443', token)).status).toBe(403);
    crew.update({ networkMode: 'restricted', allowedDomains: ['api.example.com'] });
    const answer = await connectThrough(socketPath, 'api.example.com:443', token);
    expect(answer.status).toBe(200);
    answer.socket.destroy();
  });

  it('502 when the target refuses, 400 for a malformed target', async () => {
    const { socketPath, token } = await serve('restricted', ['refused.example.com']);
    const refused = await connectThrough(socketPath, 'refused.example.com:443', token);
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body).error).toContain('refused.example.com:443');
    expect((await connectThrough(socketPath, 'no-port.example.com', token)).status).toBe(400);
  });

  it('close() tears down open tunnels', async () => {
    const { socketPath, token } = await serve('restricted', ['api.example.com']);
    const answer = await connectThrough(socketPath, 'api.example.com:443', token);
    const closed = new Promise<void>((resolve) => answer.socket.on('close', () => resolve()));
    await harness.gateway.close();
    await closed;
  });
});

describe('absolute-form requests', () => {
  it('forwards an allowed http request and streams the answer back, without the internal token', async () => {
    const { socketPath, token } = await serve('restricted', ['web.example.com']);
    const response = await socketRequest(socketPath, {
      method: 'POST',
      path: 'http://WEB.example.com./path?q=1',
      headers: authHeaders(token, { 'proxy-authorization': 'Basic eDp5', 'x-custom': 'kept' }),
      body: 'payload',
    });
    expect(response.status).toBe(200);
    expect(response.body).toBe('web:POST /path?q=1 payload');
    expect(webRequests[0]?.headers['x-custom']).toBe('kept');
    expect(webRequests[0]?.headers['x-crewship-internal-token']).toBeUndefined();
    expect(webRequests[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(webRequests[0]?.headers.host).toBe('web.example.com.');
  });

  it('denies a host outside the allowlist with 403 JSON and a journal entry', async () => {
    const { socketPath, token } = await serve('restricted', []);
    const response = await socketRequest(socketPath, {
      path: 'http://web.example.com/x',
      headers: authHeaders(token),
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({
      error: 'egress to web.example.com is not allowed for this crew',
    });
    const [entry] = await harness.journal.waitFor('egress.denied');
    expect(entry?.payload).toEqual({
      host: 'web.example.com',
      port: 80,
      method: 'GET',
      mode: 'restricted',
      reason: 'not in allowlist',
    });
    expect(webRequests).toHaveLength(0);
  });

  it('502 when the target is unreachable, 413 for a body over 10 MB', async () => {
    const { socketPath, token } = await serve('free', []);
    const refused = await socketRequest(socketPath, {
      path: 'http://refused.example.com/',
      headers: authHeaders(token),
    });
    expect(refused.status).toBe(502);
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        {
          socketPath,
          method: 'PUT',
          path: 'http://web.example.com/upload',
          headers: authHeaders(token, { 'content-length': String(20 * 1024 * 1024) }),
        },
        (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.flushHeaders();
    });
    expect(status).toBe(413);
  });
});
