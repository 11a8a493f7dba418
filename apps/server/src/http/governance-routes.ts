import {
  approvalRulesSchema,
  approvalSchema,
  budgetSchema,
  costLedgerEntrySchema,
  decideApprovalRequestSchema,
  idSchema,
  inboxCountSchema,
  inboxItemSchema,
  inboxPageSchema,
  journalEntrySchema,
  keeperRulesDocumentSchema,
  keeperStatusSchema,
  listApprovalsQuerySchema,
  listInboxQuerySchema,
  listOf,
  paymasterSummaryQuerySchema,
  paymasterSummarySchema,
  ratePriceSchema,
  setApprovalRulesRequestSchema,
  setBudgetRequestSchema,
  setKeeperRulesRequestSchema,
  setRatePriceRequestSchema,
} from '@crewship/contracts';
import { z } from 'zod';
import { type AnyRoute, defineRoute } from './define-route.js';

const ledgerQuerySchema = z.strictObject({
  run: idSchema.optional(),
  agent: z.string().min(1).max(128).optional(),
  crew: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const keeperRequestsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

const inboxAction = (action: 'read' | 'resolve' | 'archive', summary: string) =>
  defineRoute({
    method: 'POST',
    path: `/api/v1/inbox/:id/${action}`,
    tag: 'inbox',
    summary,
    response: inboxItemSchema,
    handler: async ({ params, workspace, services }) =>
      services.governance.inboxAction(workspace, params.id ?? '', action),
  });

/** Paymaster, budgets, approvals, Keeper and the inbox. */
export function buildGovernanceRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/paymaster/summary',
      tag: 'paymaster',
      summary: 'Spend of the current day/week/month window grouped by crew, agent, model or day',
      query: paymasterSummaryQuerySchema,
      response: paymasterSummarySchema,
      handler: async ({ query, workspace, services }) => services.governance.summary(workspace, query),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/paymaster/ledger',
      tag: 'paymaster',
      summary: 'Cost ledger rows (one per metered LLM call), newest first',
      query: ledgerQuerySchema,
      response: listOf(costLedgerEntrySchema),
      handler: async ({ query, workspace, services }) => ({
        items: await services.governance.ledger(workspace, query),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/paymaster/rates',
      tag: 'paymaster',
      summary: 'The rate card: shipped prices merged with this workspace’s own, per million tokens',
      response: listOf(ratePriceSchema),
      handler: async ({ workspace, services }) => ({ items: services.governance.rates(workspace) }),
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/paymaster/rates',
      tag: 'paymaster',
      summary: 'Set the price of a provider/model (`*` suffix globs allowed) for this workspace',
      body: setRatePriceRequestSchema,
      response: ratePriceSchema,
      handler: async ({ body, workspace, services }) => services.governance.setRate(workspace, body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/budgets',
      tag: 'paymaster',
      summary: 'Budgets with what is spent in their current window',
      response: listOf(budgetSchema),
      handler: async ({ workspace, services }) => ({ items: services.governance.budgets(workspace) }),
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/budgets',
      tag: 'paymaster',
      summary: 'Create or replace the budget of a scope (workspace, crew or agent) and window',
      body: setBudgetRequestSchema,
      response: budgetSchema,
      handler: async ({ body, workspace, services }) => services.governance.setBudget(workspace, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/budgets/:id',
      tag: 'paymaster',
      summary: 'Delete a budget',
      status: 204,
      handler: async ({ params, workspace, services }) => {
        services.governance.deleteBudget(workspace, params.id ?? '');
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/approvals',
      tag: 'approvals',
      summary: 'Approval requests, newest first',
      query: listApprovalsQuerySchema,
      response: listOf(approvalSchema),
      handler: async ({ query, workspace, services }) => ({
        items: services.governance.approvals(workspace, query),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/approvals/rules',
      tag: 'approvals',
      summary: 'Approval rules in order (first match wins); the defaults until the workspace sets its own',
      response: approvalRulesSchema,
      handler: async ({ workspace, services }) => services.governance.approvalRules(workspace),
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/approvals/rules',
      tag: 'approvals',
      summary: 'Replace the approval rules of the workspace',
      body: setApprovalRulesRequestSchema,
      response: approvalRulesSchema,
      handler: async ({ body, workspace, services }) =>
        services.governance.setApprovalRules(workspace, body.rules),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/approvals/:id',
      tag: 'approvals',
      summary: 'One approval request',
      response: approvalSchema,
      handler: async ({ params, workspace, services }) =>
        services.governance.approval(workspace, params.id ?? ''),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/approvals/:id/decide',
      tag: 'approvals',
      summary: 'Approve or deny a pending request; the waiting run goes on or is stopped (409 once decided)',
      body: decideApprovalRequestSchema,
      response: approvalSchema,
      handler: async ({ params, body, workspace, services }) =>
        services.governance.decide(workspace, params.id ?? '', body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/keeper/status',
      tag: 'keeper',
      summary: 'Keeper: judge configuration, rule count and decisions of the last 24 hours',
      response: keeperStatusSchema,
      handler: async ({ workspace, services }) => services.governance.keeperStatus(workspace),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/keeper/rules',
      tag: 'keeper',
      summary: 'The workspace’s Keeper rules as YAML',
      response: keeperRulesDocumentSchema,
      handler: async ({ workspace, services }) => services.governance.keeperRules(workspace),
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/keeper/rules',
      tag: 'keeper',
      summary: 'Replace the workspace’s Keeper rules (YAML, validated before it is stored)',
      body: setKeeperRulesRequestSchema,
      response: keeperRulesDocumentSchema,
      bodyLimitBytes: 600 * 1024,
      handler: async ({ body, workspace, services }) =>
        services.governance.setKeeperRules(workspace, body.yaml),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/keeper/requests',
      tag: 'keeper',
      summary: 'Keeper decisions (journal entries of type keeper.decision), newest first',
      query: keeperRequestsQuerySchema,
      response: listOf(journalEntrySchema),
      handler: async ({ query, workspace, services }) => ({
        items: services.governance.keeperRequests(workspace, query.limit),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/inbox',
      tag: 'inbox',
      summary: 'Your inbox (items for you or your role), newest first; archived items only when asked for',
      query: listInboxQuerySchema,
      response: inboxPageSchema,
      handler: async ({ query, workspace, services }) => services.governance.inbox(workspace, query),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/inbox/count',
      tag: 'inbox',
      summary: 'How many of your inbox items are unread (also pushed on the WebSocket channel user:<id>)',
      response: inboxCountSchema,
      handler: async ({ workspace, services }) => services.governance.inboxCount(workspace),
    }),
    inboxAction('read', 'Mark an inbox item read'),
    inboxAction('resolve', 'Resolve an inbox item'),
    inboxAction('archive', 'Archive an inbox item'),
  ];
}
