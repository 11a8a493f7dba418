import {
  assignCredentialRequestSchema,
  createCredentialRequestSchema,
  credentialSchema,
  listOf,
  reencryptResultSchema,
  rotateCredentialRequestSchema,
  updateCredentialRequestSchema,
} from '@crewship/contracts';
import { type AnyRoute, defineRoute } from './define-route.js';

/** Room for the largest credential value (16 KiB), JSON-escaped, and the other fields. */
const CREDENTIAL_BODY_LIMIT_BYTES = 64 * 1024;

/** The credential vault over REST. No response ever carries a value: only its last 4 characters. */
export function buildCredentialRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/credentials',
      tag: 'credentials',
      summary: 'Credentials of the current workspace (values are never returned, only last4)',
      response: listOf(credentialSchema),
      handler: async ({ workspace, services }) => ({ items: await services.credentials.list(workspace) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/credentials',
      tag: 'credentials',
      summary: 'Store a credential; its value is encrypted (AES-256-GCM) and never shown again',
      body: createCredentialRequestSchema,
      response: credentialSchema,
      status: 201,
      bodyLimitBytes: CREDENTIAL_BODY_LIMIT_BYTES,
      handler: async ({ body, workspace, services }) => services.credentials.create(workspace, body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/credentials/:id',
      tag: 'credentials',
      summary: 'One credential (id or name)',
      response: credentialSchema,
      handler: async ({ params, workspace, services }) =>
        services.credentials.get(workspace, params.id ?? ''),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/credentials/:id',
      tag: 'credentials',
      summary: 'Rename a credential or change its priority',
      body: updateCredentialRequestSchema,
      response: credentialSchema,
      handler: async ({ body, params, workspace, services }) =>
        services.credentials.update(workspace, params.id ?? '', body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/credentials/:id',
      tag: 'credentials',
      summary: 'Delete a credential and its agent assignments',
      status: 204,
      handler: async ({ params, workspace, services }) => {
        await services.credentials.delete(workspace, params.id ?? '');
        return undefined;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/credentials/:id/rotate',
      tag: 'credentials',
      summary: 'Replace the value of a credential (ends its cooldown)',
      body: rotateCredentialRequestSchema,
      response: credentialSchema,
      bodyLimitBytes: CREDENTIAL_BODY_LIMIT_BYTES,
      handler: async ({ body, params, workspace, services }) =>
        services.credentials.rotate(workspace, params.id ?? '', body.value),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/credentials/:id/assign',
      tag: 'credentials',
      summary: 'Assign a credential to agents (ids or slugs); assigned agents use it before unassigned ones',
      body: assignCredentialRequestSchema,
      response: credentialSchema,
      handler: async ({ body, params, workspace, services }) =>
        services.credentials.assign(workspace, params.id ?? '', body.agents),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/credentials/:id/unassign',
      tag: 'credentials',
      summary: 'Remove agents (ids or slugs) from a credential',
      body: assignCredentialRequestSchema,
      response: credentialSchema,
      handler: async ({ body, params, workspace, services }) =>
        services.credentials.unassign(workspace, params.id ?? '', body.agents),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/admin/reencrypt',
      tag: 'admin',
      summary:
        "Rotate the server's ENCRYPTION_KEY and re-encrypt every credential under the new key (Owner of the first workspace)",
      response: reencryptResultSchema,
      handler: async ({ workspace, services }) => services.encryption.reencrypt(workspace),
    }),
  ];
}
