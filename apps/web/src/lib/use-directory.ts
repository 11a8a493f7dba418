import type { Agent, Crew } from '@crewship/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useApi } from './session';

export interface Directory {
  crews: Crew[];
  agents: Agent[];
  crew(id: string | null | undefined): Crew | undefined;
  agent(id: string | null | undefined): Agent | undefined;
  /** The crew's slug; the id itself when it was deleted, `—` for none. */
  crewName(id: string | null): string;
  agentName(id: string | null): string;
}

/**
 * The workspace's crews and agents, for naming the ids that runs, ledger rows and budgets carry. Lists
 * rather than one `get` per id: a deleted agent is simply missing instead of a failed request.
 */
export function useDirectory(): Directory {
  const api = useApi();
  const crews = useQuery({ queryKey: ['crews', 'list'], queryFn: () => api.crews.list() });
  const agents = useQuery({ queryKey: ['agents', 'list'], queryFn: () => api.agents.list() });
  return useMemo(() => {
    const crewList = crews.data ?? [];
    const agentList = agents.data ?? [];
    const crewsById = new Map(crewList.map((crew) => [crew.id, crew]));
    const agentsById = new Map(agentList.map((agent) => [agent.id, agent]));
    return {
      crews: crewList,
      agents: agentList,
      crew: (id) => (id ? crewsById.get(id) : undefined),
      agent: (id) => (id ? agentsById.get(id) : undefined),
      crewName: (id) => (id ? (crewsById.get(id)?.slug ?? id) : '—'),
      agentName: (id) => (id ? (agentsById.get(id)?.slug ?? id) : '—'),
    };
  }, [crews.data, agents.data]);
}
