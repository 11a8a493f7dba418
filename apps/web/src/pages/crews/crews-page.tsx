import type { Crew } from '@crewship/contracts';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Badge, StatusBadge } from '../../components/ui/badge';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { errorMessage } from '../../lib/api';
import { formatRelative, formatTime } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { containerStatusKey } from './container-status-key';
import { CreateCrewDialog } from './create-crew-dialog';
import { NETWORK_MODE_LABELS } from './crew-limits';

function CrewRows({ crews, agentCounts }: { crews: Crew[]; agentCounts: Map<string, number> | undefined }) {
  const api = useApi();
  const statuses = useQueries({
    queries: crews.map((crew) => ({
      queryKey: containerStatusKey(crew.id),
      queryFn: () => api.crews.containerStatus(crew.id),
      retry: false,
    })),
  });
  return (
    <TBody>
      {crews.map((crew, index) => {
        const status = statuses[index];
        return (
          <Tr key={crew.id}>
            <Td>
              <Link to={`/crews/${crew.slug}`} className="font-medium text-primary hover:underline">
                {crew.name}
              </Link>
              <div className="font-mono text-xs text-muted-foreground">{crew.slug}</div>
            </Td>
            <Td>
              {status?.data ? (
                <StatusBadge status={status.data.state} />
              ) : status?.error ? (
                <Badge variant="outline" title={errorMessage(status.error)}>
                  unknown
                </Badge>
              ) : (
                <span className="text-muted-foreground">…</span>
              )}
            </Td>
            <Td className="font-mono text-xs">{crew.runtime_image}</Td>
            <Td className="whitespace-nowrap">
              {NETWORK_MODE_LABELS[crew.network_mode] ?? crew.network_mode}
            </Td>
            <Td className="tabular-nums">{agentCounts ? (agentCounts.get(crew.id) ?? 0) : '—'}</Td>
            <Td className="whitespace-nowrap" title={formatTime(crew.created_at)}>
              {formatRelative(crew.created_at)}
            </Td>
          </Tr>
        );
      })}
    </TBody>
  );
}

export function CrewsPage() {
  const api = useApi();
  const canCreate = useCan('MANAGER');
  const crews = useQuery({ queryKey: ['crews'], queryFn: () => api.crews.list() });
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => api.agents.list() });
  const agentCounts = agents.data?.reduce(
    (counts, agent) => counts.set(agent.crew_id, (counts.get(agent.crew_id) ?? 0) + 1),
    new Map<string, number>(),
  );
  return (
    <>
      <PageHeader
        title="Crews"
        description="Each crew runs in its own container, with its own limits and network policy."
        actions={canCreate ? <CreateCrewDialog /> : null}
      />
      {crews.isPending ? <Spinner /> : null}
      {crews.error ? <ErrorNotice error={crews.error} /> : null}
      {crews.data && crews.data.length === 0 ? (
        <EmptyState title="No crews yet">
          {canCreate
            ? 'Create a crew, then add agents to it.'
            : 'A Manager or Admin of this workspace can create one.'}
        </EmptyState>
      ) : null}
      {crews.data && crews.data.length > 0 ? (
        <Table>
          <caption className="sr-only">Crews of this workspace</caption>
          <THead>
            <tr>
              <Th>Crew</Th>
              <Th>Container</Th>
              <Th>Image</Th>
              <Th>Network</Th>
              <Th>Agents</Th>
              <Th>Created</Th>
            </tr>
          </THead>
          <CrewRows crews={crews.data} agentCounts={agentCounts} />
        </Table>
      ) : null}
    </>
  );
}
