import { useQuery } from '@tanstack/react-query';
import { useApi, useSession } from './session';

export interface Names {
  /** `user:<id>` → the member's name or email ("you" for the caller), `agent:<slug>` → `agent <slug>`. */
  actor(actor: string | null | undefined): string;
  agent(id: string | null | undefined): string | null;
  crew(id: string | null | undefined): string | null;
}

/** Human names for the ids the journal, runs and approvals carry (members, agents and crews are readable by every role). */
export function useNames(): Names {
  const api = useApi();
  const { me } = useSession();
  const members = useQuery({ queryKey: ['members'], queryFn: () => api.members.list() });
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => api.agents.list() });
  const crews = useQuery({ queryKey: ['crews'], queryFn: () => api.crews.list() });
  return {
    actor(actor) {
      if (!actor) return 'someone';
      const [kind, id] = actor.includes(':')
        ? [actor.slice(0, actor.indexOf(':')), actor.slice(actor.indexOf(':') + 1)]
        : [actor, ''];
      if (kind === 'user') {
        if (id === me.user.id) return 'you';
        const member = members.data?.find((candidate) => candidate.user_id === id);
        return member ? member.name || member.email : 'a member';
      }
      if (kind === 'agent') return `agent ${id}`;
      return actor;
    },
    agent(id) {
      if (!id) return null;
      return agents.data?.find((agent) => agent.id === id)?.slug ?? null;
    },
    crew(id) {
      if (!id) return null;
      return crews.data?.find((crew) => crew.id === id)?.slug ?? null;
    },
  };
}
