import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeContainerRuntime } from '@crewship/container-runtime/testing';
import { ROLES, type Role } from '@crewship/contracts';
import { createDatabase } from '@crewship/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapOwner, cliToken, PASSWORD, startTestServer, type TestServer } from './harness.js';

/**
 * The expected minimum role of every route, written from the product rules and NOT derived from
 * src/http/policy.ts, so a mistaken policy entry fails here.
 */
type Expectation = 'public' | 'signed-in' | Role;
const EXPECTED: Record<string, Expectation> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /api/v1/openapi.json': 'public',
  'GET /api/v1/bootstrap': 'public',
  'POST /api/v1/bootstrap': 'public',
  'GET /api/v1/auth/session': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/token': 'public',
  'POST /api/v1/auth/logout': 'signed-in',
  'GET /api/v1/me': 'signed-in',
  'GET /api/v1/tokens': 'signed-in',
  'POST /api/v1/tokens': 'signed-in',
  'DELETE /api/v1/tokens/{id}': 'signed-in',
  'GET /api/v1/workspaces': 'signed-in',
  'POST /api/v1/workspaces': 'signed-in',
  'GET /api/v1/workspaces/{workspace}': 'VIEWER',
  'PATCH /api/v1/workspaces/{workspace}': 'ADMIN',
  'DELETE /api/v1/workspaces/{workspace}': 'OWNER',
  'POST /api/v1/users': 'ADMIN',
  'GET /api/v1/members': 'VIEWER',
  'POST /api/v1/members': 'ADMIN',
  'PATCH /api/v1/members/{userId}': 'ADMIN',
  'DELETE /api/v1/members/{userId}': 'ADMIN',
  'GET /api/v1/crews': 'VIEWER',
  'POST /api/v1/crews': 'MANAGER',
  'GET /api/v1/crews/{crew}': 'VIEWER',
  'PATCH /api/v1/crews/{crew}': 'MANAGER',
  'DELETE /api/v1/crews/{crew}': 'ADMIN',
  'GET /api/v1/agents': 'VIEWER',
  'POST /api/v1/agents': 'MANAGER',
  'GET /api/v1/agents/{agent}': 'VIEWER',
  'PATCH /api/v1/agents/{agent}': 'MANAGER',
  'DELETE /api/v1/agents/{agent}': 'MANAGER',
  'GET /api/v1/agents/{agent}/files': 'VIEWER',
  'GET /api/v1/agents/{agent}/files/content': 'VIEWER',
  'POST /api/v1/crews/{crew}/container-start': 'MANAGER',
  'POST /api/v1/crews/{crew}/container-stop': 'MANAGER',
  'GET /api/v1/crews/{crew}/container-status': 'VIEWER',
  'POST /api/v1/crews/{crew}/exec': 'ADMIN',
  'GET /api/v1/tools': 'VIEWER',
  'POST /api/v1/tools/install': 'ADMIN',
  'GET /api/v1/credentials': 'VIEWER',
  'POST /api/v1/credentials': 'ADMIN',
  'GET /api/v1/credentials/{id}': 'VIEWER',
  'PATCH /api/v1/credentials/{id}': 'ADMIN',
  'DELETE /api/v1/credentials/{id}': 'ADMIN',
  'POST /api/v1/credentials/{id}/rotate': 'ADMIN',
  'POST /api/v1/credentials/{id}/assign': 'ADMIN',
  'POST /api/v1/credentials/{id}/unassign': 'ADMIN',
  'POST /api/v1/admin/reencrypt': 'OWNER',
  'POST /api/v1/agents/{agent}/chats': 'MEMBER',
  'GET /api/v1/chats': 'VIEWER',
  'GET /api/v1/chats/{chat}': 'VIEWER',
  'GET /api/v1/chats/{chat}/messages': 'VIEWER',
  'POST /api/v1/chats/{chat}/messages': 'MEMBER',
  'GET /api/v1/chats/{chat}/stream': 'VIEWER',
  'GET /api/v1/runs': 'VIEWER',
  'GET /api/v1/runs/stats': 'VIEWER',
  'GET /api/v1/runs/{run}': 'VIEWER',
  'POST /api/v1/runs/{run}/cancel': 'MEMBER',
  'GET /api/v1/journal': 'VIEWER',
  'GET /api/v1/journal/stream': 'VIEWER',
  'GET /api/v1/journal/verify': 'ADMIN',
  'GET /api/v1/ws-token': 'signed-in',
  'GET /api/v1/paymaster/summary': 'VIEWER',
  'GET /api/v1/paymaster/ledger': 'VIEWER',
  'GET /api/v1/paymaster/rates': 'VIEWER',
  'PUT /api/v1/paymaster/rates': 'ADMIN',
  'GET /api/v1/budgets': 'VIEWER',
  'PUT /api/v1/budgets': 'ADMIN',
  'DELETE /api/v1/budgets/{id}': 'ADMIN',
  'GET /api/v1/approvals': 'VIEWER',
  'GET /api/v1/approvals/rules': 'VIEWER',
  'PUT /api/v1/approvals/rules': 'ADMIN',
  'GET /api/v1/approvals/{id}': 'VIEWER',
  'POST /api/v1/approvals/{id}/decide': 'MANAGER',
  'GET /api/v1/keeper/status': 'VIEWER',
  'GET /api/v1/keeper/rules': 'MEMBER',
  'PUT /api/v1/keeper/rules': 'ADMIN',
  'GET /api/v1/keeper/requests': 'MEMBER',
  'GET /api/v1/inbox': 'VIEWER',
  'GET /api/v1/inbox/count': 'VIEWER',
  'POST /api/v1/inbox/{id}/read': 'VIEWER',
  'POST /api/v1/inbox/{id}/resolve': 'VIEWER',
  'POST /api/v1/inbox/{id}/archive': 'VIEWER',
};

/** Run-start rules: runs of agents named `gated-*` wait for a decision, every other run is only logged. */
const APPROVAL_RULES = [
  { name: 'rbac-gate', on: 'run_start', agent: 'gated-*', mode: 'sync' },
  { name: 'rbac-log', on: 'run_start', mode: 'async' },
];

const RANK: Record<Role, number> = { VIEWER: 1, MEMBER: 2, MANAGER: 3, ADMIN: 4, OWNER: 5 };
const CALLERS = [...ROLES, 'OUTSIDER'] as const;
type Caller = (typeof CALLERS)[number];

interface Prepared {
  path: string;
  body?: unknown;
  workspace?: string;
  token?: string;
  /** A stream that never ends by itself: only its status is read. */
  live?: boolean;
}

// A stand-in `claude` that works for a minute: runs stay in flight until they are cancelled.
const standIns = mkdtempSync(join(tmpdir(), 'crewship-rbac-bin-'));
writeFileSync(join(standIns, 'claude'), '#!/bin/sh\nexec sleep 60\n', { mode: 0o755 });
let server: TestServer;
const runtime = createFakeContainerRuntime({ path: [standIns] });
let owner: string;
let workspaceId: string;
const tokens = {} as Record<Caller, string>;
const userIds = {} as Record<Caller, string>;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

async function api(method: string, path: string, body?: unknown, token = owner, workspace = workspaceId) {
  const response = await server.request(method, path, { token, body, workspace });
  if (response.status >= 300)
    throw new Error(`${method} ${path} failed: ${response.status} ${response.text}`);
  return response.json;
}

async function freshCrew(): Promise<string> {
  return (await api('POST', '/api/v1/crews', { name: unique('crew') })).id;
}

async function freshUser(role: Role): Promise<string> {
  const member = await api('POST', '/api/v1/users', {
    email: `${unique('u')}@example.com`,
    password: PASSWORD,
    role,
  });
  return member.user_id;
}

/** A workspace where every caller holds its role, for destructive workspace routes. */
async function freshWorkspaceWithEveryRole(): Promise<string> {
  const created = await api('POST', '/api/v1/workspaces', { name: unique('ws') });
  for (const role of ROLES) {
    if (role === 'OWNER') continue;
    const email = `${role.toLowerCase()}@example.com`;
    await api('POST', '/api/v1/members', { email, role }, owner, created.id);
  }
  return created.id;
}

async function freshChat(): Promise<string> {
  const agent = await api('POST', '/api/v1/agents', { crew: await freshCrew(), name: unique('agent') });
  return (await api('POST', `/api/v1/agents/${agent.id}/chats`, {})).id;
}

/** A chat with a run in progress (the stand-in sleeps). */
async function runningRun(): Promise<{ chat: string; run: string }> {
  const chat = await freshChat();
  const posted = await api('POST', `/api/v1/chats/${chat}/messages`, { content: 'work' });
  return { chat, run: posted.run.id };
}

/** A chat whose run has ended (cancelled by the owner). */
async function endedRun(): Promise<{ chat: string; run: string }> {
  const started = await runningRun();
  await api('POST', `/api/v1/runs/${started.run}/cancel`);
  return started;
}

/** Only the status of a response whose body never ends. */
/** A run waiting at its start for an approval: the pending approval's id. */
async function pendingApproval(): Promise<string> {
  await api('PUT', '/api/v1/approvals/rules', { rules: APPROVAL_RULES });
  const agent = await api('POST', '/api/v1/agents', { crew: await freshCrew(), name: unique('gated') });
  const chat = await api('POST', `/api/v1/agents/${agent.id}/chats`, {});
  const posted = await api('POST', `/api/v1/chats/${chat.id}/messages`, { content: 'may I?' });
  for (;;) {
    const pending = await api('GET', `/api/v1/approvals?status=pending&run=${posted.run.id}`);
    if (pending.items[0]) return pending.items[0].id as string;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An inbox item for the caller, written straight into the database. */
function inboxItemFor(userId: string): string {
  const database = createDatabase({ file: join(server.dataDir, 'crewship.db') });
  try {
    const id = unique('inbox-item');
    database.sqlite
      .prepare(
        `INSERT INTO inbox_items (id, workspace_id, kind, target_user_id, title, body, status, created_at)
         VALUES (?, ?, 'agent_reply', ?, 'hello', 'a reply', 'unread', ?)`,
      )
      .run(id, workspaceId, userId, new Date().toISOString());
    return id;
  } finally {
    database.close();
  }
}

async function liveStatus(path: string, token: string | undefined, workspace: string) {
  const controller = new AbortController();
  const response = await fetch(`${server.url}${path}`, {
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'x-crewship-workspace': workspace,
    },
    signal: controller.signal,
  });
  const status = response.status;
  const text = status >= 300 ? await response.text() : '';
  controller.abort();
  return { status, text, json: text ? JSON.parse(text) : undefined };
}

/** Builds a request that succeeds for any caller allowed to make it. */
async function prepare(route: string, caller: Caller): Promise<Prepared> {
  switch (route) {
    case 'POST /api/v1/bootstrap':
      return { path: '/api/v1/bootstrap', body: { email: 'late@example.com', password: PASSWORD } };
    case 'POST /api/v1/auth/login':
    case 'POST /api/v1/auth/token':
      return {
        path: route.split(' ')[1] ?? '',
        body: {
          email: `${caller === 'OWNER' ? 'owner' : caller.toLowerCase()}@example.com`,
          password: PASSWORD,
        },
      };
    case 'POST /api/v1/auth/logout': {
      const email = `${caller === 'OWNER' ? 'owner' : caller.toLowerCase()}@example.com`;
      return { path: '/api/v1/auth/logout', token: await cliToken(server, email) };
    }
    case 'POST /api/v1/tokens':
      return { path: '/api/v1/tokens', body: { name: 'extra' } };
    case 'DELETE /api/v1/tokens/{id}': {
      const created = await api('POST', '/api/v1/tokens', { name: 'doomed' }, tokens[caller]);
      return { path: `/api/v1/tokens/${created.id}` };
    }
    case 'POST /api/v1/workspaces':
      return { path: '/api/v1/workspaces', body: { name: unique('new-ws') } };
    case 'GET /api/v1/workspaces/{workspace}':
      return { path: `/api/v1/workspaces/${workspaceId}` };
    case 'PATCH /api/v1/workspaces/{workspace}':
      return { path: `/api/v1/workspaces/${workspaceId}`, body: { name: unique('renamed') } };
    case 'DELETE /api/v1/workspaces/{workspace}':
      return { path: `/api/v1/workspaces/${await freshWorkspaceWithEveryRole()}` };
    case 'POST /api/v1/users':
      return { path: '/api/v1/users', body: { email: `${unique('new')}@example.com`, password: PASSWORD } };
    case 'POST /api/v1/members': {
      const userId = await freshUser('VIEWER');
      const email = (await api('GET', '/api/v1/members')).items.find(
        (m: { user_id: string }) => m.user_id === userId,
      ).email as string;
      await api('DELETE', `/api/v1/members/${userId}`);
      return { path: '/api/v1/members', body: { email, role: 'MEMBER' } };
    }
    case 'PATCH /api/v1/members/{userId}':
      return { path: `/api/v1/members/${await freshUser('VIEWER')}`, body: { role: 'MEMBER' } };
    case 'DELETE /api/v1/members/{userId}':
      return { path: `/api/v1/members/${await freshUser('VIEWER')}` };
    case 'POST /api/v1/crews':
      return { path: '/api/v1/crews', body: { name: unique('crew') } };
    case 'GET /api/v1/crews/{crew}':
      return { path: `/api/v1/crews/${await freshCrew()}` };
    case 'PATCH /api/v1/crews/{crew}':
      return { path: `/api/v1/crews/${await freshCrew()}`, body: { description: 'changed' } };
    case 'DELETE /api/v1/crews/{crew}':
      return { path: `/api/v1/crews/${await freshCrew()}` };
    case 'POST /api/v1/agents':
      return { path: '/api/v1/agents', body: { crew: await freshCrew(), name: unique('agent') } };
    case 'GET /api/v1/agents/{agent}':
    case 'PATCH /api/v1/agents/{agent}':
    case 'DELETE /api/v1/agents/{agent}': {
      const agent = await api('POST', '/api/v1/agents', { crew: await freshCrew(), name: unique('agent') });
      return {
        path: `/api/v1/agents/${agent.id}`,
        ...(route.startsWith('PATCH') ? { body: { persona: 'changed' } } : {}),
      };
    }
    case 'GET /api/v1/agents/{agent}/files':
    case 'GET /api/v1/agents/{agent}/files/content': {
      const agent = await api('POST', '/api/v1/agents', { crew: await freshCrew(), name: unique('agent') });
      const output = join(server.dataDir, 'crews', agent.crew_id, 'output', agent.slug);
      mkdirSync(output, { recursive: true });
      writeFileSync(join(output, 'report.txt'), 'done');
      return {
        path: `/api/v1/agents/${agent.id}/files${route.endsWith('content') ? '/content?path=report.txt' : ''}`,
      };
    }
    case 'POST /api/v1/crews/{crew}/container-start':
    case 'POST /api/v1/crews/{crew}/container-stop':
    case 'GET /api/v1/crews/{crew}/container-status':
      return { path: route.split(' ')[1]?.replace('{crew}', await freshCrew()) ?? '' };
    case 'POST /api/v1/crews/{crew}/exec':
      return { path: `/api/v1/crews/${await freshCrew()}/exec`, body: { cmd: ['true'] } };
    case 'POST /api/v1/tools/install':
      return { path: '/api/v1/tools/install', body: { tools: ['codex'] } };
    case 'POST /api/v1/credentials':
      return {
        path: '/api/v1/credentials',
        body: { name: unique('cred'), provider: 'openai', value: 'sk-rbac-0123456789abcdef' },
      };
    case 'GET /api/v1/credentials/{id}':
    case 'PATCH /api/v1/credentials/{id}':
    case 'DELETE /api/v1/credentials/{id}':
    case 'POST /api/v1/credentials/{id}/rotate':
    case 'POST /api/v1/credentials/{id}/assign':
    case 'POST /api/v1/credentials/{id}/unassign': {
      const credential = await api('POST', '/api/v1/credentials', {
        name: unique('cred'),
        provider: 'openai',
        value: 'sk-rbac-0123456789abcdef',
      });
      const agent = await api('POST', '/api/v1/agents', { crew: await freshCrew(), name: unique('agent') });
      const body = route.startsWith('PATCH')
        ? { priority: 1 }
        : route.endsWith('rotate')
          ? { value: 'sk-rbac-rotated-0123456789' }
          : route.endsWith('assign')
            ? { agents: [agent.id] }
            : undefined;
      return { path: route.split(' ')[1]?.replace('{id}', credential.id) ?? '', ...(body ? { body } : {}) };
    }
    case 'POST /api/v1/agents/{agent}/chats': {
      const agent = await api('POST', '/api/v1/agents', { crew: await freshCrew(), name: unique('agent') });
      return { path: `/api/v1/agents/${agent.id}/chats`, body: {} };
    }
    case 'GET /api/v1/chats/{chat}':
    case 'GET /api/v1/chats/{chat}/messages':
      return { path: route.split(' ')[1]?.replace('{chat}', await freshChat()) ?? '' };
    case 'POST /api/v1/chats/{chat}/messages':
      return { path: `/api/v1/chats/${await freshChat()}/messages`, body: { content: 'hello' } };
    case 'GET /api/v1/chats/{chat}/stream': {
      const { chat, run } = await endedRun();
      return { path: `/api/v1/chats/${chat}/stream?run=${run}&after_seq=0` };
    }
    case 'GET /api/v1/runs/{run}':
      return { path: `/api/v1/runs/${(await endedRun()).run}` };
    case 'POST /api/v1/runs/{run}/cancel':
      return { path: `/api/v1/runs/${(await runningRun()).run}/cancel` };
    case 'GET /api/v1/journal/stream':
      return { path: '/api/v1/journal/stream', live: true };
    case 'PUT /api/v1/paymaster/rates':
      return {
        path: '/api/v1/paymaster/rates',
        body: { provider: 'anthropic', model: unique('model'), input_per_m: 1, output_per_m: 2 },
      };
    case 'PUT /api/v1/budgets':
      return {
        path: '/api/v1/budgets',
        body: { scope: 'crew', scope_ref: await freshCrew(), window: 'day', mode: 'soft', limit_usd: 10 },
      };
    case 'DELETE /api/v1/budgets/{id}': {
      const budget = await api('PUT', '/api/v1/budgets', {
        scope: 'crew',
        scope_ref: await freshCrew(),
        window: 'week',
        limit_usd: 10,
      });
      return { path: `/api/v1/budgets/${budget.id}` };
    }
    case 'PUT /api/v1/approvals/rules':
      return { path: '/api/v1/approvals/rules', body: { rules: APPROVAL_RULES } };
    case 'GET /api/v1/approvals/{id}':
      return { path: `/api/v1/approvals/${await pendingApproval()}` };
    case 'POST /api/v1/approvals/{id}/decide':
      return { path: `/api/v1/approvals/${await pendingApproval()}/decide`, body: { decision: 'approve' } };
    case 'PUT /api/v1/keeper/rules':
      return { path: '/api/v1/keeper/rules', body: { yaml: 'rules: []\n' } };
    case 'POST /api/v1/inbox/{id}/read':
    case 'POST /api/v1/inbox/{id}/resolve':
    case 'POST /api/v1/inbox/{id}/archive':
      return { path: route.split(' ')[1]?.replace('{id}', inboxItemFor(userIds[caller])) ?? '' };
    default:
      return { path: route.split(' ')[1] ?? '' };
  }
}

beforeAll(async () => {
  server = await startTestServer({}, undefined, { containerRuntime: runtime });
  const boot = await bootstrapOwner(server);
  owner = boot.token;
  workspaceId = boot.workspace.id;
  tokens.OWNER = owner;
  userIds.OWNER = boot.user.id;
  for (const role of ROLES) {
    if (role === 'OWNER') continue;
    const email = `${role.toLowerCase()}@example.com`;
    const member = await api('POST', '/api/v1/users', { email, password: PASSWORD, role });
    userIds[role] = member.user_id;
    tokens[role] = await cliToken(server, email);
  }
  // The outsider owns another workspace and belongs to nothing else.
  const outsiderEmail = 'outsider@example.com';
  const member = await api('POST', '/api/v1/users', {
    email: outsiderEmail,
    password: PASSWORD,
    role: 'VIEWER',
  });
  tokens.OUTSIDER = await cliToken(server, outsiderEmail);
  userIds.OUTSIDER = member.user_id;
  await api('POST', '/api/v1/workspaces', { name: 'Elsewhere' }, tokens.OUTSIDER);
  await api('DELETE', `/api/v1/members/${member.user_id}`);
});

afterAll(async () => {
  await server.cleanup();
  rmSync(standIns, { recursive: true, force: true });
  rmSync(runtime.root, { recursive: true, force: true });
});

describe('RBAC matrix', () => {
  it('covers every route the server serves', async () => {
    const document = await api('GET', '/api/v1/openapi.json');
    const served = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [route, expectation] of Object.entries(EXPECTED)) {
    const [method = 'GET'] = route.split(' ');
    it(`${route} needs ${expectation}`, async () => {
      if (expectation !== 'public') {
        const anonymous = await prepare(route, 'OWNER');
        const response = anonymous.live
          ? await liveStatus(anonymous.path, undefined, workspaceId)
          : await server.request(method, anonymous.path, { body: anonymous.body, workspace: workspaceId });
        expect(response.status, `${route} without credentials`).toBe(401);
      }
      for (const caller of CALLERS) {
        const prepared = await prepare(route, caller);
        const token = prepared.token ?? tokens[caller];
        const workspace = prepared.workspace ?? workspaceId;
        const response = prepared.live
          ? await liveStatus(prepared.path, token, workspace)
          : await server.request(method, prepared.path, { token, body: prepared.body, workspace });
        const label = `${caller} ${route}: ${response.text}`;
        if (expectation === 'public' || expectation === 'signed-in') {
          if (route === 'POST /api/v1/bootstrap') expect(response.status, label).toBe(409);
          else expect(response.status, label).toBeLessThan(300);
        } else if (caller === 'OUTSIDER') {
          expect(response.status, label).toBe(404);
        } else if (RANK[caller] >= RANK[expectation]) {
          expect(response.status, label).toBeLessThan(300);
        } else {
          expect(response.status, label).toBe(403);
          expect(response.json.kind, label).toBe('forbidden');
        }
      }
    });
  }
});

describe('workspace isolation', () => {
  it('answers 404 for ids of another workspace, even to a member of both', async () => {
    const crew = await api('POST', '/api/v1/crews', { name: 'private-crew' });
    const agent = await api('POST', '/api/v1/agents', { crew: crew.id, name: 'private-agent' });
    const other = await api('POST', '/api/v1/workspaces', { name: 'Second' });
    for (const path of [
      `/api/v1/crews/${crew.id}`,
      `/api/v1/agents/${agent.id}`,
      `/api/v1/crews/private-crew`,
      `/api/v1/crews/${crew.id}/container-status`,
      `/api/v1/agents/${agent.id}/files`,
      `/api/v1/agents/${agent.id}/files/content?path=x`,
    ]) {
      const response = await server.request('GET', path, { token: owner, workspace: other.id });
      expect(response.status, path).toBe(404);
    }
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/crews/${crew.id}`, { description: 'hijack' }],
      ['DELETE', `/api/v1/crews/${crew.id}`, undefined],
      ['PATCH', `/api/v1/agents/${agent.id}`, { persona: 'hijack' }],
      ['DELETE', `/api/v1/agents/${agent.id}`, undefined],
      ['POST', '/api/v1/agents', { crew: crew.id, name: 'sneaky' }],
      ['PATCH', `/api/v1/members/${userIds.MEMBER}`, { role: 'VIEWER' }],
      ['POST', `/api/v1/crews/${crew.id}/container-start`, undefined],
      ['POST', `/api/v1/crews/${crew.id}/container-stop`, undefined],
      ['POST', `/api/v1/crews/${crew.id}/exec`, { cmd: ['true'] }],
      ['POST', `/api/v1/crews/${crew.id}/exec`, { cmd: ['true'], agent: agent.slug }],
    ] as const) {
      const response = await server.request(method, path, { token: owner, workspace: other.id, body });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect(
      (await server.request('GET', '/api/v1/crews', { token: owner, workspace: other.id })).json.items,
    ).toEqual([]);
    const still = await api('GET', `/api/v1/crews/${crew.id}`);
    expect(still.description).toBe('');
    expect((await runtime.status(crew.id)).state).toBe('missing');
  });

  it('hides a workspace the caller does not belong to', async () => {
    const response = await server.request('GET', '/api/v1/crews', {
      token: tokens.OUTSIDER,
      workspace: workspaceId,
    });
    expect(response.status).toBe(404);
    expect(response.json.detail).toContain('not found');
  });
});
