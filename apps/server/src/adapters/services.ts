import { createSqliteAccountService, createSqliteWorkspaceService } from '@crewship/auth';
import type {
  AccountService,
  AgentService,
  AgentToolsInstaller,
  CredentialVault,
  CrewService,
  Logger,
  WorkspaceService,
} from '@crewship/contracts';
import { createSqliteCrewServices } from '@crewship/crews';
import { type CrewshipDatabase, migrationStatus } from '@crewship/db';
import { toolsForAgents } from './agent-tools-for-agents.js';
import type { BoundContainerRuntime } from './container-runtime-binding.js';
import type { CredentialVaultBinding, EncryptionKeyService } from './credential-vault-binding.js';
import { type CrewContainerService, createCrewContainerService } from './crew-container-service.js';
import { createInMemoryStatsSink, createStatsCollector, type StatsCollector } from './stats-collector.js';

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
  const stats: StatsCollector | undefined = binding.runtime
    ? createStatsCollector(binding.runtime, createInMemoryStatsSink(), {
        intervalMs: options.statsIntervalMs,
        logger: options.logger.child({ component: 'container-stats' }),
      })
    : undefined;
  const containerLogger = options.logger.child({ component: 'crew-containers' });
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
  });
  const lifecycle: ServiceLifecycle = {
    async start() {
      await options.containerRuntime.reconcile({
        crewIds: new Set(crewServices.allCrewIds()),
        workspaceIds: new Set(crewServices.allWorkspaceIds()),
      });
      stats?.start();
    },
    async stop() {
      stats?.stop();
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
    async delete(context, reference) {
      const crew = await crewServices.crews.get(context, reference);
      await crewServices.crews.delete(context, crew.id);
      await removeContainers([crew.id]);
    },
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
    credentials: options.credentialVault.vault,
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
