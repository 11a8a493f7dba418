import { request } from 'node:http';
import type { KeeperPort, KeeperResponse, LogFields, Logger } from '@crewship/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  authHeaders,
  createHarness,
  type Harness,
  newToken,
  socketRequest,
  WORKSPACE_ID,
} from './harness.js';

const SECRET = 'ghp_REAL-SECRET-VALUE-0123456789';

interface RecordingKeeper extends KeeperPort {
  calls: { action: 'request' | 'execute'; crew: { workspaceId: string; crewId: string }; body: unknown }[];
  answer: KeeperResponse | Error | (() => unknown);
}

function createRecordingKeeper(): RecordingKeeper {
  const keeper: RecordingKeeper = {
    calls: [],
    answer: { decision: 'allow', decided_by: 'l1', reason: 'fine', risk: 'low', value: SECRET },
    async request(crew, body) {
      keeper.calls.push({ action: 'request', crew, body });
      return respond();
    },
    async execute(crew, body) {
      keeper.calls.push({ action: 'execute', crew, body });
      return respond();
    },
  };
  const respond = () => {
    if (keeper.answer instanceof Error) throw keeper.answer;
    if (typeof keeper.answer === 'function') return keeper.answer() as KeeperResponse;
    return keeper.answer;
  };
  return keeper;
}

function recordingLogger(lines: string[]): Logger {
  const write = (level: string) => (message: string, fields?: LogFields) => {
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
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

let harness: Harness;
let keeper: RecordingKeeper;
let logLines: string[];
let socketPath: string;
let token: string;

afterEach(async () => {
  await harness?.close();
});

async function setup(withKeeper = true) {
  keeper = createRecordingKeeper();
  logLines = [];
  harness = createHarness([], {
    ...(withKeeper ? { keeper } : {}),
    logger: recordingLogger(logLines),
  });
  ({ socketPath, token } = await harness.serve('crew-a'));
}

const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  socketRequest(socketPath, {
    method: 'POST',
    path,
    headers: authHeaders(token, { 'content-type': 'application/json', ...headers }),
    body,
  });

const REQUEST_BODY = { agent: 'ada', credential: 'github', intent: 'clone the private repository' };

describe('keeper routes on the crew socket', () => {
  it('allow: 200 with the Keeper answer; the crew comes from the socket', async () => {
    await setup();
    const response = await post('/keeper/request', JSON.stringify(REQUEST_BODY));
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(response.body)).toEqual({
      decision: 'allow',
      decided_by: 'l1',
      reason: 'fine',
      risk: 'low',
      value: SECRET,
    });
    expect(keeper.calls).toEqual([
      { action: 'request', crew: { workspaceId: WORKSPACE_ID, crewId: 'crew-a' }, body: REQUEST_BODY },
    ]);
    const everything = JSON.stringify({ journal: harness.journal.entries, logs: logLines });
    expect(everything).not.toContain(SECRET);
  });

  it('execute deny: 403 with the decision, without any output fields', async () => {
    await setup();
    keeper.answer = {
      decision: 'deny',
      decided_by: 'judge',
      reason: 'the command exfiltrates the token',
      risk: 'high',
      stdout: 'should not be here',
    };
    const body = { ...REQUEST_BODY, command: 'gh repo list' };
    const response = await post('/keeper/execute', JSON.stringify(body));
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({
      decision: 'deny',
      decided_by: 'judge',
      reason: 'the command exfiltrates the token',
      risk: 'high',
    });
    expect(keeper.calls[0]).toMatchObject({ action: 'execute', body });
  });

  it('400 for a body that is not JSON, 413 over 64 KiB, 405 for other methods: the Keeper is not asked', async () => {
    await setup();
    const bad = await post('/keeper/request', '{"agent": "ada",');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ decision: 'deny', decided_by: 'validation' });
    const large = await post(
      '/keeper/execute',
      JSON.stringify({ ...REQUEST_BODY, intent: 'x'.repeat(70_000) }),
    );
    expect(large.status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        { socketPath, method: 'POST', path: '/keeper/request', headers: authHeaders(token) },
        (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode ?? 0);
        },
      );
      outgoing.on('error', () => undefined);
      outgoing.write(Buffer.alloc(40_000, 0x20));
      outgoing.end(Buffer.alloc(40_000, 0x20));
      setTimeout(() => reject(new Error('no answer')), 5_000).unref();
    });
    expect(chunked).toBe(413);
    const get = await socketRequest(socketPath, { path: '/keeper/request', headers: authHeaders(token) });
    expect(get.status).toBe(405);
    expect(keeper.calls).toHaveLength(0);
  });

  it('503 when no Keeper is configured', async () => {
    await setup(false);
    const response = await post('/keeper/request', JSON.stringify(REQUEST_BODY));
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ decision: 'deny', decided_by: 'fail_closed' });
  });

  it('401 without the right internal token, journaled, Keeper not asked', async () => {
    await setup();
    const wrong = await socketRequest(socketPath, {
      method: 'POST',
      path: '/keeper/execute',
      headers: authHeaders(newToken()),
      body: JSON.stringify(REQUEST_BODY),
    });
    expect(wrong.status).toBe(401);
    const missing = await socketRequest(socketPath, {
      method: 'POST',
      path: '/keeper/request',
      body: JSON.stringify(REQUEST_BODY),
    });
    expect(missing.status).toBe(401);
    expect(keeper.calls).toHaveLength(0);
    const [entry] = await harness.journal.waitFor('gateway.unauthorized');
    expect(entry?.payload).toMatchObject({ target: '/keeper/execute', reason: 'invalid_token' });
  });

  it('500 with a generic message when the Keeper throws or answers garbage; the value never leaks', async () => {
    await setup();
    keeper.answer = new Error('judge timed out');
    const thrown = await post('/keeper/request', JSON.stringify(REQUEST_BODY));
    expect(thrown.status).toBe(500);
    expect(JSON.parse(thrown.body)).toEqual({
      decision: 'deny',
      decided_by: 'fail_closed',
      reason: 'the Keeper failed; nothing was granted',
      risk: null,
    });
    expect(logLines.some((line) => line.includes('judge timed out'))).toBe(true);
    keeper.answer = () => ({ decision: 'maybe', value: SECRET });
    const garbage = await post('/keeper/request', JSON.stringify(REQUEST_BODY));
    expect(garbage.status).toBe(500);
    expect(garbage.body).not.toContain(SECRET);
    expect(logLines.join('\n')).not.toContain(SECRET);
    expect(JSON.stringify(harness.journal.entries)).not.toContain(SECRET);
  });
});
