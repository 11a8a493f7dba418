import { agentEnvironment } from '@crewship/agent-clis';
import {
  AGENT_USER,
  type Agent,
  type AgentConfigFile,
  type ContainerRuntime,
  type CrewContainer,
} from '@crewship/contracts';

/** Writes `path content` pairs inside the container, creating directories. */
const WRITE_FILES = `while [ $# -gt 1 ]; do mkdir -p "$(dirname "$1")" && printf '%s' "$2" > "$1" || exit 1; shift 2; done`;

/** Writes files into the container as `user` (the agent's, so an agent's symlinks stay its own problem). */
export async function writeContainerFiles(
  runtime: ContainerRuntime,
  container: CrewContainer,
  user: string,
  files: readonly AgentConfigFile[],
): Promise<void> {
  if (files.length === 0) return;
  const pairs = files.flatMap((file) => [file.path, file.content]);
  const handle = runtime.exec(container, {
    cmd: ['sh', '-c', WRITE_FILES, 'crewship-write-files', ...pairs],
    user,
    timeoutMs: 15_000,
  });
  const errors: string[] = [];
  for await (const line of handle) if (line.stream === 'stderr') errors.push(line.line);
  const { exitCode } = await handle.result;
  if (exitCode !== 0) {
    throw new Error(
      `cannot write ${files.map((file) => file.path).join(', ')}: ${errors.join(' ') || `exit ${exitCode}`}`,
    );
  }
}

/**
 * The environment of an agent's commands, after writing its CLI config files into the container once
 * per container (they live in the agent's own directory, so they survive restarts of the same container).
 */
export function createAgentSetup(runtime: () => ContainerRuntime) {
  const prepared = new Set<string>();
  return async (agent: Agent, container: CrewContainer): Promise<{ env: Record<string, string> }> => {
    const environment = agentEnvironment({ agentSlug: agent.slug, adapter: agent.cli_adapter });
    const key = `${container.id}:${agent.slug}`;
    if (!prepared.has(key)) {
      await writeContainerFiles(runtime(), container, AGENT_USER, environment.files).catch((error: Error) => {
        throw new Error(`cannot write the CLI config of agent ${agent.slug}: ${error.message}`);
      });
      prepared.add(key);
    }
    return { env: environment.env };
  };
}
