import { useQuery } from '@tanstack/react-query';
import { Bot } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../../components/ui/button';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { useApi } from '../../lib/session';

export function AgentPicker() {
  const api = useApi();
  const agents = useQuery({ queryKey: ['agents', 'list'], queryFn: () => api.agents.list() });
  return (
    <>
      <PageHeader title="Chat" description="Pick an agent to talk to; every message starts a run." />
      {agents.isPending ? <Spinner /> : null}
      {agents.error ? <ErrorNotice error={agents.error} /> : null}
      {agents.data && agents.data.length === 0 ? (
        <EmptyState title="No agents yet">
          <p className="mb-3">Create an agent in a crew, then come back to chat with it.</p>
          <Button asChild variant="outline">
            <Link to="/agents">Go to agents</Link>
          </Button>
        </EmptyState>
      ) : null}
      {agents.data && agents.data.length > 0 ? (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label="Agents">
          {agents.data.map((agent) => (
            <li key={agent.id}>
              <Link
                to={`/chat/${encodeURIComponent(agent.slug)}`}
                className="flex items-start gap-3 rounded-lg border bg-card p-4 hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring"
              >
                <Bot className="mt-0.5 size-5 shrink-0 text-muted-foreground" aria-hidden="true" />
                <span className="grid min-w-0 gap-0.5">
                  <span className="font-medium">Chat with {agent.name}</span>
                  <span className="truncate text-xs text-muted-foreground">
                    {agent.crew_slug} · {agent.cli_adapter.toLowerCase().replaceAll('_', ' ')}
                    {agent.model ? ` · ${agent.model}` : ''}
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
