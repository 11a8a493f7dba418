import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDatabase } from '@crewship/db';
import { createFakeProvider, type FakeProvider } from '@crewship/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapOwner,
  dockerTestsRun,
  makeDataDir,
  postNdjson,
  type StreamEvent,
  startTestServer,
  type TestServer,
} from './harness.js';

const dockerTests = await dockerTestsRun();
const CANARY = `sk-ant-api03-CANARY${Math.random().toString(36).slice(2, 12)}abcdefghijklmnop`;

type Event = StreamEvent;
const ALLOWED_HOST = 'allowed.crewship.test';

/** Run in the container: a CONNECT through the sidecar, then a plain HTTP request inside the tunnel. */
const CONNECT_SCRIPT = `
const http = require('http');
const req = http.request({ host: '127.0.0.1', port: 9119, method: 'CONNECT', path: process.argv[1] + ':443' });
const done = (text) => { console.log(text); process.exit(0); };
req.on('connect', (res, socket) => {
  console.log('status ' + res.statusCode);
  if (res.statusCode !== 200) return done('no tunnel');
  let body = '';
  socket.on('data', (chunk) => { body += chunk; });
  socket.on('end', () => done(body.split('\\r\\n\\r\\n')[1] ?? ''));
  socket.write('GET /through-the-tunnel HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n');
});
req.on('error', (error) => done('error ' + error.code));
req.end();`;

/** Run in the container: an absolute-URI request to the sidecar's forward proxy. */
const FORWARD_SCRIPT = `
const http = require('http');
const target = new URL(process.argv[1]);
http.get({ host: '127.0.0.1', port: 9119, path: target.href, headers: { host: target.host } }, (res) => {
  let body = '';
  res.on('data', (chunk) => { body += chunk; });
  res.on('end', () => { console.log('status ' + res.statusCode); console.log(body); });
}).on('error', (error) => console.log('error ' + error.code));`;

describe.skipIf(!dockerTests)('the sealed path on the real Docker engine', () => {
  const dataDir = makeDataDir();
  const slug = `sp-${Math.random().toString(36).slice(2, 8)}`;
  let provider: FakeProvider;
  let allowedHost: Server;
  const logLines: string[] = [];
  let server: TestServer;
  let token: string;
  let crewId: string;

  async function exec(body: unknown): Promise<Event[]> {
    const { status, events } = await postNdjson(server, token, `/api/v1/crews/${crewId}/exec`, body);
    if (status !== 200) throw new Error(`exec answered ${status}: ${JSON.stringify(events[0])}`);
    return events;
  }
  const stdout = (events: Event[]) =>
    events.filter((event) => event.stream === 'stdout').map((event) => event.line);

  beforeAll(async () => {
    provider = await createFakeProvider({
      kind: 'anthropic',
      script: [{ text: 'hello from the fake provider' }],
    });
    // Stands in for an allowlisted internet host; the gateway reaches it only through the resolve map.
    allowedHost = createServer((request, response) => response.end(`allowed host saw ${request.url}`));
    await new Promise<void>((resolve) => allowedHost.listen(0, '127.0.0.1', resolve));
    const allowedPort = (allowedHost.address() as AddressInfo).port;
    server = await startTestServer(
      {
        CREWSHIP_CONTAINERS: 'docker',
        CREWSHIP_SEALED_PATH: 'true',
        CREWSHIP_UPSTREAM_ANTHROPIC: provider.url,
        CREWSHIP_EGRESS_RESOLVE: `${ALLOWED_HOST}=127.0.0.1:${allowedPort}`,
      },
      dataDir,
      { agentTools: undefined, logLevel: 'debug', logWrite: (line) => logLines.push(line) },
    );
    ({ token } = await bootstrapOwner(server));
    const crew = await server.request('POST', '/api/v1/crews', {
      token,
      body: {
        name: slug,
        runtime_image: 'crewship-base:bookworm',
        memory_mb: 1024,
        cpus: 1,
        network_mode: 'restricted',
        allowed_domains: [ALLOWED_HOST],
      },
    });
    crewId = crew.json.id;
    const agent = await server.request('POST', '/api/v1/agents', {
      token,
      body: { crew: crewId, name: `${slug}-ada`, slug: `${slug}-ada`, cli_adapter: 'CLAUDE_CODE' },
    });
    expect(agent.status, agent.text).toBe(201);
    const credential = await server.request('POST', '/api/v1/credentials', {
      token,
      body: { name: 'anthropic-main', provider: 'anthropic', value: CANARY },
    });
    expect(credential.status, credential.text).toBe(201);
    const assigned = await server.request('POST', `/api/v1/credentials/${credential.json.id}/assign`, {
      token,
      body: { agents: [`${slug}-ada`] },
    });
    expect(assigned.status, assigned.text).toBe(200);
    const started = await server.request('POST', `/api/v1/crews/${crewId}/container-start`, { token });
    expect(started.status, started.text).toBe(200);
  }, 600_000);

  afterAll(async () => {
    await server?.request('DELETE', `/api/v1/crews/${crewId}`, { token }).catch(() => {});
    await server?.stop();
    await provider?.close();
    allowedHost?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function askClaude() {
    const before = provider.requests.length;
    const events = await exec({
      agent: `${slug}-ada`,
      cmd: ['claude', '--print', '--output-format', 'stream-json', '--verbose', '--', 'say hi'],
      timeout_ms: 120_000,
    });
    expect(events.at(-1), JSON.stringify(events.slice(-5))).toMatchObject({ exit_code: 0 });
    expect(stdout(events).join('\n')).toContain('hello from the fake provider');
    const call = provider.requests.slice(before).find((request) => request.path.startsWith('/v1/messages'));
    expect(call?.headers['x-api-key']).toBe(CANARY);
  }
  const journalRows = () => {
    const { sqlite } = createDatabase({ file: join(dataDir, 'crewship.db'), readonly: true });
    try {
      return sqlite
        .prepare('SELECT entry_type, summary, payload FROM journal_entries ORDER BY seq')
        .all() as {
        entry_type: string;
        summary: string;
        payload: string;
      }[];
    } finally {
      sqlite.close();
    }
  };
  /** As the sidecar's user: root in the container has no CAP_DAC_OVERRIDE or CAP_KILL over UID 1002. */
  const asSidecar = (...cmd: string[]) =>
    execFileSync('docker', ['exec', '-u', '1002:1002', `crewship-crew-${slug}`, ...cmd], {
      encoding: 'utf8',
    });
  const sidecarPid = async () => {
    const pid = asSidecar('cat', '/run/crewship/sidecar.pid').trim();
    expect(pid).toMatch(/^\d+$/);
    return pid;
  };
  const sidecarHealthy = async () =>
    stdout(
      await exec({
        agent: `${slug}-ada`,
        cmd: [
          'node',
          '-e',
          "require('http').get('http://127.0.0.1:9119/health', (r) => console.log(r.statusCode)).on('error', () => console.log('down'))",
        ],
      }),
    )[0] === '200';

  it(
    'runs Claude Code in the container through sidecar, socket and gateway to the provider, which gets the real key',
    {
      timeout: 180_000,
    },
    askClaude,
  );

  it('restricted mode: a host off the allowlist gets 403 and an egress.denied entry; an allowlisted host is reached', {
    timeout: 60_000,
  }, async () => {
    const agent = `${slug}-ada`;
    const deniedTunnel = await exec({ agent, cmd: ['node', '-e', CONNECT_SCRIPT, 'denied.example.com'] });
    expect(stdout(deniedTunnel)).toEqual(['status 403', 'no tunnel']);
    const deniedForward = await exec({
      agent,
      cmd: ['node', '-e', FORWARD_SCRIPT, 'http://denied.example.org/x'],
    });
    expect(stdout(deniedForward)[0]).toBe('status 403');
    // The gateway's entries reach the database with the next journal batch (within ~100 ms).
    let denials = journalRows().filter((row) => row.entry_type === 'egress.denied');
    for (let attempt = 0; attempt < 50 && denials.length < 2; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      denials = journalRows().filter((row) => row.entry_type === 'egress.denied');
    }
    expect(denials.map((row) => row.summary).join('\n')).toMatch(
      /denied\.example\.com[\s\S]*denied\.example\.org/,
    );

    const tunnel = await exec({ agent, cmd: ['node', '-e', CONNECT_SCRIPT, ALLOWED_HOST] });
    expect(stdout(tunnel)).toEqual(['status 200', 'allowed host saw /through-the-tunnel']);
    const forward = await exec({
      agent,
      cmd: ['node', '-e', FORWARD_SCRIPT, `http://${ALLOWED_HOST}/plain`],
    });
    expect(stdout(forward)).toEqual(['status 200', 'allowed host saw /plain']);
    // The container itself has no route out: its network mode is none.
    const direct = await exec({
      agent,
      cmd: ['node', '-e', "require('net').connect(80, '1.1.1.1').on('error', (e) => console.log(e.code))"],
    });
    expect(stdout(direct)[0]).toMatch(/ENETUNREACH|EHOSTUNREACH/);
  });

  it('restarts the sidecar when it is killed, after a stop and start, and after Docker restarts the container', {
    timeout: 240_000,
  }, async () => {
    const first = await sidecarPid();
    asSidecar('sh', '-c', `kill -9 ${first}`);
    let healthy = false;
    for (let attempt = 0; attempt < 100 && !healthy; attempt += 1) {
      healthy = (await sidecarPid()) !== first && (await sidecarHealthy());
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(healthy).toBe(true);
    expect(logLines.some((line) => line.includes('sidecar exited; restarting'))).toBe(true);

    const stopped = await server.request('POST', `/api/v1/crews/${crewId}/container-stop`, { token });
    expect(stopped.status, stopped.text).toBe(200);
    const started = await server.request('POST', `/api/v1/crews/${crewId}/container-start`, { token });
    expect(started.status, started.text).toBe(200);
    expect(await sidecarHealthy()).toBe(true);
    await askClaude();

    // Docker itself restarts the same container (restart policy, engine restart): the next use of the
    // crew must notice that the sidecar went down with it.
    execFileSync('docker', ['restart', '-t', '1', `crewship-crew-${slug}`]);
    await askClaude();
  });

  it('keeps the key out of the container files and processes, the sidecar socket away from UID 1001, and out of the database file and the API', {
    timeout: 120_000,
  }, async () => {
    const search = await exec({
      user: 'root',
      cmd: [
        'sh',
        '-c',
        `grep -rl -D skip --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev -- '${CANARY}' / 2>/dev/null; for f in /proc/[0-9]*/environ; do grep -l -- '${CANARY}' "$f" 2>/dev/null; done; echo searched`,
      ],
    });
    expect(stdout(search)).toEqual(['searched']);
    const pid = await sidecarPid();
    expect(asSidecar('cat', `/proc/${pid}/cmdline`)).toContain('sidecar');
    const asAgent = await exec({ agent: `${slug}-ada`, cmd: ['cat', `/proc/${pid}/environ`] });
    expect(asAgent.at(-1).exit_code).not.toBe(0);
    expect(asAgent.map((event) => event.line ?? '').join('\n')).toContain('Permission denied');
    const socket = await exec({
      agent: `${slug}-ada`,
      cmd: [
        'node',
        '-e',
        "require('net').connect('/run/crewship/gateway.sock').on('error', (e) => { console.log(e.code); process.exit(3) })",
      ],
    });
    expect(stdout(socket)).toEqual(['EACCES']);
    const database = readFileSync(join(dataDir, 'crewship.db'));
    const wal = readFileSync(join(dataDir, 'crewship.db-wal'));
    expect(database.includes(CANARY)).toBe(false);
    expect(wal.includes(CANARY)).toBe(false);
    const list = await server.request('GET', '/api/v1/credentials', { token });
    expect(list.text).not.toContain(CANARY);
    const rows = journalRows();
    expect(rows.filter((row) => row.entry_type === 'llm.call').length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(CANARY);
    // Debug-level server logs of everything above, including the gateway's and the sidecar's.
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.join('')).not.toContain(CANARY);
  });
});
