import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapOwner, startTestServer, type TestServer } from './harness.js';

const INDEX = '<!doctype html><title>console</title><div id="root"></div>';

describe('the web console served at /', () => {
  const webDir = mkdtempSync(join(tmpdir(), 'crewship-web-'));
  /** A file next to the build directory: reachable only by escaping it. */
  const outside = mkdtempSync(join(tmpdir(), 'crewship-outside-'));
  const outsideName = outside.split('/').at(-1);
  let server: TestServer;
  let bare: TestServer;

  beforeAll(async () => {
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), INDEX);
    writeFileSync(join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(webDir, 'robots.txt'), 'User-agent: *');
    writeFileSync(join(outside, 'secret.txt'), 'outside-secret');
    server = await startTestServer({ CREWSHIP_WEB_DIR: webDir });
    bare = await startTestServer({ CREWSHIP_WEB_DIR: join(webDir, 'missing') });
  });
  afterAll(async () => {
    await server?.cleanup();
    await bare?.cleanup();
    rmSync(webDir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('serves index.html at / and for console routes, uncached, under the security headers', async () => {
    for (const path of ['/', '/crews', '/crews/platform-team', '/journal?tab=stats']) {
      const response = await server.request('GET', path);
      expect(response.status, path).toBe(200);
      expect(response.text, path).toBe(INDEX);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });

  it('serves hashed assets with a long cache and other files with their type', async () => {
    const asset = await server.request('GET', '/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.text).toBe('console.log(1)');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const robots = await server.request('GET', '/robots.txt');
    expect(robots.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('answers 404 for a missing file and never leaves the build directory', async () => {
    const missing = await server.request('GET', '/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    for (const path of [
      `/..%2f${outsideName}%2fsecret.txt`,
      `/assets/..%2f..%2f${outsideName}%2fsecret.txt`,
      `/%2e%2e%2f${outsideName}%2fsecret.txt`,
      `/..%5c${outsideName}%5csecret.txt`,
      '/%00.js',
      '/%E0%A4%A.js',
    ]) {
      const response = await server.request('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.text, path).not.toContain('outside-secret');
    }
  });

  it('leaves the API, health and socket paths to the server', async () => {
    expect((await server.request('GET', '/api/v1/nope')).headers.get('content-type')).toBe(
      'application/problem+json',
    );
    expect((await server.request('GET', '/healthz')).json.status).toBeDefined();
    expect((await server.request('GET', '/ws')).status).toBe(404);
    expect((await server.request('POST', '/crews')).status).toBe(404);
  });

  it('without a build, says how to build it and the API still works', async () => {
    const page = await bare.request('GET', '/crews');
    expect(page.status).toBe(503);
    expect(page.text).toContain('pnpm --filter @crewship/web build');
    expect((await bare.request('GET', '/api/v1/auth/session')).json).toEqual({
      bootstrap_needed: true,
      me: null,
    });
  });

  it('GET /api/v1/auth/session tells set-up, login and the caller apart without a 401', async () => {
    expect((await server.request('GET', '/api/v1/auth/session')).json).toEqual({
      bootstrap_needed: true,
      me: null,
    });
    const { token } = await bootstrapOwner(server);
    const anonymous = await server.request('GET', '/api/v1/auth/session');
    expect(anonymous.status).toBe(200);
    expect(anonymous.json).toEqual({ bootstrap_needed: false, me: null });
    const revoked = await server.request('GET', '/api/v1/auth/session', { token: 'crewship_cli_forged' });
    expect(revoked.json.me).toBeNull();
    const signedIn = await server.request('GET', '/api/v1/auth/session', { token });
    expect(signedIn.json.me.user.email).toBe('owner@example.com');
    expect(signedIn.json.me.workspaces).toHaveLength(1);
  });
});
