import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { builtinModules } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTERNAL_TOKEN_HEADER } from '@crewship/contracts';
import { createStubGateway, type StubGateway } from '@crewship/sidecar-proxy/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(appDir, '..', '..');
const bundlePath = join(appDir, 'dist', 'sidecar.cjs');
const TOKEN = 'bundle-test-token-0123456789';
const SOURCE_DIRS = ['apps/sidecar/src', 'packages/sidecar-proxy/src', 'packages/contracts/src'];

function newestSourceMtime(): number {
  let newest = statSync(join(appDir, 'tsup.config.ts')).mtimeMs;
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(repoRoot, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

beforeAll(() => {
  // Built by `turbo run build`; built here too when missing or older than its sources.
  if (!existsSync(bundlePath) || statSync(bundlePath).mtimeMs < newestSourceMtime()) {
    execFileSync('pnpm', ['--filter', '@crewship/sidecar', 'build'], { cwd: repoRoot, stdio: 'pipe' });
  }
}, 120_000);

interface RunningSidecar {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function runSidecar(stdinText: string): RunningSidecar {
  const child = spawn(process.execPath, [bundlePath], { stdio: ['pipe', 'pipe', 'pipe'], env: {} });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.resume();
  child.stdin.on('error', () => {});
  child.stdin.write(stdinText);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stderr: () => stderr, exited };
}

async function waitForLog(sidecar: RunningSidecar, message: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    for (const line of sidecar.stderr().split('\n')) {
      if (!line.trim()) continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      if (record.msg === message) return record;
    }
    if (sidecar.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`sidecar never logged "${message}"; stderr: ${sidecar.stderr()}`);
}

async function startGateway(): Promise<StubGateway> {
  const gateway = await createStubGateway();
  cleanups.push(() => gateway.close());
  return gateway;
}

function get(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      })
      .on('error', reject);
  });
}

describe('sidecar bundle', () => {
  it('is one self-contained CommonJS file: only Node built-ins are required', () => {
    const source = readFileSync(bundlePath, 'utf8');
    expect(source).not.toMatch(/require\(["']@crewship\//);
    expect(source).not.toMatch(/from ["']@crewship\//);
    const required = new Set([...source.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]!));
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    expect([...required].filter((name) => !builtins.has(name))).toEqual([]);
  });

  it('reads its config from stdin, proxies to the gateway socket and exits 0 on SIGTERM', async () => {
    const gateway = await startGateway();
    const config = {
      socketPath: gateway.socketPath,
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'debug',
    };
    // The server keeps stdin open after the line; the sidecar must not wait for its end.
    const sidecar = runSidecar(`${JSON.stringify(config)}\n`);
    const listening = await waitForLog(sidecar, 'sidecar listening');
    const port = listening.port as number;

    const response = await get(port, '/gemini/v1beta/models/m:streamGenerateContent?alt=sse');
    expect(response.status).toBe(200);
    expect(gateway.requests.map((request) => request.url)).toEqual([
      '/provider/google/v1beta/models/m:streamGenerateContent?alt=sse',
    ]);
    expect(gateway.requests[0]!.headers[INTERNAL_TOKEN_HEADER]).toBe(TOKEN);
    expect(JSON.parse((await get(port, '/health')).text)).toEqual({ status: 'ok', gateway: 'reachable' });

    sidecar.child.kill('SIGTERM');
    expect(await sidecar.exited).toEqual({ code: 0, signal: null });
    expect(sidecar.stderr()).toContain('"msg":"sidecar stopped"');
    expect(sidecar.stderr()).toContain('"path":"/gemini/v1beta/models/m:streamGenerateContent"');
    expect(sidecar.stderr()).not.toContain(TOKEN);
    expect(sidecar.stderr()).not.toContain('alt=sse');
  });

  it('exits 2 with a clear message when the stdin config is invalid', async () => {
    const sidecar = runSidecar(
      '{"socketPath":"/run/crewship/gateway.sock","token":"t","host":"127.0.0.1"}\n',
    );
    expect(await sidecar.exited).toEqual({ code: 2, signal: null });
    expect(sidecar.stderr()).toContain('invalid start config on stdin: port:');
  });

  it('exits 2 without echoing stdin when it is not JSON', async () => {
    const sidecar = runSidecar('token=do-not-echo-me\n');
    expect(await sidecar.exited).toEqual({ code: 2, signal: null });
    expect(sidecar.stderr()).toContain('invalid start config on stdin: not a JSON object');
    expect(sidecar.stderr()).not.toContain('do-not-echo-me');
  });

  it('exits 2 when stdin closes before any config', async () => {
    const sidecar = runSidecar('');
    sidecar.child.stdin.end();
    expect(await sidecar.exited).toEqual({ code: 2, signal: null });
    expect(sidecar.stderr()).toContain('stdin closed before a start config line arrived');
  });

  it('exits non-zero when it cannot listen', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as net.AddressInfo).port;

    const config = { socketPath: '/run/crewship/gateway.sock', token: TOKEN, host: '127.0.0.1', port };
    const sidecar = runSidecar(`${JSON.stringify(config)}\n`);
    expect(await sidecar.exited).toEqual({ code: 1, signal: null });
    expect(sidecar.stderr()).toContain('sidecar cannot listen');
  });
});
