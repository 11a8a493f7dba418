import type { Crew } from '@crewship/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/confirm-dialog';
import { ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { useToast } from '../../components/ui/toast';
import { useApi, useCan } from '../../lib/session';
import { ContainerCard } from './container-card';
import { CrewAgentsCard } from './crew-agents-card';
import { CrewSettingsCard } from './crew-settings-card';
import { NetworkPolicyCard } from './network-policy-card';

export function CrewDetailPage() {
  const reference = useParams().crew ?? '';
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const canDelete = useCan('ADMIN');
  const crew = useQuery({
    queryKey: ['crews', 'detail', reference],
    queryFn: () => api.crews.get(reference),
  });
  if (crew.isPending) return <Spinner />;
  if (crew.error) {
    return (
      <>
        <PageHeader title="Crew" />
        <ErrorNotice error={crew.error} className="mb-4" />
        <Button asChild variant="outline">
          <Link to="/crews">Back to crews</Link>
        </Button>
      </>
    );
  }
  const data = crew.data;
  return (
    <>
      <PageHeader
        title={data.name}
        description={
          <>
            <Link to="/crews" className="hover:underline">
              Crews
            </Link>{' '}
            / <span className="font-mono">{data.slug}</span>
            {data.description ? <span className="mt-1 block">{data.description}</span> : null}
          </>
        }
        actions={
          canDelete ? (
            <ConfirmDialog
              trigger={<Button variant="destructive">Delete crew</Button>}
              title={`Delete ${data.name}?`}
              confirmLabel="Delete crew"
              onConfirm={() => api.crews.delete(data.id)}
              onDone={() => {
                queryClient.setQueryData<Crew[]>(['crews'], (list) =>
                  list?.filter((item) => item.id !== data.id),
                );
                // Marked stale only: refetching the open page's queries now would ask for a deleted crew.
                void queryClient.invalidateQueries({ queryKey: ['crews'], refetchType: 'none' });
                void queryClient.invalidateQueries({ queryKey: ['agents'], refetchType: 'none' });
                toast(`Crew ${data.name} deleted`);
                navigate('/crews');
              }}
            >
              <p>
                This deletes the crew <strong>{data.name}</strong> and all of its agents. The journal keeps
                their history. This cannot be undone.
              </p>
            </ConfirmDialog>
          ) : null
        }
      />
      <div className="grid grid-cols-1 gap-6">
        <ContainerCard crew={data} />
        <CrewAgentsCard crew={data} />
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <NetworkPolicyCard key={`network-${data.id}`} crew={data} />
          <CrewSettingsCard key={`settings-${data.id}`} crew={data} />
        </div>
      </div>
    </>
  );
}
