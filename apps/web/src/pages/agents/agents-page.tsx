import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { Select } from '../../components/ui/input';
import { useApi, useCan } from '../../lib/session';
import { useSetSearchParam } from '../../lib/use-set-search-param';
import { AgentsTable } from './agents-table';
import { CreateAgentDialog } from './create-agent-dialog';

export function AgentsPage() {
  const api = useApi();
  const canCreate = useCan('MANAGER');
  const filterId = useId();
  const [search] = useSearchParams();
  const setParam = useSetSearchParam();
  const crewFilter = search.get('crew') ?? '';
  const [openCreate] = useState(() => search.get('create') === '1');
  useEffect(() => {
    if (!openCreate) return;
    setParam('create', null);
  }, [openCreate, setParam]);
  const crews = useQuery({ queryKey: ['crews'], queryFn: () => api.crews.list() });
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => api.agents.list() });
  const crewsById = new Map(crews.data?.map((crew) => [crew.id, crew]));
  const shown = agents.data?.filter((agent) => !crewFilter || agent.crew_slug === crewFilter);
  const noCrews = crews.data?.length === 0;
  return (
    <>
      <PageHeader
        title="Agents"
        description="Each agent is an agent CLI with a persona, working in its crew's container."
        actions={
          canCreate && crews.data && crews.data.length > 0 ? (
            <CreateAgentDialog
              crews={crews.data}
              defaultCrew={crewFilter || undefined}
              defaultOpen={openCreate}
            />
          ) : null
        }
      />
      {crews.data && crews.data.length > 0 ? (
        <div className="mb-4 flex flex-wrap items-center gap-2">
          <label htmlFor={filterId} className="text-sm font-medium">
            Filter agents
          </label>
          <Select
            id={filterId}
            className="w-auto min-w-48"
            value={crewFilter}
            onChange={(event) => setParam('crew', event.target.value)}
          >
            <option value="">All crews</option>
            {crews.data.map((crew) => (
              <option key={crew.id} value={crew.slug}>
                {crew.name}
              </option>
            ))}
          </Select>
        </div>
      ) : null}
      {agents.isPending || crews.isPending ? <Spinner /> : null}
      {agents.error ? <ErrorNotice error={agents.error} /> : null}
      {crews.error ? <ErrorNotice error={crews.error} /> : null}
      {noCrews ? (
        <EmptyState title="No crews yet">
          Agents work in a crew.{' '}
          <Link to="/crews" className="text-primary hover:underline">
            Create a crew first
          </Link>
          .
        </EmptyState>
      ) : null}
      {!noCrews && shown && shown.length === 0 ? (
        <EmptyState title={crewFilter ? 'No agents in this crew' : 'No agents yet'}>
          {canCreate
            ? 'Create an agent to chat with it.'
            : 'A Manager or Admin of this workspace can create one.'}
        </EmptyState>
      ) : null}
      {shown && shown.length > 0 ? (
        <AgentsTable
          agents={shown}
          caption={`Agents${crewFilter ? ` of crew ${crewFilter}` : ''}`}
          crewsById={crewsById}
        />
      ) : null}
    </>
  );
}
