import type { Agent, Crew } from '@crewship/contracts';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../lib/session';

export interface Directory {
  crews: Crew[];
  agents: Agent[];
  /** Slug of a crew or agent id; the id itself when it was deleted. */
  crewName(id: string | null): string;
  agentName(id: string | null): string;
}

/** Crews and agents of the workspace, to name the ids in ledger rows and budgets. */
export function useDirectory(): Directory {
  const api = useApi();
  const crews = useQuery({ queryKey: ['crews', 'list'], queryFn: () => api.crews.list() });
  const agents = useQuery({ queryKey: ['agents', 'list'], queryFn: () => api.agents.list() });
  const crewList = crews.data ?? [];
  const agentList = agents.data ?? [];
  return {
    crews: crewList,
    agents: agentList,
    crewName: (id) => (id ? (crewList.find((crew) => crew.id === id)?.slug ?? id) : '—'),
    agentName: (id) => (id ? (agentList.find((agent) => agent.id === id)?.slug ?? id) : '—'),
  };
}
