import type { Crew } from '@crewship/contracts';
import { useQuery } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { useApi, useCan } from '../../lib/session';
import { AgentsTable } from '../agents/agents-table';

/** The crew's agents, each with a link to its page and to a chat with it. */
export function CrewAgentsCard({ crew }: { crew: Crew }) {
  const api = useApi();
  const canCreate = useCan('MANAGER');
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => api.agents.list() });
  const members = agents.data?.filter((agent) => agent.crew_id === crew.id);
  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-center justify-between gap-3">
        <CardTitle>Agents</CardTitle>
        {canCreate ? (
          <Button asChild variant="outline" size="sm">
            <Link to={`/agents?crew=${encodeURIComponent(crew.slug)}&create=1`}>
              <Plus aria-hidden="true" />
              Add agent
            </Link>
          </Button>
        ) : null}
      </CardHeader>
      <CardContent>
        {agents.isPending ? <Spinner /> : null}
        {agents.error ? <ErrorNotice error={agents.error} /> : null}
        {members && members.length === 0 ? (
          <p className="text-sm text-muted-foreground">This crew has no agents yet.</p>
        ) : null}
        {members && members.length > 0 ? (
          <AgentsTable agents={members} caption={`Agents of ${crew.name}`} />
        ) : null}
      </CardContent>
    </Card>
  );
}
