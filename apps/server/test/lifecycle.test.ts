import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { hashPassword } from '@crewship/auth';
import { silentLogger } from '@crewship/contracts';
import { createDatabase, MIGRATIONS, migrate, migrationStatus } from '@crewship/db';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../src/config.js';
import { startServer } from '../src/start-server.js';
import { VERSION } from '../src/version.js';
import {
  bootstrapOwner,
  cliToken,
  makeDataDir,
  PASSWORD,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

const MAIN = resolve(import.meta.dirname, '../dist/main.js');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  const server = await startTestServer(env, dataDir);
  cleanups.push(() => server.cleanup());
  return server;
}

describe('data directory', () => {
  it('creates the layout and a 0600 secrets.env with a 32-byte key, stable across restarts', async () => {
    const server = await started();
    for (const name of ['crewship.db', 'secrets.env', 'run', 'crews', 'tools', 'backups', 'logs']) {
      expect(existsSync(join(server.dataDir, name)), name).toBe(true);
    }
    const secretsFile = join(server.dataDir, 'secrets.env');
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const secrets = readFileSync(secretsFile, 'utf8');
    const key = /^ENCRYPTION_KEY=(.+)$/m.exec(secrets)?.[1] ?? '';
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(/^SESSION_SECRET=([0-9a-f]{64})$/m.test(secrets)).toBe(true);
    await server.stop();
    const again = await started({}, server.dataDir);
    expect(readFileSync(join(again.dataDir, 'secrets.env'), 'utf8')).toBe(secrets);
  });

  it('keeps users, tokens, crews and agents across a restart', async () => {
    const first = await started();
    const { token } = await bootstrapOwner(first);
    await first.request('POST', '/api/v1/crews', {
      token,
      body: { name: 'Persistent', allowed_domains: ['a.example'] },
    });
    await first.request('POST', '/api/v1/agents', { token, body: { crew: 'persistent', name: 'Keeper' } });
    await first.stop();
    const second = await started({}, first.dataDir);
    const crews = await second.request('GET', '/api/v1/crews', { token });
    expect(crews.status).toBe(200);
    expect(crews.json.items).toEqual([
      expect.objectContaining({ slug: 'persistent', allowed_domains: ['a.example'] }),
    ]);
    const agents = await second.request('GET', '/api/v1/agents?crew=persistent', { token });
    expect(agents.json.items.map((agent: { slug: string }) => agent.slug)).toEqual(['keeper']);
    expect((await second.request('GET', '/api/v1/bootstrap')).json.needed).toBe(false);
  });

  it('fails with a clear message when the data dir cannot be written', async () => {
    const parent = makeDataDir();
    cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
    const blocker = join(parent, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const config = parseServerConfig({ port: '0', dataDir: join(blocker, 'data') }, {});
    await expect(startServer(config, { logger: silentLogger })).rejects.toThrow(
      /data directory .* is not writable \(ENOTDIR\); choose another with --data-dir/,
    );
  });
});

describe('migrations', () => {
  it('upgrades an older database file, snapshotting it first, and keeps its data', async () => {
    const dataDir = makeDataDir();
    const older = createDatabase({ file: join(dataDir, 'crewship.db') });
    migrate(older.sqlite, { target: '0001_accounts' });
    const stamp = new Date().toISOString();
    older.sqlite
      .prepare(
        'INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run('u1', 'owner@example.com', 'Owner', await hashPassword(PASSWORD), stamp, stamp);
    older.sqlite
      .prepare('INSERT INTO workspaces (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run('w1', 'Old Team', 'old-team', stamp, stamp);
    older.sqlite
      .prepare('INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)')
      .run('w1', 'u1', 'OWNER', stamp);
    expect(migrationStatus(older.sqlite).pending).toEqual(
      MIGRATIONS.slice(1).map((migration) => migration.id),
    );
    older.close();

    const upgraded = await started({}, dataDir);
    const snapshots = readdirSync(join(dataDir, 'backups'));
    expect(snapshots).toEqual([expect.stringMatching(/^pre-migrate-.*\.db$/)]);
    const snapshot = createDatabase({ file: join(dataDir, 'backups', snapshots[0] ?? ''), readonly: true });
    expect(migrationStatus(snapshot.sqlite).applied).toEqual(['0001_accounts']);
    snapshot.close();
    const token = await cliToken(upgraded, 'owner@example.com');
    expect((await upgraded.request('GET', '/api/v1/me', { token })).json.workspaces).toEqual([
      { id: 'w1', name: 'Old Team', slug: 'old-team', role: 'OWNER' },
    ]);
    const crew = await upgraded.request('POST', '/api/v1/crews', { token, body: { name: 'After Upgrade' } });
    expect(crew.status).toBe(201);
    expect((await upgraded.request('GET', '/readyz')).json.status).toBe('ready');
  });

  it('refuses to start on a database written by a newer Crewship', async () => {
    const dataDir = makeDataDir();
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const database = createDatabase({ file: join(dataDir, 'crewship.db') });
    migrate(database.sqlite);
    database.sqlite
      .prepare("INSERT INTO schema_migrations (id, applied_at) VALUES ('9999_future', 'x')")
      .run();
    database.close();
    const config = parseServerConfig({ port: '0', dataDir }, {});
    await expect(startServer(config, { logger: silentLogger })).rejects.toThrow(
      /newer Crewship.*9999_future/,
    );
  });
});

describe('process', () => {
  it('fails clearly when the port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    cleanups.push(() => new Promise<void>((done) => blocker.close(() => done())));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = makeDataDir();
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = parseServerConfig({ port: String(port), dataDir }, {});
    await expect(startServer(config, { logger: silentLogger })).rejects.toThrow(
      `port ${port} on 127.0.0.1 is already in use`,
    );
  });

  it('logs JSON lines, serves readiness, and shuts down gracefully on SIGTERM', async () => {
    const dataDir = makeDataDir();
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const child = spawn(process.execPath, [MAIN, '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line: ${output}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /"msg":"crewship started","url":"(http:[^"]+)"/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      });
    });
    expect((await request(url, 'GET', '/readyz')).json.status).toBe('ready');
    expect((await request(url, 'GET', '/healthz')).json).toEqual({ status: 'ok', version: VERSION });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    const lines = output.trim().split('\n');
    const records = lines.map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(records.map((record) => record.msg)).toEqual(
      expect.arrayContaining([
        'generated secrets.env',
        'database migrated',
        'crewship started',
        'request',
        'stopped',
      ]),
    );
    expect(records.every((record) => typeof record.level === 'string')).toBe(true);
  });

  it('exits non-zero with one clear line for a bad flag value', async () => {
    const child = spawn(process.execPath, [MAIN, '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/^crewshipd: invalid server configuration: port: /);
  });
});

describe('HTTP hygiene', () => {
  it('sends security headers, and HSTS only behind https from a trusted proxy', async () => {
    const server = await started({ CREWSHIP_TRUST_PROXY: 'true' });
    const plain = await server.request('GET', '/healthz');
    expect(plain.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(plain.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect(plain.headers.get('x-frame-options')).toBe('DENY');
    expect(plain.headers.get('referrer-policy')).toBe('no-referrer');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const proxied = await server.request('GET', '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('strict-transport-security')).toContain('max-age=');
    await bootstrapOwner(server);
    const login = await server.request('POST', '/api/v1/auth/login', {
      body: { email: 'owner@example.com', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(login.headers.get('set-cookie')).toContain('Secure');
  });

  it('ignores X-Forwarded-Proto from an untrusted client', async () => {
    const server = await started();
    const response = await server.request('GET', '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('publishes an OpenAPI 3.1 document with schemas from the validators', async () => {
    const server = await started();
    const document = (await server.request('GET', '/api/v1/openapi.json')).json;
    expect(document.openapi).toBe('3.1.0');
    const createCrew = document.paths['/api/v1/crews'].post;
    const schema = createCrew.requestBody.content['application/json'].schema;
    expect(schema.properties.network_mode.enum).toEqual(['restricted', 'free']);
    expect(schema.required).toEqual(['name']);
    expect(createCrew['x-crewship-access']).toEqual({
      kind: 'workspace',
      minimum: 'MANAGER',
      workspaceFrom: 'header',
    });
    expect(document.paths['/api/v1/crews/{crew}'].delete.responses['403']).toBeDefined();
  });
});
