import type { Role } from '@crewship/contracts';

/** Who may call a route. `workspace` routes run inside one workspace and need at least `minimum` there. */
export type Access =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'workspace'; minimum: Role; workspaceFrom: 'header' | 'path' };

export type RateLimitClass = 'none' | 'auth' | 'api';

export interface RoutePolicy {
  access: Access;
  rateLimit: RateLimitClass;
}

const publicRoute = (rateLimit: RateLimitClass): RoutePolicy => ({ access: { kind: 'public' }, rateLimit });
const signedIn: RoutePolicy = { access: { kind: 'authenticated' }, rateLimit: 'api' };
const inWorkspace = (minimum: Role): RoutePolicy => ({
  access: { kind: 'workspace', minimum, workspaceFrom: 'header' },
  rateLimit: 'api',
});
const onWorkspace = (minimum: Role): RoutePolicy => ({
  access: { kind: 'workspace', minimum, workspaceFrom: 'path' },
  rateLimit: 'api',
});

/**
 * THE policy table: every route of the API and its minimum role. A route missing here fails at
 * start-up, and an entry without a route fails the test suite.
 */
export const POLICY: Readonly<Record<string, RoutePolicy>> = {
  'GET /healthz': publicRoute('none'),
  'GET /readyz': publicRoute('none'),
  'GET /api/v1/openapi.json': publicRoute('api'),

  'GET /api/v1/bootstrap': publicRoute('auth'),
  'POST /api/v1/bootstrap': publicRoute('auth'),
  'GET /api/v1/auth/session': publicRoute('api'),
  'POST /api/v1/auth/login': publicRoute('auth'),
  'POST /api/v1/auth/token': publicRoute('auth'),
  'POST /api/v1/auth/logout': signedIn,
  'GET /api/v1/me': signedIn,
  'GET /api/v1/tokens': signedIn,
  'POST /api/v1/tokens': signedIn,
  'DELETE /api/v1/tokens/:id': signedIn,

  'GET /api/v1/workspaces': signedIn,
  'POST /api/v1/workspaces': signedIn,
  'GET /api/v1/workspaces/:workspace': onWorkspace('VIEWER'),
  'PATCH /api/v1/workspaces/:workspace': onWorkspace('ADMIN'),
  'DELETE /api/v1/workspaces/:workspace': onWorkspace('OWNER'),

  'POST /api/v1/users': inWorkspace('ADMIN'),
  'GET /api/v1/members': inWorkspace('VIEWER'),
  'POST /api/v1/members': inWorkspace('ADMIN'),
  'PATCH /api/v1/members/:userId': inWorkspace('ADMIN'),
  'DELETE /api/v1/members/:userId': inWorkspace('ADMIN'),

  'GET /api/v1/crews': inWorkspace('VIEWER'),
  'POST /api/v1/crews': inWorkspace('MANAGER'),
  'GET /api/v1/crews/:crew': inWorkspace('VIEWER'),
  'PATCH /api/v1/crews/:crew': inWorkspace('MANAGER'),
  'DELETE /api/v1/crews/:crew': inWorkspace('ADMIN'),

  'GET /api/v1/agents': inWorkspace('VIEWER'),
  'POST /api/v1/agents': inWorkspace('MANAGER'),
  'GET /api/v1/agents/:agent': inWorkspace('VIEWER'),
  'PATCH /api/v1/agents/:agent': inWorkspace('MANAGER'),
  'DELETE /api/v1/agents/:agent': inWorkspace('MANAGER'),
  'GET /api/v1/agents/:agent/files': inWorkspace('VIEWER'),
  'GET /api/v1/agents/:agent/files/content': inWorkspace('VIEWER'),

  'POST /api/v1/crews/:crew/container-start': inWorkspace('MANAGER'),
  'POST /api/v1/crews/:crew/container-stop': inWorkspace('MANAGER'),
  'GET /api/v1/crews/:crew/container-status': inWorkspace('VIEWER'),
  'POST /api/v1/crews/:crew/exec': inWorkspace('ADMIN'),

  'GET /api/v1/tools': inWorkspace('VIEWER'),
  'POST /api/v1/tools/install': inWorkspace('ADMIN'),

  'GET /api/v1/credentials': inWorkspace('VIEWER'),
  'POST /api/v1/credentials': inWorkspace('ADMIN'),
  'GET /api/v1/credentials/:id': inWorkspace('VIEWER'),
  'PATCH /api/v1/credentials/:id': inWorkspace('ADMIN'),
  'DELETE /api/v1/credentials/:id': inWorkspace('ADMIN'),
  'POST /api/v1/credentials/:id/rotate': inWorkspace('ADMIN'),
  'POST /api/v1/credentials/:id/assign': inWorkspace('ADMIN'),
  'POST /api/v1/credentials/:id/unassign': inWorkspace('ADMIN'),
  'POST /api/v1/agents/:agent/chats': inWorkspace('MEMBER'),
  'GET /api/v1/chats': inWorkspace('VIEWER'),
  'GET /api/v1/chats/:chat': inWorkspace('VIEWER'),
  'GET /api/v1/chats/:chat/messages': inWorkspace('VIEWER'),
  'POST /api/v1/chats/:chat/messages': inWorkspace('MEMBER'),
  'GET /api/v1/chats/:chat/stream': inWorkspace('VIEWER'),
  'GET /api/v1/runs': inWorkspace('VIEWER'),
  'GET /api/v1/runs/stats': inWorkspace('VIEWER'),
  'GET /api/v1/runs/:run': inWorkspace('VIEWER'),
  'POST /api/v1/runs/:run/cancel': inWorkspace('MEMBER'),
  'GET /api/v1/journal': inWorkspace('VIEWER'),
  'GET /api/v1/journal/stream': inWorkspace('VIEWER'),
  // Walks every workspace's entries: the whole chain is one.
  'GET /api/v1/journal/verify': inWorkspace('ADMIN'),
  'GET /api/v1/ws-token': signedIn,

  'GET /api/v1/paymaster/summary': inWorkspace('VIEWER'),
  'GET /api/v1/paymaster/ledger': inWorkspace('VIEWER'),
  'GET /api/v1/paymaster/rates': inWorkspace('VIEWER'),
  'PUT /api/v1/paymaster/rates': inWorkspace('ADMIN'),
  'GET /api/v1/budgets': inWorkspace('VIEWER'),
  'PUT /api/v1/budgets': inWorkspace('ADMIN'),
  'DELETE /api/v1/budgets/:id': inWorkspace('ADMIN'),
  'GET /api/v1/approvals': inWorkspace('VIEWER'),
  'GET /api/v1/approvals/rules': inWorkspace('VIEWER'),
  'PUT /api/v1/approvals/rules': inWorkspace('ADMIN'),
  'GET /api/v1/approvals/:id': inWorkspace('VIEWER'),
  // Deciding lets a run go on (or stops it): Managers run the crews.
  'POST /api/v1/approvals/:id/decide': inWorkspace('MANAGER'),
  'GET /api/v1/keeper/status': inWorkspace('VIEWER'),
  'GET /api/v1/keeper/rules': inWorkspace('MEMBER'),
  'PUT /api/v1/keeper/rules': inWorkspace('ADMIN'),
  'GET /api/v1/keeper/requests': inWorkspace('MEMBER'),
  // Everyone sees their own inbox (items for them or their role).
  'GET /api/v1/inbox': inWorkspace('VIEWER'),
  'GET /api/v1/inbox/count': inWorkspace('VIEWER'),
  'POST /api/v1/inbox/:id/read': inWorkspace('VIEWER'),
  'POST /api/v1/inbox/:id/resolve': inWorkspace('VIEWER'),
  'POST /api/v1/inbox/:id/archive': inWorkspace('VIEWER'),

  // Server-wide: the binding also requires OWNER in the server's first workspace.
  'POST /api/v1/admin/reencrypt': inWorkspace('OWNER'),
};

export function policyFor(method: string, path: string): RoutePolicy | undefined {
  return POLICY[`${method} ${path}`];
}
