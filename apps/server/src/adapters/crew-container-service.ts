import { agentExecUser, crewHostPaths } from '@crewship/container-runtime';
import {
  AGENT_USER,
  type Agent,
  type AgentConfigFile,
  type AgentFileList,
  type AgentSandbox,
  type AgentService,
  agentTmuxSession,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatus,
  type ContainerStatusDto,
  type Crew,
  type CrewContainer,
  type CrewContainerSpec,
  type CrewService,
  CrewshipError,
  type ExecHandle,
  type execRequestSchema,
  KEEPER_USER,
  type Logger,
  type WorkspaceContext,
} from '@crewship/contracts';
import type { z } from 'zod';
import { listAgentOutputFiles, readAgentOutputFile } from './agent-output-files.js';
import { writeContainerFiles } from './agent-setup.js';
import type { StatsCollector } from './stats-collector.js';

const KEEPER_OUTPUT_LIMIT = 256 * 1024;

export type ParsedExecRequest = z.output<typeof execRequestSchema>;

/** Crew containers as the API sees them: every verb is scoped to the caller's workspace. */
export interface CrewContainerService {
  start(context: WorkspaceContext, crew: string): Promise<ContainerStatusDto>;
  stop(context: WorkspaceContext, crew: string): Promise<ContainerStatusDto>;
  status(context: WorkspaceContext, crew: string): Promise<ContainerStatusDto>;
  /** Starts the command (starting the container when needed); resolves once it runs. */
  exec(
    context: WorkspaceContext,
    crew: string,
    request: ParsedExecRequest,
    signal: AbortSignal,
  ): Promise<ExecHandle>;
  /**
   * For the orchestrator: the crew's container, started and attached when needed, with the agent's
   * files written; its execs run as the agent with the agent's environment.
   */
  sandbox(crew: Crew, agent: Agent, files: readonly AgentConfigFile[]): Promise<AgentSandbox>;
  /**
   * Keeper `execute`: `sh -c command` in the crew's running container as KEEPER_USER, with only `env`
   * added, output collected (each stream clipped at 256 KiB). `unavailable` when the container is not running.
   */
  keeperExec(
    crewId: string,
    input: { command: string; env: Record<string, string>; timeoutMs: number },
  ): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  listFiles(context: WorkspaceContext, agent: string): Promise<AgentFileList>;
  readFile(context: WorkspaceContext, agent: string, path: string): Promise<Uint8Array>;
}

/** The bound runtime, or why there is none (containers switched off, no Docker engine answered). */
export type ContainerRuntimeBinding =
  | { runtime: ContainerRuntime; unavailableReason?: undefined }
  | { runtime?: undefined; unavailableReason: string };

export interface CrewContainerServiceOptions {
  crews: CrewService;
  agents: AgentService;
  binding: ContainerRuntimeBinding;
  stats: StatsCollector | undefined;
  dataDir: string;
  logger: Logger;
  /** Called before a crew container starts with the crew's agents, e.g. to install their CLIs. */
  beforeStart?(crew: Crew, agents: readonly Agent[]): Promise<void>;
  /** Called whenever a running container is about to be used (idempotent): the sealed path attaches here. */
  afterStart?(crew: Crew, container: CrewContainer): Promise<void>;
  /** What an agent's commands run with: environment and the config files written before each run. */
  agentSetup?(crew: Crew, agent: Agent, container: CrewContainer): Promise<{ env: Record<string, string> }>;
}

const ROOT_USER = '0:0';

function toStatsDto(stats: ContainerStats): NonNullable<ContainerStatusDto['stats']> {
  return {
    at: stats.at,
    cpu_percent: stats.cpuPercent,
    memory_bytes: stats.memoryBytes,
    memory_limit_bytes: stats.memoryLimitBytes,
    network_rx_bytes: stats.networkRxBytes,
    network_tx_bytes: stats.networkTxBytes,
    pids: stats.pids,
  };
}

function toStatusDto(status: ContainerStatus, stats: ContainerStats | null | undefined): ContainerStatusDto {
  return {
    crew_id: status.crewId,
    state: status.state,
    container: status.container
      ? {
          id: status.container.id,
          name: status.container.name,
          image: status.container.image,
          config_hash: status.container.configHash,
        }
      : null,
    last_activity_at: status.lastActivityAt,
    stats: status.state === 'running' && stats ? toStatsDto(stats) : null,
  };
}

export function createCrewContainerService(options: CrewContainerServiceOptions): CrewContainerService {
  const { crews, agents, binding, logger } = options;

  function runtime(): ContainerRuntime {
    if (binding.runtime) return binding.runtime;
    throw new CrewshipError('unavailable', binding.unavailableReason);
  }

  async function specFor(context: WorkspaceContext, crew: Crew) {
    const members = await agents.list(context, { crew: crew.id });
    const spec: CrewContainerSpec = {
      crewId: crew.id,
      workspaceId: crew.workspace_id,
      slug: crew.slug,
      image: crew.runtime_image,
      networkMode: crew.network_mode,
      memoryMb: crew.memory_mb,
      cpus: crew.cpus,
      agents: members.map((agent) => agent.slug),
    };
    return { spec, members };
  }

  async function ensure(context: WorkspaceContext, crew: Crew): Promise<CrewContainer> {
    const { spec, members } = await specFor(context, crew);
    await options.beforeStart?.(crew, members);
    const started = performance.now();
    const container = await runtime().ensureCrewContainer(spec);
    await options.afterStart?.(crew, container);
    logger.info('crew container running', {
      crewId: crew.id,
      container: container.name,
      durationMs: Math.round(performance.now() - started),
    });
    return container;
  }

  async function statusOf(crewId: string): Promise<ContainerStatusDto> {
    const status = await runtime().status(crewId);
    if (status.state !== 'running') return toStatusDto(status, null);
    const stats = options.stats
      ? (options.stats.latest(crewId) ?? (await options.stats.probe(crewId)))
      : null;
    return toStatusDto(status, stats);
  }

  async function agentOf(context: WorkspaceContext, reference: string): Promise<Agent> {
    return agents.get(context, reference);
  }

  /** The running container, attached; started (as the system) when it is not running. */
  async function running(context: WorkspaceContext, crew: Crew): Promise<CrewContainer> {
    const status = await runtime().status(crew.id);
    if (status.state === 'running' && status.container) {
      await options.afterStart?.(crew, status.container);
      return status.container;
    }
    return ensure(context, crew);
  }

  return {
    async sandbox(crew, agent, files) {
      const context: WorkspaceContext = { userId: 'system', workspaceId: crew.workspace_id, role: 'OWNER' };
      const containers = runtime();
      const container = await running(context, crew);
      const env = options.agentSetup ? (await options.agentSetup(crew, agent, container)).env : {};
      const user = agentExecUser((await specFor(context, crew)).spec, agent.slug);
      await writeContainerFiles(containers, container, user, files);
      return {
        exec: (execOptions) =>
          containers.exec(container, { ...execOptions, user, env: { ...env, ...execOptions.env } }),
      };
    },

    async start(context, reference) {
      const crew = await crews.get(context, reference);
      runtime();
      await ensure(context, crew);
      return statusOf(crew.id);
    },

    async stop(context, reference) {
      const crew = await crews.get(context, reference);
      await runtime().stop(crew.id);
      options.stats?.forget(crew.id);
      logger.info('crew container stopped', { crewId: crew.id });
      return statusOf(crew.id);
    },

    async status(context, reference) {
      const crew = await crews.get(context, reference);
      return statusOf(crew.id);
    },

    async exec(context, reference, request, signal) {
      const crew = await crews.get(context, reference);
      const containers = runtime();
      let agent: Agent | undefined;
      if (request.agent !== undefined) {
        agent = await agentOf(context, request.agent);
        if (agent.crew_id !== crew.id) {
          throw new CrewshipError('not_found', `agent "${request.agent}" is not in crew "${crew.slug}"`);
        }
      }
      const container = await running(context, crew);
      const agentEnv =
        agent && options.agentSetup ? (await options.agentSetup(crew, agent, container)).env : {};
      let user = ROOT_USER;
      if (request.user === 'agent') {
        user = agent ? agentExecUser((await specFor(context, crew)).spec, agent.slug) : AGENT_USER;
      }
      const handle = containers.exec(container, {
        cmd: request.cmd,
        user,
        env: { ...agentEnv, ...request.env },
        ...(request.cwd ? { cwd: request.cwd } : {}),
        ...(request.stdin !== undefined ? { stdin: request.stdin } : {}),
        ...(request.timeout_ms !== undefined ? { timeoutMs: request.timeout_ms } : {}),
        ...(agent && user !== ROOT_USER ? { tmuxSession: agentTmuxSession(agent.slug) } : {}),
        signal,
      });
      const fields = {
        crewId: crew.id,
        userId: context.userId,
        user,
        agent: agent?.slug,
        command: request.cmd[0],
        argumentCount: request.cmd.length - 1,
      };
      logger.info('crew exec started', fields);
      handle.result.then(
        (result) => logger.info('crew exec finished', { ...fields, ...result }),
        (error: unknown) => logger.warn('crew exec failed', { ...fields, reason: (error as Error).message }),
      );
      return handle;
    },

    async keeperExec(crewId, input) {
      const containers = runtime();
      const status = await containers.status(crewId);
      if (status.state !== 'running' || !status.container) {
        throw new CrewshipError('unavailable', 'the crew container is not running');
      }
      const handle = containers.exec(status.container, {
        cmd: ['/bin/sh', '-c', input.command],
        user: KEEPER_USER,
        env: { HOME: '/tmp', ...input.env },
        cwd: '/tmp',
        timeoutMs: input.timeoutMs,
      });
      const output = { stdout: '', stderr: '' };
      for await (const { stream, line } of handle) {
        if (output[stream].length < KEEPER_OUTPUT_LIMIT) {
          output[stream] = `${output[stream]}${line}\n`.slice(0, KEEPER_OUTPUT_LIMIT);
        }
      }
      const result = await handle.result;
      logger.info('keeper exec finished', { crewId, exitCode: result.exitCode, timedOut: result.timedOut });
      return { exitCode: result.timedOut ? 124 : result.exitCode, ...output };
    },

    async listFiles(context, reference) {
      const agent = await agentOf(context, reference);
      return listAgentOutputFiles(crewHostPaths(options.dataDir, agent.crew_id).agentOutput(agent.slug));
    },

    async readFile(context, reference, path) {
      const agent = await agentOf(context, reference);
      return readAgentOutputFile(crewHostPaths(options.dataDir, agent.crew_id).agentOutput(agent.slug), path);
    },
  };
}
