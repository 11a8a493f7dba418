import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapOwner, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let token: string;
let crewId: string;
let agentId: string;
let agentCrewId: string;
let agentSlug: string;
interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  public: boolean;
}
let operations: Operation[];

/** Fills path parameters with real ids so requests reach body validation. */
function concretePath(path: string): string {
  return path
    .replace('{crew}', crewId)
    .replace('{agent}', agentId)
    .replace('{workspace}', 'default')
    .replace('{userId}', 'nobody')
    .replace('{id}', 'nothing');
}

function expectProblem(response: { status: number; headers: Headers; text: string }, label: string) {
  expect(response.status, label).toBeGreaterThanOrEqual(400);
  expect(response.status, label).toBeLessThan(500);
  expect(response.headers.get('content-type'), label).toContain('application/problem+json');
  expect(response.text, label).not.toMatch(/\bat .+:\d+:\d+|node_modules|SqliteError/);
}

beforeAll(async () => {
  server = await startTestServer({ CREWSHIP_BODY_LIMIT_BYTES: '65536' });
  ({ token } = await bootstrapOwner(server));
  const crew = await server.request('POST', '/api/v1/crews', { token, body: { name: 'target' } });
  crewId = crew.json.id;
  const agent = await server.request('POST', '/api/v1/agents', {
    token,
    body: { crew: crewId, name: 'target' },
  });
  agentId = agent.json.id;
  agentCrewId = agent.json.crew_id;
  agentSlug = agent.json.slug;
  const document = (await server.request('GET', '/api/v1/openapi.json')).json;
  operations = Object.entries(
    document.paths as Record<string, Record<string, { requestBody?: unknown; security?: [] }>>,
  ).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      hasBody: operation.requestBody !== undefined,
      public: Array.isArray(operation.security) && operation.security.length === 0,
    })),
  );
});

afterAll(async () => {
  await server.cleanup();
});

const HOSTILE_BODIES: [string, string, string][] = [
  ['not JSON', 'application/json', '{"name": '],
  ['JSON null', 'application/json', 'null'],
  ['JSON array', 'application/json', '[1,2,3]'],
  ['JSON string', 'application/json', '"hello"'],
  ['wrong content type', 'text/plain', '{"name":"x"}'],
  ['form body', 'application/x-www-form-urlencoded', 'name=x'],
  [
    'prototype pollution',
    'application/json',
    '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
  ],
  ['unknown fields', 'application/json', '{"totally_unknown_field":1}'],
  [
    'wrong types',
    'application/json',
    '{"name":42,"email":true,"password":[],"role":{},"crew":null,"memory_mb":"lots"}',
  ],
  ['deep nesting', 'application/json', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ['NUL bytes', 'application/json', '{"name":"a\\u0000b","email":"x\\u0000@y.z"}'],
  ['huge string', 'application/json', JSON.stringify({ name: 'x'.repeat(60_000) })],
];

describe('hostile input on every route', () => {
  it('answers 400 problem+json, never 500, for malformed bodies on every route that takes one', async () => {
    const withBody = operations.filter((operation) => operation.hasBody);
    expect(withBody.length).toBeGreaterThanOrEqual(13);
    for (const operation of withBody) {
      for (const [name, contentType, body] of HOSTILE_BODIES) {
        const response = await server.request(operation.method, concretePath(operation.path), {
          token,
          rawBody: body,
          headers: { 'content-type': contentType },
        });
        const label = `${operation.method} ${operation.path} with ${name}`;
        expectProblem(response, label);
        expect(response.status, label).toBe(400);
        expect(response.json.kind, label).toBe('invalid_input');
      }
      const empty = await server.request(operation.method, concretePath(operation.path), { token });
      expect(empty.status, `${operation.method} ${operation.path} without a body`).toBe(400);
    }
  });

  it('rejects bodies over the limit with 413 problem+json', async () => {
    const response = await server.request('POST', '/api/v1/crews', {
      token,
      rawBody: JSON.stringify({ name: 'big', description: 'x'.repeat(70_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(response, 'oversized body');
    expect(response.status).toBe(413);
  });

  it('answers 400 for malformed path parameters and unknown query parameters', async () => {
    for (const operation of operations.filter((candidate) => candidate.path.includes('{'))) {
      for (const bad of ['a%00b', 'x'.repeat(65), '..%2F..%2Fetc', '%F0%9F%92%A9', "'%20OR%201=1"]) {
        const path = operation.path.replace(/\{[A-Za-z]+\}/g, bad);
        const response = await server.request(operation.method, path, {
          token,
          body: operation.hasBody ? {} : undefined,
        });
        const label = `${operation.method} ${path}`;
        expectProblem(response, label);
        expect(response.status, label).toBe(400);
      }
    }
    const unknownQuery = await server.request('GET', '/api/v1/agents?crew=target&evil=1', { token });
    expect(unknownQuery.status).toBe(400);
    const repeated = await server.request('GET', '/api/v1/agents?crew=a&crew=b', { token });
    expect(repeated.status).toBeLessThan(500);
  });

  it('lists the valid values when an enum is wrong', async () => {
    const cases: [string, string, Record<string, unknown>, RegExp][] = [
      ['POST', '/api/v1/crews', { name: 'c1', network_mode: 'open' }, /"restricted"\|"free"/],
      [
        'POST',
        '/api/v1/agents',
        { crew: crewId, name: 'a1', cli_adapter: 'CLAUDE' },
        /"CLAUDE_CODE"\|"CODEX_CLI"/,
      ],
      ['POST', '/api/v1/agents', { crew: crewId, name: 'a2', role: 'BOSS' }, /"LEAD"\|"MEMBER"/],
      [
        'POST',
        '/api/v1/agents',
        { crew: crewId, name: 'a3', tool_profile: 'ALL' },
        /"MINIMAL"\|"CODING"\|"FULL"/,
      ],
      [
        'POST',
        '/api/v1/users',
        { email: 'r@example.com', password: 'long enough pass', role: 'ROOT' },
        /"OWNER"/,
      ],
    ];
    for (const [method, path, body, expected] of cases) {
      const response = await server.request(method, path, { token, body });
      expect(response.status, path).toBe(400);
      expect(response.json.detail, path).toMatch(expected);
    }
  });

  it('validates crew fields: slugs, images, domains, limits', async () => {
    const bad: Record<string, unknown>[] = [
      { name: 'x', slug: 'Has Spaces' },
      { name: 'x', slug: '-leading' },
      { name: 'x', runtime_image: 'UPPER/Case:tag' },
      { name: 'x', runtime_image: 'img; rm -rf /' },
      { name: 'x', allowed_domains: ['https://example.com'] },
      { name: 'x', allowed_domains: ['example.com:443'] },
      { name: 'x', allowed_domains: ['*'] },
      { name: 'x', memory_mb: 10 },
      { name: 'x', cpus: 0 },
      { name: '' },
    ];
    for (const body of bad) {
      const response = await server.request('POST', '/api/v1/crews', { token, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const good = await server.request('POST', '/api/v1/crews', {
      token,
      body: {
        name: 'Good One',
        runtime_image: 'localhost:5000/team/image:1.2',
        allowed_domains: ['API.Example.com.'],
      },
    });
    expect(good.status).toBe(201);
    expect(good.json).toMatchObject({ slug: 'good-one', allowed_domains: ['api.example.com'] });
  });

  it('rejects duplicate slugs per workspace with 409 and keeps the first record intact', async () => {
    const again = await server.request('POST', '/api/v1/crews', { token, body: { name: 'Target' } });
    expect(again.status).toBe(409);
    expect(again.json.detail).toContain('"target"');
    const agentAgain = await server.request('POST', '/api/v1/agents', {
      token,
      body: { crew: crewId, name: 'target' },
    });
    expect(agentAgain.status).toBe(409);
    const rename = await server.request('PATCH', `/api/v1/crews/${crewId}`, {
      token,
      body: { slug: 'good-one' },
    });
    expect(rename.status).toBe(409);
    expect((await server.request('GET', `/api/v1/crews/${crewId}`, { token })).json.slug).toBe('target');
  });

  it('answers unknown routes with 404 problem+json', async () => {
    const response = await server.request('GET', '/api/v1/does-not-exist', { token });
    expectProblem(response, 'unknown route');
    expect(response.status).toBe(404);
  });
});

describe('agent output files: path traversal', () => {
  const SECRET = 'TOP-SECRET-OUTSIDE-THE-OUTPUT-DIR';
  let output: string;

  beforeAll(() => {
    const crewRoot = join(server.dataDir, 'crews', agentCrewId);
    output = join(crewRoot, 'output', agentSlug);
    mkdirSync(join(output, 'sub'), { recursive: true });
    writeFileSync(join(output, 'report.txt'), 'inside');
    writeFileSync(join(output, 'sub', 'nested.txt'), 'nested');
    const secrets = join(crewRoot, 'secrets', agentSlug);
    mkdirSync(secrets, { recursive: true });
    writeFileSync(join(secrets, 'token'), SECRET);
    writeFileSync(join(server.dataDir, 'outside.txt'), SECRET);
    symlinkSync(join(secrets, 'token'), join(output, 'leak'));
    symlinkSync('../../secrets', join(output, 'leakdir'));
    symlinkSync(join(server.dataDir, 'outside.txt'), join(output, 'sub', 'deeper-leak'));
    symlinkSync('report.txt', join(output, 'alias'));
    execFileSync('mkfifo', [join(output, 'pipe')]);
    writeFileSync(join(output, 'huge.bin'), '');
    truncateSync(join(output, 'huge.bin'), 10 * 1024 * 1024 + 1);
  });

  const content = (path: string) =>
    server.request('GET', `/api/v1/agents/${agentId}/files/content?path=${path}`, { token });

  it('serves files inside the directory as raw bytes', async () => {
    const file = await content('sub%2Fnested.txt');
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.text).toBe('nested');
    expect((await content('report.txt')).text).toBe('inside');
  });

  it('refuses .., absolute paths and NUL bytes, plain or encoded, with 400', async () => {
    for (const path of [
      '../outside.txt',
      '..%2F..%2F..%2Foutside.txt',
      '%2e%2e%2f%2e%2e%2f%2e%2e%2foutside.txt',
      'sub/../../../outside.txt',
      'sub%2F..%2F..%2Fsecrets',
      '..',
      '..%5C..%5Coutside.txt',
      '%2Fetc%2Fpasswd',
      '/etc/passwd',
      'report.txt%00.png',
    ]) {
      const response = await content(path);
      expectProblem(response, path);
      expect(response.status, path).toBe(400);
      expect(response.text, path).not.toContain(SECRET);
    }
  });

  it('refuses symlinks that point outside, even through a linked directory', async () => {
    for (const path of ['leak', `leakdir%2F${agentSlug}%2Ftoken`, 'sub%2Fdeeper-leak']) {
      const response = await content(path);
      expectProblem(response, path);
      expect(response.status, path).toBe(400);
      expect(response.text, path).not.toContain(SECRET);
    }
  });

  it('answers 404 for missing files and non-regular files, 413 over 10 MiB, and never hangs on a FIFO', async () => {
    expect((await content('nope.txt')).status).toBe(404);
    expect((await content('%252e%252e%252foutside.txt')).status).toBe(404);
    expect((await content('sub')).status).toBe(404);
    expect((await content('pipe')).status).toBe(404);
    expect((await content('huge.bin')).status).toBe(413);
    expect((await content('')).status).toBe(400);
    const withoutPath = await server.request('GET', `/api/v1/agents/${agentId}/files/content`, { token });
    expect(withoutPath.status).toBe(400);
  });

  it('lists regular files only, never following symlinks', async () => {
    const listing = await server.request('GET', `/api/v1/agents/${agentId}/files`, { token });
    expect(listing.status).toBe(200);
    expect(listing.json.items.map((item: { path: string }) => item.path).sort()).toEqual([
      'huge.bin',
      'report.txt',
      'sub/nested.txt',
    ]);
    expect(listing.json.truncated).toBe(false);
    expect(listing.text).not.toContain('token');
  });
});

describe('rate limits', () => {
  it('limits auth routes and API routes per IP with 429 and Retry-After', async () => {
    const limited = await startTestServer({ CREWSHIP_RATE_LIMIT_AUTH: '3', CREWSHIP_RATE_LIMIT_API: '5' });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        const response = await limited.request('POST', '/api/v1/auth/login', {
          body: { email: 'who@example.com', password: 'whatever-pass' },
        });
        statuses.push(response.status);
        if (response.status === 429) {
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect(response.json.kind).toBe('rate_limited');
        }
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      const apiStatuses: number[] = [];
      for (let attempt = 0; attempt < 6; attempt++) {
        apiStatuses.push((await limited.request('GET', '/api/v1/me')).status);
      }
      expect(apiStatuses).toEqual([401, 401, 401, 401, 401, 429]);
      expect((await limited.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await limited.cleanup();
    }
  });
});
