import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapOwner, cliToken, PASSWORD, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

describe('bootstrap', () => {
  it('works exactly once, even when raced', async () => {
    server = await startTestServer();
    expect((await server.request('GET', '/api/v1/bootstrap')).json).toEqual({ needed: true });
    const attempts = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        server.request('POST', '/api/v1/bootstrap', {
          body: { email: `o${index}@example.com`, password: PASSWORD },
        }),
      ),
    );
    expect(attempts.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const winner = attempts.find((response) => response.status === 201);
    expect(winner?.json.workspace).toMatchObject({ slug: 'default', role: 'OWNER' });
    expect((await server.request('GET', '/api/v1/bootstrap')).json).toEqual({ needed: false });
    const again = await server.request('POST', '/api/v1/bootstrap', {
      body: { email: 'late@example.com', password: PASSWORD },
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.json).toMatchObject({ kind: 'conflict', status: 409 });
  });

  it('rejects a weak password and a bad email with field errors', async () => {
    server = await startTestServer();
    const response = await server.request('POST', '/api/v1/bootstrap', {
      body: { email: 'nope', password: 'short' },
    });
    expect(response.status).toBe(400);
    expect(response.json.errors.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'email',
      'password',
    ]);
    expect((await server.request('GET', '/api/v1/bootstrap')).json).toEqual({ needed: true });
  });
});

describe('login', () => {
  it('sets an httpOnly, SameSite=Strict session cookie that authenticates, and logout revokes it', async () => {
    server = await startTestServer();
    await bootstrapOwner(server);
    const login = await server.request('POST', '/api/v1/auth/login', {
      body: { email: 'OWNER@example.com', password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^crewship_session=crewship_session_[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure');
    const session = cookie.split(';')[0] ?? '';
    const me = await server.request('GET', '/api/v1/me', { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(me.json.user.email).toBe('owner@example.com');
    expect(me.json.workspaces).toEqual([expect.objectContaining({ slug: 'default', role: 'OWNER' })]);
    expect(
      (await server.request('POST', '/api/v1/auth/logout', { headers: { cookie: session } })).status,
    ).toBe(204);
    const after = await server.request('GET', '/api/v1/me', { headers: { cookie: session } });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('locks the account after 5 failed attempts, even for the right password, and says when to retry', async () => {
    server = await startTestServer();
    await bootstrapOwner(server);
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await server.request('POST', '/api/v1/auth/login', {
        body: { email: 'owner@example.com', password: 'not the password' },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.json.detail).toBe('invalid email or password');
    }
    const locked = await server.request('POST', '/api/v1/auth/login', {
      body: { email: 'owner@example.com', password: PASSWORD },
    });
    expect(locked.status).toBe(429);
    expect(locked.json.detail).toMatch(/locked after 5 failed logins/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
    const tokenWhileLocked = await server.request('POST', '/api/v1/auth/token', {
      body: { email: 'owner@example.com', password: PASSWORD },
    });
    expect(tokenWhileLocked.status).toBe(429);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    server = await startTestServer();
    await bootstrapOwner(server);
    const unknown = await server.request('POST', '/api/v1/auth/login', {
      body: { email: 'ghost@example.com', password: PASSWORD },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.json.detail).toBe('invalid email or password');
  });
});

describe('CLI tokens', () => {
  it('are listed without values and stop working once revoked', async () => {
    server = await startTestServer();
    const { token } = await bootstrapOwner(server);
    const created = await server.request('POST', '/api/v1/tokens', { token, body: { name: 'laptop' } });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^crewship_cli_[\w-]{40,}$/);
    const second = created.json.token as string;
    expect((await server.request('GET', '/api/v1/me', { token: second })).status).toBe(200);

    const list = await server.request('GET', '/api/v1/tokens', { token });
    expect(list.json.items.map((item: { name: string }) => item.name)).toEqual(['test', 'laptop']);
    expect(list.json.items.find((item: { current: boolean }) => item.current).name).toBe('test');
    expect(list.text).not.toContain('crewship_cli_');

    expect((await server.request('DELETE', `/api/v1/tokens/${created.json.id}`, { token })).status).toBe(204);
    const revoked = await server.request('GET', '/api/v1/me', { token: second });
    expect(revoked.status).toBe(401);
    expect(revoked.json.detail).toMatch(/revoked/);
    expect((await server.request('DELETE', `/api/v1/tokens/${created.json.id}`, { token })).status).toBe(404);
  });

  it("cannot revoke another user's token", async () => {
    server = await startTestServer();
    const { token } = await bootstrapOwner(server);
    await server.request('POST', '/api/v1/users', {
      token,
      body: { email: 'member@example.com', password: PASSWORD, role: 'MEMBER' },
    });
    const memberToken = await cliToken(server, 'member@example.com');
    const ownerTokens = await server.request('GET', '/api/v1/tokens', { token });
    const ownerTokenId = ownerTokens.json.items[0].id as string;
    expect(
      (await server.request('DELETE', `/api/v1/tokens/${ownerTokenId}`, { token: memberToken })).status,
    ).toBe(404);
    expect((await server.request('GET', '/api/v1/me', { token })).status).toBe(200);
  });

  it('treats garbage and forged bearer values as unauthenticated', async () => {
    server = await startTestServer();
    await bootstrapOwner(server);
    for (const value of [
      'x',
      'crewship_cli_forged',
      `crewship_cli_${'A'.repeat(500)}`,
      'crewship_cli_a;drop',
    ]) {
      const response = await server.request('GET', '/api/v1/me', { token: value });
      expect(response.status).toBe(401);
    }
  });
});

describe('members and the last Owner', () => {
  it('keeps the last Owner and never lets a role grant above itself', async () => {
    server = await startTestServer();
    const { token, user } = await bootstrapOwner(server);
    const admin = await server.request('POST', '/api/v1/users', {
      token,
      body: { email: 'admin@example.com', password: PASSWORD, role: 'ADMIN' },
    });
    expect(admin.status).toBe(201);
    const adminToken = await cliToken(server, 'admin@example.com');

    const demoteSelf = await server.request('PATCH', `/api/v1/members/${user.id}`, {
      token,
      body: { role: 'ADMIN' },
    });
    expect(demoteSelf.status).toBe(409);
    expect(demoteSelf.json.detail).toMatch(/last Owner/);
    expect((await server.request('DELETE', `/api/v1/members/${user.id}`, { token })).status).toBe(409);

    const adminTouchesOwner = await server.request('PATCH', `/api/v1/members/${user.id}`, {
      token: adminToken,
      body: { role: 'VIEWER' },
    });
    expect(adminTouchesOwner.status).toBe(403);
    const adminMakesOwner = await server.request('POST', '/api/v1/users', {
      token: adminToken,
      body: { email: 'boss@example.com', password: PASSWORD, role: 'OWNER' },
    });
    expect(adminMakesOwner.status).toBe(403);
    const adminPromotesSelf = await server.request('PATCH', `/api/v1/members/${admin.json.user_id}`, {
      token: adminToken,
      body: { role: 'OWNER' },
    });
    expect(adminPromotesSelf.status).toBe(403);

    expect(
      (
        await server.request('PATCH', `/api/v1/members/${admin.json.user_id}`, {
          token,
          body: { role: 'OWNER' },
        })
      ).status,
    ).toBe(200);
    const demoteNow = await server.request('PATCH', `/api/v1/members/${user.id}`, {
      token,
      body: { role: 'ADMIN' },
    });
    expect(demoteNow.status).toBe(200);
    const lastOwnerNow = await server.request('DELETE', `/api/v1/members/${admin.json.user_id}`, {
      token: adminToken,
    });
    expect(lastOwnerNow.status).toBe(409);
    const members = await server.request('GET', '/api/v1/members', { token });
    expect(members.json.items.map((member: { role: string }) => member.role).sort()).toEqual([
      'ADMIN',
      'OWNER',
    ]);
  });

  it('refuses a duplicate user and an unknown member email with clear messages', async () => {
    server = await startTestServer();
    const { token } = await bootstrapOwner(server);
    const duplicate = await server.request('POST', '/api/v1/users', {
      token,
      body: { email: 'owner@example.com', password: PASSWORD },
    });
    expect(duplicate.status).toBe(409);
    const unknown = await server.request('POST', '/api/v1/members', {
      token,
      body: { email: 'nobody@example.com', role: 'MEMBER' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.detail).toContain('crewship user create');
  });
});
