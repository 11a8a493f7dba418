import { createApprovals } from '@crewship/approvals';
import type {
  Agent,
  AgentService,
  Approval,
  ApprovalRule,
  approvalRulesSchema,
  Budget,
  CostLedgerEntry,
  CredentialVault,
  Crew,
  CrewService,
  decideApprovalRequestSchema,
  InboxItem,
  inboxCountSchema,
  inboxPageSchema,
  JournalEntryDto,
  JournalWriter,
  KeeperPort,
  keeperRulesDocumentSchema,
  keeperStatusSchema,
  LlmCallGuard,
  Logger,
  listApprovalsQuerySchema,
  listInboxQuerySchema,
  MeteringSink,
  Orchestrator,
  PaymasterSummary,
  paymasterSummaryQuerySchema,
  RatePrice,
  Role,
  RunGovernance,
  SetBudgetRequest,
  SetRatePriceRequest,
  ToolCallGate,
  WorkspaceContext,
} from '@crewship/contracts';
import { INBOX_COUNT_EVENT, type InboxCountEvent } from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import { createInbox } from '@crewship/inbox';
import { type SqliteJournal, toJournalEntryDto } from '@crewship/journal';
import { createKeeper, type KeeperJudgeConfig } from '@crewship/keeper';
import { createPaymaster } from '@crewship/paymaster';
import type { RealtimeHub } from '@crewship/realtime';
import { createScrubber } from '@crewship/scrubber';
import type { z } from 'zod';

/** What routes may call for Paymaster, budgets, approvals, Keeper and the inbox. */
export interface GovernanceService {
  summary(context: WorkspaceContext, query: z.output<typeof paymasterSummaryQuerySchema>): PaymasterSummary;
  ledger(
    context: WorkspaceContext,
    query: { run?: string | undefined; agent?: string | undefined; crew?: string | undefined; limit: number },
  ): Promise<CostLedgerEntry[]>;
  rates(context: WorkspaceContext): RatePrice[];
  setRate(context: WorkspaceContext, input: SetRatePriceRequest): RatePrice;
  budgets(context: WorkspaceContext): Budget[];
  setBudget(context: WorkspaceContext, input: SetBudgetRequest): Promise<Budget>;
  deleteBudget(context: WorkspaceContext, id: string): void;
  approvals(context: WorkspaceContext, query: z.output<typeof listApprovalsQuerySchema>): Approval[];
  approval(context: WorkspaceContext, id: string): Approval;
  decide(
    context: WorkspaceContext,
    id: string,
    input: z.output<typeof decideApprovalRequestSchema>,
  ): Approval;
  approvalRules(context: WorkspaceContext): z.output<typeof approvalRulesSchema>;
  setApprovalRules(context: WorkspaceContext, rules: ApprovalRule[]): z.output<typeof approvalRulesSchema>;
  keeperStatus(context: WorkspaceContext): z.output<typeof keeperStatusSchema>;
  keeperRules(context: WorkspaceContext): z.output<typeof keeperRulesDocumentSchema>;
  setKeeperRules(context: WorkspaceContext, yaml: string): z.output<typeof keeperRulesDocumentSchema>;
  keeperRequests(context: WorkspaceContext, limit: number): JournalEntryDto[];
  inbox(
    context: WorkspaceContext,
    query: z.output<typeof listInboxQuerySchema>,
  ): z.output<typeof inboxPageSchema>;
  inboxCount(context: WorkspaceContext): z.output<typeof inboxCountSchema>;
  inboxAction(context: WorkspaceContext, id: string, action: 'read' | 'resolve' | 'archive'): InboxItem;
}

export interface GovernanceOptions {
  database: CrewshipDatabase;
  journal: JournalWriter;
  sqliteJournal: SqliteJournal;
  hub: RealtimeHub;
  vault: CredentialVault;
  crews: CrewService;
  agents: AgentService;
  orchestrator: () => Orchestrator;
  /** The server-wide scrubber (credential shapes and every stored value). */
  scrub: (text: string) => string;
  /** An agent of the crew by slug (the gateway's lookup). */
  findAgent(crewId: string, slug: string): Promise<{ id: string; slug: string } | null>;
  keeperExec(
    crewId: string,
    input: { command: string; env: Record<string, string>; timeoutMs: number },
  ): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  judge: KeeperJudgeConfig | null;
  logger: Logger;
}

export interface Governance {
  service: GovernanceService;
  run: RunGovernance;
  /** The gateway's ports. */
  gateway: {
    callGuard: LlmCallGuard;
    metering: MeteringSink;
    toolGate: ToolCallGate;
    keeper: KeeperPort;
  };
  /** At start: approvals a previous process left pending are cancelled. */
  start(): void;
  stop(): void;
}

const userOf = (actor: string) => (actor.startsWith('user:') ? actor.slice('user:'.length) : null);
const usd = (value: number) => `$${value.toFixed(2)}`;

/** Binds Paymaster, approvals, Keeper and the inbox to each other, the orchestrator and the gateway. */
export function createGovernance(options: GovernanceOptions): Governance {
  const { database, journal, logger } = options;
  const memberRole = database.sqlite.prepare<[string, string], { role: Role }>(
    'SELECT role FROM workspace_members WHERE workspace_id = ? AND user_id = ?',
  );
  const slugsOf = database.sqlite.prepare<[string], { agent_slug: string; crew_slug: string }>(
    'SELECT agents.slug AS agent_slug, crews.slug AS crew_slug FROM agents JOIN crews ON crews.id = agents.crew_id WHERE agents.id = ?',
  );

  const inbox = createInbox({
    database,
    onChange({ workspaceId, userIds }) {
      for (const userId of userIds) {
        const role = memberRole.get(workspaceId, userId)?.role;
        if (!role) continue;
        const { unread } = inbox.count({ workspaceId, userId, role });
        const event: InboxCountEvent = { workspace_id: workspaceId, unread };
        options.hub.publish(`user:${userId}`, INBOX_COUNT_EVENT, event);
      }
    },
  });
  const approvals = createApprovals({
    database,
    journal,
    inbox,
    logger: logger.child({ component: 'approvals' }),
    scrub: options.scrub,
  });
  const paymaster = createPaymaster({
    database,
    journal,
    inbox,
    logger: logger.child({ component: 'paymaster' }),
    runForAgent: (agentId) => options.orchestrator().activeRunForAgent(agentId),
    onBlocked({ agentId, runId }) {
      const target = runId ?? (agentId ? options.orchestrator().activeRunForAgent(agentId) : null);
      if (target) options.orchestrator().stopRun(target, 'budget_exceeded', 'system');
    },
  });
  const subjectIds = (agentId: string) => {
    const slugs = slugsOf.get(agentId);
    return { agentSlug: slugs?.agent_slug ?? null, crewSlug: slugs?.crew_slug ?? null };
  };

  const keeper = createKeeper({
    database,
    journal,
    logger: logger.child({ component: 'keeper' }),
    judge: options.judge,
    findAgent: options.findAgent,
    async resolveCredential(workspaceId, agentId, reference) {
      const revealed = await options.vault.reveal(workspaceId, agentId, reference);
      return revealed
        ? { id: revealed.credential.id, name: revealed.credential.name, value: revealed.value }
        : null;
    },
    runCommand: ({ crewId, ...input }) => options.keeperExec(crewId, input),
    async requestApproval(input) {
      const outcome = await approvals.request({
        workspaceId: input.workspaceId,
        crewId: input.crewId,
        agentId: input.agentId,
        agentSlug: subjectIds(input.agentId).agentSlug,
        runId: options.orchestrator().activeRunForAgent(input.agentId),
        ruleName: 'keeper',
        summary: input.summary,
        detail: input.detail,
        inboxKind: 'escalation',
      });
      return outcome.allowed;
    },
    scrubberFor(secrets) {
      const own = createScrubber({ secrets: [...secrets] });
      return (text) => own.scrub(options.scrub(text));
    },
  });

  const toolGate: ToolCallGate = {
    async check({ workspaceId, crewId, agentId, toolCalls }) {
      const orchestrator = options.orchestrator();
      const runId = orchestrator.activeRunForAgent(agentId);
      for (const call of toolCalls) {
        const outcome = await approvals.check({
          trigger: 'tool_use',
          workspaceId,
          crewId,
          agentId,
          ...subjectIds(agentId),
          runId,
          runCostUsd: runId ? paymaster.runCostUsd(runId) : 0,
          toolName: call.name,
          input: call.input,
        });
        if (!outcome.allowed) {
          if (runId) orchestrator.stopRun(runId, 'approval_denied', 'system');
          return { allowed: false, reason: outcome.reason };
        }
      }
      return { allowed: true };
    },
  };

  const run: RunGovernance = {
    async beforeRun({ runId, workspaceId, crew, agent, prompt, signal }) {
      const exceeded = paymaster.checkStart({ workspaceId, crewId: crew.id, agentId: agent.id });
      if (exceeded) {
        return {
          reason: 'budget_exceeded',
          message: `${exceeded.scope} ${exceeded.window} budget exceeded (${usd(exceeded.spent_usd)} of ${
            exceeded.limit_usd === null ? `${exceeded.limit_tokens} tokens` : usd(exceeded.limit_usd)
          })`,
        };
      }
      const outcome = await approvals.check(
        {
          trigger: 'run_start',
          workspaceId,
          crewId: crew.id,
          agentId: agent.id,
          crewSlug: crew.slug,
          agentSlug: agent.slug,
          runId,
          runCostUsd: 0,
          prompt,
        },
        { signal },
      );
      return outcome.allowed ? null : { reason: 'approval_denied', message: outcome.reason };
    },
    async afterRun({ runId, workspaceId, crew, agent, actor, status, reason, result, usage }) {
      approvals.cancelForRun(runId);
      await paymaster.reconcile({
        workspaceId,
        crewId: crew.id,
        agentId: agent.id,
        runId,
        cli:
          result || usage
            ? {
                costUsd: result?.cost_usd ?? null,
                inputTokens: usage?.input_tokens ?? 0,
                outputTokens: usage?.output_tokens ?? 0,
                cacheReadTokens: usage?.cache_read_tokens ?? 0,
                cacheWriteTokens: usage?.cache_write_tokens ?? 0,
              }
            : null,
      });
      const userId = userOf(actor);
      if (status === 'failed' && userId && reason !== 'budget_exceeded') {
        try {
          inbox.add({
            workspaceId,
            kind: 'failed_run',
            target: { userId },
            title: `Run of ${agent.name} failed (${reason ?? 'unknown'})`,
            body: `The run ${runId} of ${agent.name} in crew ${crew.name} ended as failed: ${reason ?? 'unknown'}.`,
            refType: 'run',
            refId: runId,
          });
        } catch (error) {
          logger.error('writing the failed-run inbox item failed', { runId, error: String(error) });
        }
      }
    },
  };

  const viewer = (context: WorkspaceContext) => ({
    workspaceId: context.workspaceId,
    userId: context.userId,
    role: context.role,
  });
  const actor = (context: WorkspaceContext) => `user:${context.userId}`;
  const crewOrAgentId = async (
    context: WorkspaceContext,
    kind: 'crew' | 'agent',
    reference: string,
  ): Promise<Crew | Agent> =>
    kind === 'crew' ? options.crews.get(context, reference) : options.agents.get(context, reference);

  const service: GovernanceService = {
    summary: (context, query) => paymaster.summary(context.workspaceId, query),
    async ledger(context, query) {
      const agentId = query.agent ? (await options.agents.get(context, query.agent)).id : undefined;
      const crewId = query.crew ? (await options.crews.get(context, query.crew)).id : undefined;
      return paymaster.ledger(context.workspaceId, {
        ...(query.run ? { runId: query.run } : {}),
        ...(agentId ? { agentId } : {}),
        ...(crewId ? { crewId } : {}),
        limit: query.limit,
      });
    },
    rates: (context) => paymaster.rates.list(context.workspaceId),
    setRate: (context, input) => paymaster.rates.set(context.workspaceId, input),
    budgets: (context) => paymaster.budgets.list(context.workspaceId),
    async setBudget(context, input) {
      const scopeId =
        input.scope === 'workspace'
          ? context.workspaceId
          : (await crewOrAgentId(context, input.scope, input.scope_ref ?? '')).id;
      return paymaster.budgets.set(context.workspaceId, {
        scope: input.scope,
        scopeId,
        window: input.window,
        mode: input.mode ?? 'hard',
        limitUsd: input.limit_usd ?? null,
        limitTokens: input.limit_tokens ?? null,
      });
    },
    deleteBudget: (context, id) => paymaster.budgets.delete(context.workspaceId, id),
    approvals: (context, query) => approvals.list(context.workspaceId, query),
    approval: (context, id) => approvals.get(context.workspaceId, id),
    decide: (context, id, input) => approvals.decide(context.workspaceId, id, input, actor(context)),
    approvalRules: (context) => approvals.rules(context.workspaceId),
    setApprovalRules: (context, rules) => approvals.setRules(context.workspaceId, rules, actor(context)),
    keeperStatus: (context) => keeper.status(context.workspaceId),
    keeperRules: (context) => keeper.rules.get(context.workspaceId),
    setKeeperRules: (context, yaml) => keeper.rules.set(context.workspaceId, yaml, actor(context)),
    keeperRequests(context, limit) {
      const page = options.sqliteJournal.list({
        workspaceId: context.workspaceId,
        entryType: 'keeper.decision',
        limit,
      });
      return page.items.map(toJournalEntryDto);
    },
    inbox: (context, query) => inbox.list(viewer(context), query),
    inboxCount: (context) => inbox.count(viewer(context)),
    inboxAction(context, id, action) {
      if (action === 'read') return inbox.markRead(viewer(context), id);
      if (action === 'resolve') return inbox.resolve(viewer(context), id);
      return inbox.archive(viewer(context), id);
    },
  };

  return {
    service,
    run,
    gateway: { callGuard: paymaster, metering: paymaster, toolGate, keeper },
    start() {
      const cancelled = approvals.recoverPending();
      if (cancelled > 0) logger.warn('cancelled approvals left pending by the last shutdown', { cancelled });
    },
    stop() {
      approvals.close();
    },
  };
}
