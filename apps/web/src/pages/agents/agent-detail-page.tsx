import type { Agent } from '@crewship/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { MessagesSquare } from 'lucide-react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/confirm-dialog';
import { ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { useToast } from '../../components/ui/toast';
import { CLI_ADAPTER_LABELS } from '../../lib/agent-labels';
import { useApi, useCan } from '../../lib/session';
import { AgentCredentialsCard } from './agent-credentials-card';
import { AgentFilesCard } from './agent-files-card';
import { AgentSettingsCard } from './agent-settings-card';

function detailKey(reference: string) {
  return ['agents', 'detail', reference];
}

export function AgentDetailPage() {
  const reference = useParams().agent ?? '';
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const canDelete = useCan('MANAGER');
  const agent = useQuery({ queryKey: detailKey(reference), queryFn: () => api.agents.get(reference) });
  const crews = useQuery({ queryKey: ['crews'], queryFn: () => api.crews.list() });
  if (agent.isPending) return <Spinner />;
  if (agent.error) {
    return (
      <>
        <PageHeader title="Agent" />
        <ErrorNotice error={agent.error} className="mb-4" />
        <Button asChild variant="outline">
          <Link to="/agents">Back to agents</Link>
        </Button>
      </>
    );
  }
  const data = agent.data;
  const crew = crews.data?.find((candidate) => candidate.id === data.crew_id);
  const onSaved = (updated: Agent) => {
    queryClient.setQueryData(detailKey(updated.slug), updated);
    if (updated.slug !== reference) navigate(`/agents/${updated.slug}`, { replace: true });
  };
  return (
    <>
      <PageHeader
        title={data.name}
        description={
          <>
            <Link to="/agents" className="hover:underline">
              Agents
            </Link>{' '}
            / <span className="font-mono">{data.slug}</span> · {CLI_ADAPTER_LABELS[data.cli_adapter]} in crew{' '}
            <Link to={`/crews/${data.crew_slug}`} className="text-primary hover:underline">
              {crew?.name ?? data.crew_slug}
            </Link>
          </>
        }
        actions={
          <>
            <Button asChild>
              <Link to={`/chat/${data.slug}`}>
                <MessagesSquare aria-hidden="true" />
                Chat with {data.name}
              </Link>
            </Button>
            {canDelete ? (
              <ConfirmDialog
                trigger={<Button variant="destructive">Delete agent</Button>}
                title={`Delete ${data.name}?`}
                confirmLabel="Delete agent"
                onConfirm={() => api.agents.delete(data.id)}
                onDone={() => {
                  queryClient.setQueryData<Agent[]>(['agents'], (list) =>
                    list?.filter((item) => item.id !== data.id),
                  );
                  // Marked stale only: refetching the open page's queries now would ask for a deleted agent.
                  void queryClient.invalidateQueries({ queryKey: ['agents'], refetchType: 'none' });
                  void queryClient.invalidateQueries({ queryKey: ['credentials'], refetchType: 'none' });
                  toast(`Agent ${data.name} deleted`);
                  navigate('/agents');
                }}
              >
                <p>
                  This deletes the agent <strong>{data.name}</strong> and its chats. Files it left in{' '}
                  <span className="font-mono">/output/{data.slug}</span> stay. This cannot be undone.
                </p>
              </ConfirmDialog>
            ) : null}
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <div className="grid grid-cols-1 content-start gap-6">
          <AgentSettingsCard key={data.id} agent={data} crews={crews.data ?? []} onSaved={onSaved} />
        </div>
        <div className="grid grid-cols-1 content-start gap-6">
          <AgentCredentialsCard agent={data} />
          <AgentFilesCard agent={data} />
        </div>
      </div>
    </>
  );
}
