import type { Agent, Crew } from '@crewship/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useApi } from '../../lib/session';

/**
 * Agents and crews by id, for naming the ids a run carries. Lists rather than one `get` per id: a
 * deleted agent is simply missing instead of a failed request.
 */
export function useDirectory(): { agents: Map<string, Agent>; crews: Map<string, Crew>; agentList: Agent[] } {
  const api = useApi();
  const agents = useQuery({ queryKey: ['agents', 'list'], queryFn: () => api.agents.list() });
  const crews = useQuery({ queryKey: ['crews', 'list'], queryFn: () => api.crews.list() });
  return useMemo(
    () => ({
      agents: new Map((agents.data ?? []).map((agent) => [agent.id, agent])),
      crews: new Map((crews.data ?? []).map((crew) => [crew.id, crew])),
      agentList: agents.data ?? [],
    }),
    [agents.data, crews.data],
  );
}
