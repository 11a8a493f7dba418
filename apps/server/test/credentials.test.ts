import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIAL_PROVIDERS, type LogFields, type Logger, ROLES, type Role } from '@crewship/contracts';
import { createDatabase } from '@crewship/db';
import { createCredentialVault, keyIdOf } from '@crewship/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSecrets } from '../src/data-dir.js';
import {
  bootstrapOwner,
  cliToken,
  makeDataDir,
  PASSWORD,
  startTestServer,
  type TestResponse,
  type TestServer,
} from './harness.js';

/** The secret parts of every value sent in this file; no response and no log line may contain them. */
const markers: string[] = [];
const secret = (label: string) => {
  const hidden = randomBytes(24).toString('base64url');
  markers.push(hidden);
  return `sk-live-${label}-${hidden}`;
};
const responses: TestResponse[] = [];
const logLines: string[] = [];

function recordingLogger(): Logger {
  const write = (level: string) => (message: string, fields?: LogFields) => {
    logLines.push(
      JSON.stringify({ level, message, fields }, (_key, value) =>
        value instanceof Error ? { message: value.message, stack: value.stack } : value,
      ),
    );
  };
  const logger: Logger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: () => logger,
  };
  return logger;
}

let server: TestServer;
let workspaceId: string;
const tokens = {} as Record<Role, string>;

async function call(
  method: string,
  path: string,
  options: { body?: unknown; token?: string; workspace?: string; rawBody?: string } = {},
) {
  const response = await server.request(method, path, {
    token: options.token ?? tokens.OWNER,
    workspace: options.workspace ?? workspaceId,
    body: options.body,
    rawBody: options.rawBody,
    headers: options.rawBody === undefined ? {} : { 'content-type': 'application/json' },
  });
  responses.push(response);
  expectNoValueIn([response.text]);
  return response;
}

async function ok(method: string, path: string, body?: unknown, token?: string) {
  const response = await call(method, path, { body, token });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  return response.json;
}

/** Every 8-character window of the markers: a value may show its last 4 characters, never more. */
function fragments(): Set<string> {
  const windows = new Set<string>();
  for (const marker of markers) {
    for (let start = 0; start + 8 <= marker.length; start += 1) windows.add(marker.slice(start, start + 8));
  }
  return windows;
}

function expectNoValueIn(texts: readonly string[]) {
  const haystack = texts.join('\n');
  for (const fragment of fragments()) {
    if (haystack.includes(fragment)) throw new Error(`a fragment of a stored value leaked: ${fragment}`);
  }
}

function readSecrets(dataDir: string) {
  const text = readFileSync(join(dataDir, 'secrets.env'), 'utf8');
  const get = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1];
  return {
    text,
    key: get('ENCRYPTION_KEY'),
    previous: get('ENCRYPTION_KEY_PREVIOUS'),
    session: get('SESSION_SECRET'),
  };
}

function sealedRows(dataDir: string) {
  const database = createDatabase({ file: join(dataDir, 'crewship.db'), readonly: true });
  try {
    return database.sqlite
      .prepare('SELECT id, key_id, nonce, ciphertext FROM credentials ORDER BY id')
      .all() as { id: string; key_id: string; nonce: Buffer; ciphertext: Buffer }[];
  } finally {
    database.close();
  }
}

/** Opens the stopped server's database with the keys in its secrets.env, as the next start would. */
async function decryptOnDisk(dataDir: string): Promise<string[]> {
  const secrets = loadOrCreateSecrets(dataDir, recordingLogger());
  const database = createDatabase({ file: join(dataDir, 'crewship.db') });
  try {
    const vault = createCredentialVault({
      db: database,
      encryptionKey: secrets.encryptionKey,
      previousEncryptionKey: secrets.previousEncryptionKey,
    });
    const workspaces = database.sqlite.prepare('SELECT id FROM workspaces').all() as { id: string }[];
    const all: string[] = [];
    for (const workspace of workspaces) all.push(...(await vault.secretValues(workspace.id)));
    return all.sort();
  } finally {
    database.close();
  }
}

beforeAll(async () => {
  server = await startTestServer({}, makeDataDir(), { logger: recordingLogger() });
  const boot = await bootstrapOwner(server);
  tokens.OWNER = boot.token;
  workspaceId = boot.workspace.id;
  for (const role of ROLES) {
    if (role === 'OWNER') continue;
    const email = `${role.toLowerCase()}@example.com`;
    await ok('POST', '/api/v1/users', { email, password: PASSWORD, role });
    tokens[role] = await cliToken(server, email);
  }
  await ok('POST', '/api/v1/crews', { name: 'Team' });
  await ok('POST', '/api/v1/agents', { crew: 'team', name: 'Ada' });
  await ok('POST', '/api/v1/agents', { crew: 'team', name: 'Bob' });
});

afterAll(async () => {
  await server.cleanup();
});

describe('credentials over HTTP', () => {
  it('creates, lists, gets, updates, rotates, assigns and deletes; only last4 is ever shown', async () => {
    const value = secret('main');
    const created = await call('POST', '/api/v1/credentials', {
      body: { name: 'Anthropic main', provider: 'anthropic', priority: 5, value },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'Anthropic main',
      type: 'API_KEY',
      provider: 'anthropic',
      priority: 5,
      last4: value.slice(-4),
      agent_ids: [],
      cooldown_until: null,
    });
    expect(Object.keys(created.json)).not.toContain('value');
    const id = created.json.id as string;

    expect((await ok('GET', '/api/v1/credentials')).items.map((item: { id: string }) => item.id)).toEqual([
      id,
    ]);
    expect(await ok('GET', `/api/v1/credentials/${id}`)).toEqual(created.json);

    const updated = await ok('PATCH', `/api/v1/credentials/${id}`, { name: 'primary', priority: 9 });
    expect(updated).toMatchObject({ name: 'primary', priority: 9 });
    expect((await ok('GET', '/api/v1/credentials/primary')).id).toBe(id);

    const next = secret('rotated');
    const rotated = await ok('POST', `/api/v1/credentials/${id}/rotate`, { value: `${next}\n` });
    expect(rotated.last4).toBe(next.slice(-4));
    expect(rotated.rotated_at).not.toBeNull();

    const assigned = await ok('POST', `/api/v1/credentials/${id}/assign`, { agents: ['ada', 'bob'] });
    expect(assigned.agent_ids).toHaveLength(2);
    const unassigned = await ok('POST', `/api/v1/credentials/primary/unassign`, { agents: ['bob'] });
    expect(unassigned.agent_ids).toHaveLength(1);
    const missingAgent = await call('POST', `/api/v1/credentials/${id}/assign`, {
      body: { agents: ['nobody'] },
    });
    expect(missingAgent.status).toBe(404);
    expect(missingAgent.json.detail).toBe('agent "nobody" not found');

    const duplicate = await call('POST', '/api/v1/credentials', {
      body: { name: 'primary', provider: 'openai', value: secret('dup') },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.detail).toBe('a credential named "primary" already exists in this workspace');

    expect((await call('DELETE', `/api/v1/credentials/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/credentials/${id}`)).status).toBe(404);
  });

  it('lets Viewers read and only Admins and Owners change credentials', async () => {
    const target = await ok('POST', '/api/v1/credentials', {
      name: 'rbac',
      provider: 'openai',
      value: secret('rbac'),
    });
    const writes: [string, string, unknown][] = [
      ['POST', '/api/v1/credentials', { name: 'sneaky', provider: 'openai', value: secret('sneaky') }],
      ['PATCH', `/api/v1/credentials/${target.id}`, { priority: 3 }],
      ['POST', `/api/v1/credentials/${target.id}/rotate`, { value: secret('sneaky-rotate') }],
      ['POST', `/api/v1/credentials/${target.id}/assign`, { agents: ['ada'] }],
      ['POST', `/api/v1/credentials/${target.id}/unassign`, { agents: ['ada'] }],
      ['DELETE', `/api/v1/credentials/${target.id}`, undefined],
      ['POST', '/api/v1/admin/reencrypt', undefined],
    ];
    for (const role of ['VIEWER', 'MEMBER', 'MANAGER'] as const) {
      for (const [method, path] of [
        ['GET', '/api/v1/credentials'],
        ['GET', `/api/v1/credentials/${target.id}`],
      ] as const) {
        expect((await call(method, path, { token: tokens[role] })).status, `${role} ${method} ${path}`).toBe(
          200,
        );
      }
      for (const [method, path, body] of writes) {
        const response = await call(method, path, { token: tokens[role], body });
        expect(response.status, `${role} ${method} ${path}`).toBe(403);
        expect(response.json.kind).toBe('forbidden');
      }
    }
    const admin = tokens.ADMIN;
    const created = await call('POST', '/api/v1/credentials', {
      token: admin,
      body: { name: 'by-admin', provider: 'groq', type: 'SECRET', value: secret('admin') },
    });
    expect(created.status).toBe(201);
    expect(
      (await call('POST', '/api/v1/credentials/by-admin/assign', { token: admin, body: { agents: ['ada'] } }))
        .status,
    ).toBe(200);
    expect((await call('DELETE', '/api/v1/credentials/by-admin', { token: admin })).status).toBe(204);
    // Rotating the server key is for the server's Owner, not a workspace Admin.
    expect((await call('POST', '/api/v1/admin/reencrypt', { token: admin })).status).toBe(403);
    const anonymous = await server.request('GET', '/api/v1/credentials', { workspace: workspaceId });
    expect(anonymous.status).toBe(401);
  });

  it("answers 404 for another workspace's credentials, even to a member of both", async () => {
    const mine = await ok('POST', '/api/v1/credentials', {
      name: 'mine',
      provider: 'xai',
      value: secret('mine'),
    });
    const other = await ok('POST', '/api/v1/workspaces', { name: 'Other' });
    for (const [method, path, body] of [
      ['GET', `/api/v1/credentials/${mine.id}`, undefined],
      ['GET', '/api/v1/credentials/mine', undefined],
      ['PATCH', `/api/v1/credentials/${mine.id}`, { priority: 1 }],
      ['POST', `/api/v1/credentials/${mine.id}/rotate`, { value: secret('hijack') }],
      ['POST', `/api/v1/credentials/${mine.id}/assign`, { agents: ['ada'] }],
      ['DELETE', `/api/v1/credentials/${mine.id}`, undefined],
    ] as const) {
      const response = await call(method, path, { body, workspace: other.id });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect((await call('GET', '/api/v1/credentials', { workspace: other.id })).json.items).toEqual([]);
    // An Owner of only their own new workspace cannot rotate the server's key.
    const stranger = await ok('POST', '/api/v1/users', {
      email: 'stranger@example.com',
      password: PASSWORD,
      role: 'VIEWER',
    });
    const strangerToken = await cliToken(server, 'stranger@example.com');
    const own = await ok('POST', '/api/v1/workspaces', { name: 'Stranger Land' }, strangerToken);
    const refused = await call('POST', '/api/v1/admin/reencrypt', {
      token: strangerToken,
      workspace: own.id,
    });
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toContain("server's first workspace");
    await ok('DELETE', `/api/v1/members/${stranger.user_id}`);
  });

  it('rejects hostile values with 400 and never echoes them', async () => {
    const oversized = `sk-over-${'A1b2C3d4'.repeat(2_100)}`;
    const withNul = `${secret('nul')}\u0000tail`;
    markers.push('A1b2C3d4A1b2C3d4', 'Zz9Zz9Zz9Zz9Zz9');
    const cases: [string, unknown, RegExp][] = [
      ['oversized', { name: 'big', provider: 'openai', value: oversized }, /value: must be at most 16 KiB/],
      ['NUL', { name: 'nul', provider: 'openai', value: withNul }, /value: must not contain NUL characters/],
      ['empty', { name: 'empty', provider: 'openai', value: ' \n' }, /value: must not be empty/],
      ['number', { name: 'n', provider: 'openai', value: 1234567890123456 }, /value: Invalid input/],
      [
        'unknown provider',
        { name: 'p', provider: 'anthropik', value: secret('provider') },
        new RegExp(
          `provider: Invalid option: expected one of ${CREDENTIAL_PROVIDERS.map((p) => `"${p}"`).join('\\|')}`,
        ),
      ],
      [
        'unknown type',
        { name: 't', provider: 'openai', type: 'PASSWORD', value: secret('type') },
        /"API_KEY"\|"OAUTH_TOKEN"\|"SECRET"/,
      ],
      [
        'misspelled field',
        { name: 'm', provider: 'openai', valeu: secret('misspelled') },
        /value: Invalid input/,
      ],
      [
        'priority out of range',
        { name: 'r', provider: 'openai', priority: 5000, value: secret('prio') },
        /priority/,
      ],
    ];
    for (const [label, body, expected] of cases) {
      const response = await call('POST', '/api/v1/credentials', { body });
      expect(response.status, label).toBe(400);
      expect(response.headers.get('content-type'), label).toContain('application/problem+json');
      expect(response.json.detail, label).toMatch(expected);
    }
    const rotateTarget = await ok('POST', '/api/v1/credentials', {
      name: 'rotate-me',
      provider: 'openai',
      value: secret('rotate-me'),
    });
    const badRotate = await call('POST', `/api/v1/credentials/${rotateTarget.id}/rotate`, {
      body: { value: oversized },
    });
    expect(badRotate.status).toBe(400);
    const tooLarge = await call('POST', '/api/v1/credentials', {
      rawBody: JSON.stringify({ name: 'huge', provider: 'openai', value: `sk-huge-${'Zz9'.repeat(30_000)}` }),
    });
    expect(tooLarge.status).toBe(413);
    expect(
      (await ok('GET', '/api/v1/credentials')).items.map((item: { name: string }) => item.name),
    ).not.toContain('big');
  });
});

describe('admin reencrypt', () => {
  it('rotates the key of the running server, which keeps working, and a restart still decrypts', async () => {
    const before = readSecrets(server.dataDir);
    const keep = secret('kept');
    await ok('POST', '/api/v1/credentials', { name: 'kept', provider: 'google', value: keep });
    const rowsBefore = sealedRows(server.dataDir);
    expect(rowsBefore.length).toBeGreaterThan(1);

    const rotated = await ok('POST', '/api/v1/admin/reencrypt');
    const after = readSecrets(server.dataDir);
    expect(after.key).not.toBe(before.key);
    expect(after.previous).toBe(before.key);
    expect(after.session).toBe(before.session);
    expect(rotated).toEqual({
      reencrypted: rowsBefore.length,
      key_id: keyIdOf(Buffer.from(after.key ?? '', 'base64')),
      previous_key_id: keyIdOf(Buffer.from(before.key ?? '', 'base64')),
    });
    const rowsAfter = sealedRows(server.dataDir);
    for (const [index, row] of rowsAfter.entries()) {
      expect(row.key_id).toBe(rotated.key_id);
      expect(row.ciphertext.equals(rowsBefore[index]?.ciphertext ?? Buffer.alloc(0))).toBe(false);
      expect(row.nonce.equals(rowsBefore[index]?.nonce ?? Buffer.alloc(0))).toBe(false);
    }

    // No restart: the same token still works, new values are sealed under the new key, and a second
    // rotation (which refuses when any value cannot be decrypted) succeeds.
    const fresh = secret('fresh');
    const created = await ok('POST', '/api/v1/credentials', {
      name: 'after-rotation',
      provider: 'openai',
      value: fresh,
    });
    expect(sealedRows(server.dataDir).find((row) => row.id === created.id)?.key_id).toBe(rotated.key_id);
    const second = await ok('POST', '/api/v1/admin/reencrypt');
    expect(second.previous_key_id).toBe(rotated.key_id);
    expect(second.reencrypted).toBe(rowsBefore.length + 1);

    const expected = await decryptAfterStop();
    expect(expected).toContain(keep);
    expect(expected).toContain(fresh);

    server = await startTestServer({}, server.dataDir, { logger: recordingLogger() });
    tokens.OWNER = await cliToken(server, 'owner@example.com');
    expect((await ok('GET', '/api/v1/credentials/kept')).last4).toBe(keep.slice(-4));
    const third = await ok('POST', '/api/v1/admin/reencrypt');
    expect(third.reencrypted).toBe(rowsBefore.length + 1);
    expect(await decryptAfterStop()).toEqual(expected);
    server = await startTestServer({}, server.dataDir, { logger: recordingLogger() });
    tokens.OWNER = await cliToken(server, 'owner@example.com');
  });

  it('finishes a rotation that stopped after secrets.env was written, at the next start', async () => {
    const value = secret('interrupted');
    await ok('POST', '/api/v1/credentials', { name: 'interrupted', provider: 'cursor', value });
    const expected = await decryptAfterStop();
    // As if the server died right after writing secrets.env: a new key, the old one as previous.
    const old = readSecrets(server.dataDir);
    const staged = randomBytes(32);
    writeFileSync(
      join(server.dataDir, 'secrets.env'),
      `ENCRYPTION_KEY=${staged.toString('base64')}\nENCRYPTION_KEY_PREVIOUS=${old.key}\nSESSION_SECRET=${old.session}\n`,
      { mode: 0o600 },
    );
    server = await startTestServer({}, server.dataDir, { logger: recordingLogger() });
    tokens.OWNER = await cliToken(server, 'owner@example.com');
    expect(new Set(sealedRows(server.dataDir).map((row) => row.key_id))).toEqual(new Set([keyIdOf(staged)]));
    expect((await ok('POST', '/api/v1/admin/reencrypt')).reencrypted).toBe(expected.length);
    expect(await decryptAfterStop()).toEqual(expected);
    server = await startTestServer({}, server.dataDir, { logger: recordingLogger() });
  });

  it('refuses to start with a damaged ENCRYPTION_KEY_PREVIOUS', async () => {
    await server.stop();
    const file = join(server.dataDir, 'secrets.env');
    const good = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      `${good.replace(/^ENCRYPTION_KEY_PREVIOUS=.*$/m, '')}ENCRYPTION_KEY_PREVIOUS=c2hvcnQ=\n`,
    );
    await expect(startTestServer({}, server.dataDir)).rejects.toThrow(/ENCRYPTION_KEY_PREVIOUS/);
    writeFileSync(file, good);
    server = await startTestServer({}, server.dataDir, { logger: recordingLogger() });
  });
});

describe('secrecy', () => {
  it('no response of any credential route and no log line contains a stored value', () => {
    expect(responses.length).toBeGreaterThan(60);
    expect(markers.length).toBeGreaterThanOrEqual(20);
    expectNoValueIn(responses.map((response) => response.text));
    expect(logLines.length).toBeGreaterThan(10);
    expectNoValueIn(logLines);
  });
});

async function decryptAfterStop(): Promise<string[]> {
  await server.stop();
  return decryptOnDisk(server.dataDir);
}
