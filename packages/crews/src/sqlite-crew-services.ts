import {
  type Agent,
  type AgentService,
  type Crew,
  type CrewService,
  CrewshipError,
  slugify,
  type WorkspaceContext,
} from '@crewship/contracts';
import { agents, type CrewshipDatabase, crews, isUniqueViolation, workspaces } from '@crewship/db';
import { and, asc, eq, or, sql } from 'drizzle-orm';
import { ulid } from 'ulid';

type CrewRow = typeof crews.$inferSelect;
type AgentRow = typeof agents.$inferSelect;

export interface CrewServicesOptions {
  now?: () => Date;
}

function toCrew(row: CrewRow): Crew {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    name: row.name,
    slug: row.slug,
    description: row.description,
    runtime_image: row.runtimeImage,
    network_mode: row.networkMode,
    allowed_domains: row.allowedDomains,
    memory_mb: row.memoryMb,
    cpus: row.cpus,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

function toAgent(row: AgentRow, crewSlug: string): Agent {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    crew_id: row.crewId,
    crew_slug: crewSlug,
    name: row.name,
    slug: row.slug,
    role: row.role,
    cli_adapter: row.cliAdapter,
    model: row.model,
    persona: row.persona,
    tool_profile: row.toolProfile,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

function unique<T>(kind: 'crew' | 'agent', slug: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new CrewshipError('conflict', `a ${kind} with slug "${slug}" already exists in this workspace`);
    }
    throw error;
  }
}

/** SQLite implementations of the `CrewService` and `AgentService` ports. */
export function createSqliteCrewServices(
  database: CrewshipDatabase,
  options: CrewServicesOptions = {},
): {
  crews: CrewService;
  agents: AgentService;
  /** Ids of every crew in every workspace (container reconciliation at start). */
  allCrewIds(): string[];
  /** Ids of every workspace (container reconciliation at start). */
  allWorkspaceIds(): string[];
} {
  const { db } = database;
  const now = options.now ?? (() => new Date());

  const crewsOfWorkspace = db
    .select()
    .from(crews)
    .where(eq(crews.workspaceId, sql.placeholder('workspaceId')))
    .orderBy(asc(crews.slug))
    .prepare();

  function findCrew(context: WorkspaceContext, reference: string): CrewRow {
    const row = db
      .select()
      .from(crews)
      .where(
        and(
          eq(crews.workspaceId, context.workspaceId),
          or(eq(crews.id, reference), eq(crews.slug, reference)),
        ),
      )
      .get();
    if (!row) throw new CrewshipError('not_found', `crew "${reference}" not found`);
    return row;
  }

  function findAgent(context: WorkspaceContext, reference: string): Agent {
    const row = db
      .select({ agent: agents, crewSlug: crews.slug })
      .from(agents)
      .innerJoin(crews, eq(crews.id, agents.crewId))
      .where(
        and(
          eq(agents.workspaceId, context.workspaceId),
          or(eq(agents.id, reference), eq(agents.slug, reference)),
        ),
      )
      .get();
    if (!row) throw new CrewshipError('not_found', `agent "${reference}" not found`);
    return toAgent(row.agent, row.crewSlug);
  }

  const crewService: CrewService = {
    async list(context) {
      return crewsOfWorkspace.all({ workspaceId: context.workspaceId }).map(toCrew);
    },
    async get(context, reference) {
      return toCrew(findCrew(context, reference));
    },
    async create(context, input) {
      const stamp = now().toISOString();
      const row: CrewRow = {
        id: ulid(),
        workspaceId: context.workspaceId,
        name: input.name,
        slug: input.slug ?? slugify(input.name),
        description: input.description,
        runtimeImage: input.runtime_image,
        networkMode: input.network_mode,
        allowedDomains: input.allowed_domains,
        memoryMb: input.memory_mb,
        cpus: input.cpus,
        createdAt: stamp,
        updatedAt: stamp,
      };
      unique('crew', row.slug, () => db.insert(crews).values(row).run());
      return toCrew(row);
    },
    async update(context, reference, input) {
      const current = findCrew(context, reference);
      const changes: Partial<CrewRow> = { updatedAt: now().toISOString() };
      if (input.name !== undefined) changes.name = input.name;
      if (input.slug !== undefined) changes.slug = input.slug;
      if (input.description !== undefined) changes.description = input.description;
      if (input.runtime_image !== undefined) changes.runtimeImage = input.runtime_image;
      if (input.network_mode !== undefined) changes.networkMode = input.network_mode;
      if (input.allowed_domains !== undefined) changes.allowedDomains = input.allowed_domains;
      if (input.memory_mb !== undefined) changes.memoryMb = input.memory_mb;
      if (input.cpus !== undefined) changes.cpus = input.cpus;
      unique('crew', input.slug ?? current.slug, () =>
        db.update(crews).set(changes).where(eq(crews.id, current.id)).run(),
      );
      return toCrew({ ...current, ...changes });
    },
    async delete(context, reference) {
      const current = findCrew(context, reference);
      db.delete(crews).where(eq(crews.id, current.id)).run();
    },
  };

  const agentService: AgentService = {
    async list(context, filter) {
      const crewFilter =
        filter.crew === undefined ? undefined : eq(agents.crewId, findCrew(context, filter.crew).id);
      return db
        .select({ agent: agents, crewSlug: crews.slug })
        .from(agents)
        .innerJoin(crews, eq(crews.id, agents.crewId))
        .where(and(eq(agents.workspaceId, context.workspaceId), crewFilter))
        .orderBy(asc(agents.slug))
        .all()
        .map((row) => toAgent(row.agent, row.crewSlug));
    },
    async get(context, reference) {
      return findAgent(context, reference);
    },
    async create(context, input) {
      const crew = findCrew(context, input.crew);
      const stamp = now().toISOString();
      const row: AgentRow = {
        id: ulid(),
        workspaceId: context.workspaceId,
        crewId: crew.id,
        name: input.name,
        slug: input.slug ?? slugify(input.name),
        role: input.role,
        cliAdapter: input.cli_adapter,
        model: input.model,
        persona: input.persona,
        toolProfile: input.tool_profile,
        createdAt: stamp,
        updatedAt: stamp,
      };
      unique('agent', row.slug, () => db.insert(agents).values(row).run());
      return toAgent(row, crew.slug);
    },
    async update(context, reference, input) {
      const current = findAgent(context, reference);
      const crew = input.crew === undefined ? undefined : findCrew(context, input.crew);
      const changes: Partial<AgentRow> = { updatedAt: now().toISOString() };
      if (crew !== undefined) changes.crewId = crew.id;
      if (input.name !== undefined) changes.name = input.name;
      if (input.slug !== undefined) changes.slug = input.slug;
      if (input.role !== undefined) changes.role = input.role;
      if (input.cli_adapter !== undefined) changes.cliAdapter = input.cli_adapter;
      if (input.model !== undefined) changes.model = input.model;
      if (input.persona !== undefined) changes.persona = input.persona;
      if (input.tool_profile !== undefined) changes.toolProfile = input.tool_profile;
      unique('agent', input.slug ?? current.slug, () =>
        db.update(agents).set(changes).where(eq(agents.id, current.id)).run(),
      );
      return findAgent(context, current.id);
    },
    async delete(context, reference) {
      const current = findAgent(context, reference);
      db.delete(agents).where(eq(agents.id, current.id)).run();
    },
  };

  return {
    crews: crewService,
    agents: agentService,
    allCrewIds: () =>
      db
        .select({ id: crews.id })
        .from(crews)
        .all()
        .map((row) => row.id),
    allWorkspaceIds: () =>
      db
        .select({ id: workspaces.id })
        .from(workspaces)
        .all()
        .map((row) => row.id),
  };
}
