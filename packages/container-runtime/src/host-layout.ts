import { join } from 'node:path';
import { type CrewContainerSpec, GATEWAY_SOCKET_NAME } from '@crewship/contracts';

/** Host directories behind one crew's bind mounts, under `<dataDir>/crews/<crewId>/`. */
export interface CrewHostPaths {
  root: string;
  agents: string;
  shared: string;
  output: string;
  secrets: string;
  workspace: string;
  /** `<dataDir>/run/crews/<crewId>`: holds the gateway socket; mounted at `/run/crewship`, 1002 only. */
  gateway: string;
  gatewaySocket: string;
  agent(slug: string): string;
  agentOutput(slug: string): string;
  agentSecrets(slug: string): string;
}

export function crewHostPaths(dataDir: string, crewId: string): CrewHostPaths {
  const root = join(dataDir, 'crews', crewId);
  return {
    root,
    agents: join(root, 'agents'),
    shared: join(root, 'shared'),
    output: join(root, 'output'),
    secrets: join(root, 'secrets'),
    workspace: join(root, 'workspace'),
    gateway: join(dataDir, 'run', 'crews', crewId),
    gatewaySocket: join(dataDir, 'run', 'crews', crewId, GATEWAY_SOCKET_NAME),
    agent: (slug) => join(root, 'agents', slug),
    agentOutput: (slug) => join(root, 'output', slug),
    agentSecrets: (slug) => join(root, 'secrets', slug),
  };
}

export const AGENT_UID = 1001;
export const SIDECAR_UID = 1002;
const FIRST_AGENT_GID = 2001;

/**
 * Every agent runs as UID 1001 with a group of its own (2001, 2002, ... in slug order). Its
 * `/secrets/{slug}` is owned by root with that group and mode 0750, so no other agent can read it.
 */
export function agentGroupId(spec: Pick<CrewContainerSpec, 'agents'>, slug: string): number {
  const index = [...spec.agents].sort().indexOf(slug);
  if (index < 0) throw new Error(`agent ${slug} is not in this crew`);
  return FIRST_AGENT_GID + index;
}

/** The `user` to exec an agent's commands with: `1001:<its group>`. */
export function agentExecUser(spec: Pick<CrewContainerSpec, 'agents'>, slug: string): string {
  return `${AGENT_UID}:${agentGroupId(spec, slug)}`;
}
