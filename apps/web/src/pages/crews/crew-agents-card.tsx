import type { Crew } from '@crewship/contracts';
import { useQuery } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { useApi, useCan } from '../../lib/session';
import { AGENT_ROLE_LABELS, CLI_ADAPTER_LABELS } from '../agents/agent-labels';

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
          <Table>
            <caption className="sr-only">Agents of {crew.name}</caption>
            <THead>
              <tr>
                <Th>Agent</Th>
                <Th>CLI adapter</Th>
                <Th>Model</Th>
                <Th>Role</Th>
                <Th className="relative">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <TBody>
              {members.map((agent) => (
                <Tr key={agent.id}>
                  <Td>
                    <Link to={`/agents/${agent.slug}`} className="font-medium text-primary hover:underline">
                      {agent.name}
                    </Link>
                    <div className="font-mono text-xs text-muted-foreground">{agent.slug}</div>
                  </Td>
                  <Td className="whitespace-nowrap">{CLI_ADAPTER_LABELS[agent.cli_adapter]}</Td>
                  <Td className="font-mono text-xs">{agent.model ?? 'default'}</Td>
                  <Td>{AGENT_ROLE_LABELS[agent.role]}</Td>
                  <Td className="text-right">
                    <Button asChild variant="outline" size="sm">
                      <Link to={`/chat/${agent.slug}`} aria-label={`Chat with ${agent.name}`}>
                        Chat
                      </Link>
                    </Button>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
      </CardContent>
    </Card>
  );
}
