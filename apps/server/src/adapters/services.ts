import { agentCliAdapter } from '@crewship/agent-clis';
import { createSqliteAccountService, createSqliteWorkspaceService } from '@crewship/auth';
import { createSqliteChatStore } from '@crewship/chats';
import type {
  AccountService,
  Agent,
  AgentService,
  AgentToolsInstaller,
  CredentialVault,
  Crew,
  CrewContainer,
  CrewService,
  LlmProvider,
  Logger,
  Orchestrator,
  WorkspaceService,
} from '@crewship/contracts';
import { createSqliteCrewServices } from '@crewship/crews';
import { type CrewshipDatabase, migrationStatus } from '@crewship/db';
import { createBatchedJournal, createSqliteJournal } from '@crewship/journal';
import type { KeeperJudgeConfig } from '@crewship/keeper';
import { createLlmGateway } from '@crewship/llm-gateway';
import { createOrchestrator } from '@crewship/orchestrator';
import { createRealtimeHub, createWsTokens, type RealtimeHub, type WsTokens } from '@crewship/realtime';
import { createAgentSetup } from './agent-setup.js';
import { toolsForAgents } from './agent-tools-for-agents.js';
import type { BoundContainerRuntime } from './container-runtime-binding.js';
import type { CredentialVaultBinding, EncryptionKeyService } from './credential-vault-binding.js';
import { type CrewContainerService, createCrewContainerService } from './crew-container-service.js';
import { createGovernance, type GovernanceService } from './governance.js';
import { createRunService, hubRunPublisher, type RunService } from './run-service.js';
import { createSealedPath } from './sealed-path.js';
import { createSecretScrubber } from './secret-scrubber.js';
import { installSidecarBundle, locateSidecarBundle } from './sidecar-bundle.js';
import { createStatsCollector, hubStatsSink, type StatsCollector } from './stats-collector.js';

export interface Readiness {
  status: 'ready' | 'not_ready';
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** Everything routes may call: ports only. */
export interface ServerServices {
  accounts: AccountService;
  workspaces: WorkspaceService;
  crews: CrewService;
  agents: AgentService;
  containers: CrewContainerService;
  tools: AgentToolsInstaller;
  credentials: CredentialVault;
  encryption: EncryptionKeyService;
  /** Chats, runs and the journal. */
  runs: RunService;
  /** Paymaster, budgets, approvals, Keeper and the inbox. */
  governance: GovernanceService;
  /** Short-lived tokens for the WebSocket. */
  wsTokens: WsTokens;
  /** Live fan-out to WebSocket clients and chat streams. */
  hub: RealtimeHub;
  /** Redacts credential shapes and stored credential values (logs, error messages, exec output). */
  scrub(text: string): string;
  readiness(): Readiness;
}

export interface ServiceOptions {
  tokenSecret: string;
  sessionTtlMs: number;
  logger: Logger;
  isShuttingDown: () => boolean;
  dataDir: string;
  containerRuntime: BoundContainerRuntime;
  statsIntervalMs: number;
  agentTools: AgentToolsInstaller;
  credentialVault: CredentialVaultBinding;
  /** Mounted at /opt/crewship; the sidecar bundle is copied into it. */
  toolsDir: string;
  sealedPath: {
    upstreams: Record<LlmProvider, string>;
    egressResolve: Record<string, string>;
    journalBodies: boolean;
    sidecarBundle: string | undefined;
  };
  /** Keeper's LLM judge; null makes Keeper fail closed wherever it needs one. */
  keeperJudge: KeeperJudgeConfig | null;
}

/** Background work behind the services: started after migrations, stopped on shutdown. */
export interface ServiceLifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The one place that binds implementations to ports. */
export function createServices(
  database: CrewshipDatabase,
  options: ServiceOptions,
): { services: ServerServices; lifecycle: ServiceLifecycle } {
  const crewServices = createSqliteCrewServices(database);
  const { binding } = options.containerRuntime;
  const hub = createRealtimeHub({ logger: options.logger.child({ component: 'realtime' }) });
  const stats: StatsCollector | undefined = binding.runtime
    ? createStatsCollector(binding.runtime, hubStatsSink(hub), {
        intervalMs: options.statsIntervalMs,
        logger: options.logger.child({ component: 'container-stats' }),
      })
    : undefined;
  const containerLogger = options.logger.child({ component: 'crew-containers' });
  const vault = options.credentialVault.vault;
  const scrubber = createSecretScrubber(vault, () => crewServices.allWorkspaceIds(), options.logger);
  const sqliteJournal = createSqliteJournal({
    database,
    scrub: scrubber.scrub,
    logger: options.logger.child({ component: 'journal' }),
  });
  // Every writer goes through the batch: one transaction per 100 ms or 64 entries.
  const journal = createBatchedJournal(sqliteJournal, {
    logger: options.logger.child({ component: 'journal' }),
  });
  const findAgentInCrew = database.sqlite.prepare<[string, string], { id: string; slug: string }>(
    'SELECT id, slug FROM agents WHERE crew_id = ? AND slug = ?',
  );
  const findAgent = async (crewId: string, slug: string) => findAgentInCrew.get(crewId, slug) ?? null;
  let orchestrator: Orchestrator | undefined;
  let containerService: CrewContainerService | undefined;
  const governance = createGovernance({
    database,
    journal,
    sqliteJournal,
    hub,
    vault,
    crews: crewServices.crews,
    agents: crewServices.agents,
    orchestrator: () => {
      if (!orchestrator) throw new Error('the orchestrator is not ready');
      return orchestrator;
    },
    scrub: scrubber.scrub,
    keeperExec: (crewId, input) => {
      if (!containerService) throw new Error('the container service is not ready');
      return containerService.keeperExec(crewId, input);
    },
    judge: options.keeperJudge,
    findAgent,
    logger: options.logger,
  });
  const gateway = createLlmGateway({
    vault,
    findAgent,
    metering: governance.gateway.metering,
    callGuard: governance.gateway.callGuard,
    toolGate: governance.gateway.toolGate,
    keeper: governance.gateway.keeper,
    journal,
    logger: options.logger.child({ component: 'llm-gateway' }),
    upstreams: options.sealedPath.upstreams,
    resolveHosts: options.sealedPath.egressResolve,
    journalBodies: options.sealedPath.journalBodies,
  });
  const sealedPath =
    binding.runtime && options.containerRuntime.sealedPath
      ? createSealedPath({
          gateway,
          runtime: binding.runtime,
          dataDir: options.dataDir,
          logger: containerLogger,
        })
      : undefined;
  const agentSetup = createAgentSetup(() => {
    if (!binding.runtime) throw new Error('no container runtime');
    return binding.runtime;
  });
  const containers = createCrewContainerService({
    crews: crewServices.crews,
    agents: crewServices.agents,
    binding,
    stats,
    dataDir: options.dataDir,
    logger: containerLogger,
    async beforeStart(crew, agents) {
      // Even without tools this provides the node runtime every crew container mounts.
      await options.agentTools.ensureInstalled(toolsForAgents(agents), (line) =>
        containerLogger.info('agent tools', { crewId: crew.id, progress: line }),
      );
    },
    async afterStart(crew, container) {
      await sealedPath?.attach(crew, container);
    },
    ...(sealedPath
      ? { agentSetup: (_crew: Crew, agent: Agent, container: CrewContainer) => agentSetup(agent, container) }
      : {}),
  });
  containerService = containers;
  const chats = createSqliteChatStore({ database });
  orchestrator = createOrchestrator({
    // Lifecycle entries are awaited by the run (and by the client waiting for its start): they go out
    // at once with whatever is queued, instead of waiting for the next 100 ms batch.
    journal: {
      append(entry) {
        const stored = journal.append(entry);
        if (entry.entryType.startsWith('run.')) void journal.flush();
        return stored;
      },
    },
    sandboxes: { prepare: ({ crew, agent, files }) => containers.sandbox(crew, agent, files) },
    chats,
    memory: { recall: async () => '' },
    publisher: hubRunPublisher(hub),
    openRuns: sqliteJournal,
    adapters: agentCliAdapter,
    scrub: scrubber.scrub,
    logger: options.logger.child({ component: 'orchestrator' }),
    governance: governance.run,
  });
  const runningOrchestrator = orchestrator;
  const lifecycle: ServiceLifecycle = {
    async start() {
      await scrubber.refresh();
      governance.start();
      const closed = await runningOrchestrator.recoverInterruptedRuns();
      if (closed > 0) options.logger.warn('closed runs interrupted by the last shutdown', { runs: closed });
      if (sealedPath) {
        await installSidecarBundle(locateSidecarBundle(options.sealedPath.sidecarBundle), options.toolsDir);
      }
      await options.containerRuntime.reconcile({
        crewIds: new Set(crewServices.allCrewIds()),
        workspaceIds: new Set(crewServices.allWorkspaceIds()),
      });
      stats?.start();
    },
    async stop() {
      governance.stop();
      await runningOrchestrator.shutdown();
      await journal.close();
      stats?.stop();
      await (sealedPath ? sealedPath.close() : gateway.close());
      await options.containerRuntime.close();
    },
  };
  // Deleting a crew (or its workspace) also removes its container; a failure only leaves an orphan
  // that the next start's reconciliation removes.
  const removeContainers = async (crewIds: readonly string[]) => {
    if (!binding.runtime) return;
    for (const crewId of crewIds) {
      await binding.runtime.remove(crewId).catch((error: unknown) =>
        containerLogger.warn('cannot remove the container of a deleted crew', {
          crewId,
          reason: (error as Error).message,
        }),
      );
      stats?.forget(crewId);
    }
  };
  const sqliteWorkspaces = createSqliteWorkspaceService(database);
  const workspaces: WorkspaceService = {
    ...sqliteWorkspaces,
    async delete(context) {
      const doomed = (await crewServices.crews.list(context)).map((crew) => crew.id);
      await sqliteWorkspaces.delete(context);
      await removeContainers(doomed);
    },
  };
  const crews: CrewService = {
    ...crewServices.crews,
    async update(context, reference, input) {
      const crew = await crewServices.crews.update(context, reference, input);
      sealedPath?.update(crew);
      return crew;
    },
    async delete(context, reference) {
      const crew = await crewServices.crews.get(context, reference);
      await crewServices.crews.delete(context, crew.id);
      await sealedPath?.detach(crew.id);
      await removeContainers([crew.id]);
    },
  };
  // The scrubber knows every stored value: rebuild it whenever one appears, changes or goes.
  const refreshing =
    <Args extends unknown[], Result>(verb: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      const result = await verb(...args);
      await scrubber.refresh();
      return result;
    };
  const credentials: CredentialVault = {
    ...vault,
    create: refreshing(vault.create),
    rotate: refreshing(vault.rotate),
    delete: refreshing(vault.delete),
  };
  const services: ServerServices = {
    accounts: createSqliteAccountService(database, {
      tokenSecret: options.tokenSecret,
      sessionTtlMs: options.sessionTtlMs,
      logger: options.logger.child({ component: 'accounts' }),
    }),
    workspaces,
    crews,
    agents: crewServices.agents,
    containers,
    tools: options.agentTools,
    credentials,
    runs: createRunService({
      chats,
      agents: crewServices.agents,
      crews: crewServices.crews,
      journal: sqliteJournal,
      hub,
      orchestrator: () => runningOrchestrator,
    }),
    governance: governance.service,
    wsTokens: createWsTokens({ secret: options.tokenSecret }),
    hub,
    scrub: scrubber.scrub,
    encryption: options.credentialVault.encryption,
    readiness() {
      const checks: Readiness['checks'] = {};
      try {
        database.sqlite.prepare('SELECT 1').get();
        const pending = migrationStatus(database.sqlite).pending;
        checks.database =
          pending.length === 0 ? { ok: true } : { ok: false, detail: `pending: ${pending.join(', ')}` };
      } catch (error) {
        checks.database = { ok: false, detail: (error as Error).message };
      }
      checks.shutdown = options.isShuttingDown() ? { ok: false, detail: 'shutting down' } : { ok: true };
      const ready = Object.values(checks).every((check) => check.ok);
      return { status: ready ? 'ready' : 'not_ready', checks };
    },
  };
  return { services, lifecycle };
}
