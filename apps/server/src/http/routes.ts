import {
  AGENT_FILE_MAX_BYTES,
  type AgentToolName,
  type AgentToolsInstaller,
  addMemberRequestSchema,
  agentFileContentQuerySchema,
  agentFileListSchema,
  agentSchema,
  agentToolSchema,
  bootstrapRequestSchema,
  bootstrapStatusSchema,
  cliLoginRequestSchema,
  containerStatusSchema,
  createAgentRequestSchema,
  createCrewRequestSchema,
  createdTokenSchema,
  createTokenRequestSchema,
  createUserRequestSchema,
  createWorkspaceRequestSchema,
  crewSchema,
  EXEC_MAX_ARG_BYTES,
  EXEC_MAX_ARGS,
  EXEC_MAX_STDIN_BYTES,
  type ExecHandle,
  execOutputEventSchema,
  execRequestSchema,
  execResultEventSchema,
  healthSchema,
  installToolsRequestSchema,
  listAgentsQuerySchema,
  listOf,
  loginRequestSchema,
  memberSchema,
  meSchema,
  readinessSchema,
  sessionSchema,
  sessionStateSchema,
  streamErrorEventSchema,
  tokenSchema,
  toolInstallProgressEventSchema,
  toolInstallResultEventSchema,
  updateAgentRequestSchema,
  updateCrewRequestSchema,
  updateMemberRequestSchema,
  updateWorkspaceRequestSchema,
  userSchema,
  workspaceSchema,
} from '@crewship/contracts';
import type { Context } from 'hono';
import { z } from 'zod';
import { createPushQueue } from '../push-queue.js';
import { buildCredentialRoutes } from './credential-routes.js';
import { type AnyRoute, defineRoute } from './define-route.js';
import { buildGovernanceRoutes } from './governance-routes.js';
import { ndjsonResponse } from './ndjson-response.js';
import { buildRunRoutes } from './run-routes.js';
import { clearSessionCookie, readCredential, writeSessionCookie } from './session-cookie.js';

const bootstrapResultSchema = z.object({ user: userSchema, workspace: workspaceSchema });

/** Room for the largest valid exec request, JSON-escaped. */
const EXEC_BODY_LIMIT_BYTES = 2 * (EXEC_MAX_ARGS * EXEC_MAX_ARG_BYTES + EXEC_MAX_STDIN_BYTES);

/** Output lines pass the scrubber: an exec can print a credential it found in the container. */
async function* execEvents(handle: ExecHandle, scrub: (text: string) => string) {
  for await (const line of handle) yield { stream: line.stream, line: scrub(line.line) };
  const result = await handle.result;
  yield {
    exit_code: result.exitCode,
    timed_out: result.timedOut,
    cancelled: result.cancelled,
    duration_ms: Math.round(result.durationMs),
  };
}

/** Progress lines as they come, then the installed tools. Installing goes on if the client leaves. */
function installEvents(installer: AgentToolsInstaller, names: readonly AgentToolName[]) {
  const events = createPushQueue<unknown>();
  installer
    .install(names, (line) => events.push({ progress: line }))
    .then(
      (tools) => {
        events.push({ tools });
        events.end();
      },
      (error: unknown) => events.end({ error }),
    );
  return events.drain();
}

/** Every route of the API. Handlers are thin: validated input in, one service verb, result out. */
export function buildRoutes(options: { isHttps: (c: Context) => boolean; version: string }) {
  const routes: AnyRoute[] = [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      tag: 'health',
      summary: 'Liveness: the process answers',
      response: healthSchema,
      handler: async () => ({ status: 'ok' as const, version: options.version }),
    }),
    defineRoute({
      method: 'GET',
      path: '/readyz',
      tag: 'health',
      summary: 'Readiness: database open and migrated, not shutting down (503 otherwise)',
      response: readinessSchema,
      handler: async ({ services, hono }) => {
        const readiness = services.readiness();
        return hono.json(readiness, readiness.status === 'ready' ? 200 : 503);
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/api/v1/bootstrap',
      tag: 'auth',
      summary: 'Whether the first Owner still has to be created',
      response: bootstrapStatusSchema,
      handler: async ({ services }) => ({ needed: await services.accounts.bootstrapNeeded() }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/bootstrap',
      tag: 'auth',
      summary: 'Create the first Owner and workspace; 409 once any user exists',
      body: bootstrapRequestSchema,
      response: bootstrapResultSchema,
      status: 201,
      handler: async ({ body, services }) => services.accounts.bootstrap(body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/auth/session',
      tag: 'auth',
      summary:
        'Whether set-up is needed and who the caller is (me is null without a valid session); never 401',
      response: sessionStateSchema,
      handler: async ({ services, hono }) => {
        const credential = readCredential(hono);
        const principal = credential ? await services.accounts.authenticate(credential) : null;
        return {
          bootstrap_needed: await services.accounts.bootstrapNeeded(),
          me: principal ? await services.accounts.me(principal.user.id) : null,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/login',
      tag: 'auth',
      summary: 'Log in with email and password; sets an httpOnly session cookie',
      body: loginRequestSchema,
      response: sessionSchema,
      handler: async ({ body, services, hono }) => {
        const issued = await services.accounts.login({ ...body, kind: 'session', name: 'web' });
        const expiresAt = issued.record.expires_at ?? new Date().toISOString();
        writeSessionCookie(hono, issued.token, expiresAt, options.isHttps(hono));
        return { user: issued.user, expires_at: expiresAt };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/token',
      tag: 'auth',
      summary: 'Exchange email and password for a CLI bearer token (crewship_cli_…)',
      body: cliLoginRequestSchema,
      response: createdTokenSchema,
      status: 201,
      handler: async ({ body, services }) => {
        const issued = await services.accounts.login({ ...body, kind: 'cli' });
        return { ...issued.record, current: false, token: issued.token };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/auth/logout',
      tag: 'auth',
      summary: 'Revoke the session or token used for this request',
      status: 204,
      handler: async ({ principal, services, hono }) => {
        await services.accounts.revokeToken(principal, principal.tokenId);
        clearSessionCookie(hono);
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/me',
      tag: 'auth',
      summary: 'The caller and their workspaces with roles',
      response: meSchema,
      handler: async ({ principal, services }) => services.accounts.me(principal.user.id),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/tokens',
      tag: 'auth',
      summary: "The caller's active sessions and CLI tokens (values are never returned)",
      response: listOf(tokenSchema),
      handler: async ({ principal, services }) => ({ items: await services.accounts.listTokens(principal) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/tokens',
      tag: 'auth',
      summary: 'Create a CLI token; its value is shown once',
      body: createTokenRequestSchema,
      response: createdTokenSchema,
      status: 201,
      handler: async ({ body, principal, services }) => services.accounts.createToken(principal, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/tokens/:id',
      tag: 'auth',
      summary: 'Revoke one of your tokens or sessions',
      status: 204,
      handler: async ({ params, principal, services }) => {
        await services.accounts.revokeToken(principal, params.id ?? '');
        return undefined;
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/api/v1/workspaces',
      tag: 'workspaces',
      summary: 'Workspaces the caller belongs to',
      response: listOf(workspaceSchema),
      handler: async ({ principal, services }) => ({
        items: await services.workspaces.list(principal.user.id),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/workspaces',
      tag: 'workspaces',
      summary: 'Create a workspace; the caller becomes its Owner',
      body: createWorkspaceRequestSchema,
      response: workspaceSchema,
      status: 201,
      handler: async ({ body, principal, services }) => services.workspaces.create(principal.user.id, body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/workspaces/:workspace',
      tag: 'workspaces',
      summary: 'One workspace (id or slug)',
      response: workspaceSchema,
      handler: async ({ workspace, services }) => services.workspaces.get(workspace),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/workspaces/:workspace',
      tag: 'workspaces',
      summary: 'Rename a workspace or change its slug',
      body: updateWorkspaceRequestSchema,
      response: workspaceSchema,
      handler: async ({ body, workspace, services }) => services.workspaces.update(workspace, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/workspaces/:workspace',
      tag: 'workspaces',
      summary: 'Delete a workspace with its crews and agents',
      status: 204,
      handler: async ({ workspace, services }) => {
        await services.workspaces.delete(workspace);
        return undefined;
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/api/v1/users',
      tag: 'members',
      summary: 'Create a user account and add it to the current workspace',
      body: createUserRequestSchema,
      response: memberSchema,
      status: 201,
      handler: async ({ body, workspace, services }) => services.accounts.createUser(workspace, body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/members',
      tag: 'members',
      summary: 'Members of the current workspace',
      response: listOf(memberSchema),
      handler: async ({ workspace, services }) => ({
        items: await services.workspaces.listMembers(workspace),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/members',
      tag: 'members',
      summary: 'Add an existing user to the current workspace',
      body: addMemberRequestSchema,
      response: memberSchema,
      status: 201,
      handler: async ({ body, workspace, services }) => services.workspaces.addMember(workspace, body),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/members/:userId',
      tag: 'members',
      summary: "Change a member's role (never above your own; the last Owner stays)",
      body: updateMemberRequestSchema,
      response: memberSchema,
      handler: async ({ body, params, workspace, services }) =>
        services.workspaces.updateMember(workspace, params.userId ?? '', body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/members/:userId',
      tag: 'members',
      summary: 'Remove a member from the current workspace (not the last Owner)',
      status: 204,
      handler: async ({ params, workspace, services }) => {
        await services.workspaces.removeMember(workspace, params.userId ?? '');
        return undefined;
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/api/v1/crews',
      tag: 'crews',
      summary: 'Crews of the current workspace',
      response: listOf(crewSchema),
      handler: async ({ workspace, services }) => ({ items: await services.crews.list(workspace) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/crews',
      tag: 'crews',
      summary: 'Create a crew',
      body: createCrewRequestSchema,
      response: crewSchema,
      status: 201,
      handler: async ({ body, workspace, services }) => services.crews.create(workspace, body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/crews/:crew',
      tag: 'crews',
      summary: 'One crew (id or slug)',
      response: crewSchema,
      handler: async ({ params, workspace, services }) => services.crews.get(workspace, params.crew ?? ''),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/crews/:crew',
      tag: 'crews',
      summary: 'Change a crew',
      body: updateCrewRequestSchema,
      response: crewSchema,
      handler: async ({ body, params, workspace, services }) =>
        services.crews.update(workspace, params.crew ?? '', body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/crews/:crew',
      tag: 'crews',
      summary: 'Delete a crew and its agents',
      status: 204,
      handler: async ({ params, workspace, services }) => {
        await services.crews.delete(workspace, params.crew ?? '');
        return undefined;
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/api/v1/agents',
      tag: 'agents',
      summary: 'Agents of the current workspace, optionally of one crew',
      query: listAgentsQuerySchema,
      response: listOf(agentSchema),
      handler: async ({ query, workspace, services }) => ({
        items: await services.agents.list(workspace, { crew: query.crew }),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/agents',
      tag: 'agents',
      summary: 'Create an agent in a crew',
      body: createAgentRequestSchema,
      response: agentSchema,
      status: 201,
      handler: async ({ body, workspace, services }) => services.agents.create(workspace, body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/agents/:agent',
      tag: 'agents',
      summary: 'One agent (id or slug)',
      response: agentSchema,
      handler: async ({ params, workspace, services }) => services.agents.get(workspace, params.agent ?? ''),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/agents/:agent',
      tag: 'agents',
      summary: 'Change an agent',
      body: updateAgentRequestSchema,
      response: agentSchema,
      handler: async ({ body, params, workspace, services }) =>
        services.agents.update(workspace, params.agent ?? '', body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/agents/:agent',
      tag: 'agents',
      summary: 'Delete an agent',
      status: 204,
      handler: async ({ params, workspace, services }) => {
        await services.agents.delete(workspace, params.agent ?? '');
        return undefined;
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/api/v1/crews/:crew/container-start',
      tag: 'containers',
      summary: "Start the crew's container (created, or recreated when the crew changed)",
      response: containerStatusSchema,
      handler: async ({ params, workspace, services }) =>
        services.containers.start(workspace, params.crew ?? ''),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/crews/:crew/container-stop',
      tag: 'containers',
      summary: "Stop the crew's container (its volumes and files stay)",
      response: containerStatusSchema,
      handler: async ({ params, workspace, services }) =>
        services.containers.stop(workspace, params.crew ?? ''),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/crews/:crew/container-status',
      tag: 'containers',
      summary: "State of the crew's container with its latest CPU, memory, network and PID numbers",
      response: containerStatusSchema,
      handler: async ({ params, workspace, services }) =>
        services.containers.status(workspace, params.crew ?? ''),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/crews/:crew/exec',
      tag: 'containers',
      summary:
        "Run a command in the crew's container; streams NDJSON output lines, then the exit code. Disconnecting cancels it.",
      body: execRequestSchema,
      response: z.union([execOutputEventSchema, execResultEventSchema, streamErrorEventSchema]),
      produces: 'application/x-ndjson',
      bodyLimitBytes: EXEC_BODY_LIMIT_BYTES,
      handler: async ({ body, params, workspace, services, hono }) => {
        const cancel = new AbortController();
        const request = hono.req.raw.signal;
        const onDisconnect = () => cancel.abort();
        if (request.aborted) onDisconnect();
        request.addEventListener('abort', onDisconnect, { once: true });
        const handle = await services.containers.exec(workspace, params.crew ?? '', body, cancel.signal);
        handle.result.finally(() => request.removeEventListener('abort', onDisconnect)).catch(() => {});
        return ndjsonResponse(execEvents(handle, services.scrub), onDisconnect);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/agents/:agent/files',
      tag: 'agents',
      summary: "Files in the agent's output directory (/output/{slug}), recursive, at most 1000",
      response: agentFileListSchema,
      handler: async ({ params, workspace, services }) =>
        services.containers.listFiles(workspace, params.agent ?? ''),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/agents/:agent/files/content',
      tag: 'agents',
      summary: `One file of the agent's output directory as raw bytes (at most ${AGENT_FILE_MAX_BYTES / 1024 / 1024} MiB)`,
      query: agentFileContentQuerySchema,
      produces: 'application/octet-stream',
      handler: async ({ params, query, workspace, services }) => {
        const bytes = await services.containers.readFile(workspace, params.agent ?? '', query.path);
        return new Response(bytes, {
          status: 200,
          headers: {
            'content-type': 'application/octet-stream',
            'content-length': String(bytes.byteLength),
            'content-disposition': 'attachment',
            'cache-control': 'no-store',
          },
        });
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/api/v1/tools',
      tag: 'tools',
      summary: 'Agent CLIs this server can install, their pinned versions and whether they are installed',
      response: listOf(agentToolSchema),
      handler: async ({ services }) => ({ items: await services.tools.list() }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/tools/install',
      tag: 'tools',
      summary:
        'Install agent CLIs from npm at their pinned versions; streams NDJSON progress lines, then the tools',
      body: installToolsRequestSchema,
      response: z.union([
        toolInstallProgressEventSchema,
        toolInstallResultEventSchema,
        streamErrorEventSchema,
      ]),
      produces: 'application/x-ndjson',
      handler: async ({ body, services }) =>
        ndjsonResponse(installEvents(services.tools, body.tools), () => {}),
    }),
    ...buildCredentialRoutes(),
    ...buildRunRoutes(),
    ...buildGovernanceRoutes(),
  ];
  return routes;
}
