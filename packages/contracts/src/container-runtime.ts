import type { NetworkMode } from './crews.js';

/** UID:GID the agent CLIs run as inside every crew container. */
export const AGENT_USER = '1001:1001';
/** UID:GID of the sidecar inside every crew container. */
export const SIDECAR_USER = '1002:1002';
/**
 * UID:GID of Keeper's `execute` commands: neither the agents nor the sidecar, so no agent process can
 * read the credential from the command's environment in /proc.
 */
export const KEEPER_USER = '1003:1003';

/** What a runtime needs to know to run one crew's container. */
export interface CrewContainerSpec {
  crewId: string;
  workspaceId: string;
  slug: string;
  image: string;
  networkMode: NetworkMode;
  memoryMb: number;
  cpus: number;
  /** Agent slugs: each gets `/crew/agents/{slug}`, `/output/{slug}` and `/secrets/{slug}`. */
  agents: readonly string[];
}

export type ContainerState = 'running' | 'stopped' | 'missing';

/** A crew container as the runtime knows it. */
export interface CrewContainer {
  /** Runtime-specific id (the Docker container id). */
  id: string;
  /** `crewship-crew-{slug}` */
  name: string;
  crewId: string;
  workspaceId: string;
  /** Hash of the spec the container was created from; a different hash means it must be recreated. */
  configHash: string;
  image: string;
  state: Exclude<ContainerState, 'missing'>;
}

export interface ContainerStatus {
  crewId: string;
  state: ContainerState;
  container: CrewContainer | null;
  /** ISO time of the last exec, used by the idle TTL; null when never used since start. */
  lastActivityAt: string | null;
}

export interface ContainerStats {
  crewId: string;
  at: string;
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  pids: number;
}

export interface ExecOptions {
  cmd: readonly string[];
  /** Defaults to the agent user `1001:1001`. */
  user?: string;
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Written to the process's stdin, which is then closed. */
  stdin?: string | Uint8Array;
  /** Kills the whole process group when exceeded. */
  timeoutMs?: number;
  /** Aborting kills the whole process group. */
  signal?: AbortSignal;
  /**
   * Run inside a tmux session of this name (e.g. `agent-{slug}`, listed by `tmux ls` while it runs)
   * when the image has tmux; `-2`, `-3`… is appended while the name is taken. Output
   * still streams live (through FIFOs) and the exit code is kept. Without tmux the command runs
   * directly, line-buffered with `stdbuf -oL` when the image has it. Must match `TMUX_SESSION_NAME`.
   */
  tmuxSession?: string;
}

/** What `ExecOptions.tmuxSession` accepts: tmux itself rewrites `.` and `:`, so neither is allowed. */
export const TMUX_SESSION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The tmux session an agent's commands run in (reference "Execution Wrapping"). */
export const agentTmuxSession = (agentSlug: string) => `agent-${agentSlug}`;

/** One complete line (without its newline) or the unterminated tail of a stream at exit. */
export interface ExecOutputLine {
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface ExecResult {
  exitCode: number;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

/** A running command: iterate it for live output lines; `result` settles when the process has exited. */
export interface ExecHandle extends AsyncIterable<ExecOutputLine> {
  result: Promise<ExecResult>;
}

/** Runs one container per crew. Implementations: Docker now, Kubernetes later, a fake for tests. */
export interface ContainerRuntime {
  /** Creates, recreates (when the spec changed) or starts the crew's container and returns it running. */
  ensureCrewContainer(crew: CrewContainerSpec): Promise<CrewContainer>;
  exec(container: CrewContainer, options: ExecOptions): ExecHandle;
  stop(crewId: string): Promise<void>;
  remove(crewId: string): Promise<void>;
  status(crewId: string): Promise<ContainerStatus>;
  /** Null when the crew has no running container. */
  stats(crewId: string): Promise<ContainerStats | null>;
  list(): Promise<CrewContainer[]>;
}

/** Where periodic container stats go (the WebSocket hub subscribes later). */
export interface ContainerStatsSink {
  publish(workspaceId: string, stats: ContainerStats): void;
}
