import { createSqliteAccountService, createSqliteWorkspaceService } from '@crewship/auth';
import type {
  AccountService,
  AgentService,
  CrewService,
  Logger,
  WorkspaceService,
} from '@crewship/contracts';
import { createSqliteCrewServices } from '@crewship/crews';
import { type CrewshipDatabase, migrationStatus } from '@crewship/db';

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
  readiness(): Readiness;
}

export interface ServiceOptions {
  tokenSecret: string;
  sessionTtlMs: number;
  logger: Logger;
  isShuttingDown: () => boolean;
}

/** The one place that binds implementations to ports. */
export function createServices(database: CrewshipDatabase, options: ServiceOptions): ServerServices {
  const crewServices = createSqliteCrewServices(database);
  return {
    accounts: createSqliteAccountService(database, {
      tokenSecret: options.tokenSecret,
      sessionTtlMs: options.sessionTtlMs,
      logger: options.logger.child({ component: 'accounts' }),
    }),
    workspaces: createSqliteWorkspaceService(database),
    crews: crewServices.crews,
    agents: crewServices.agents,
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
}
