import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button } from '../../components/ui/button';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { Select } from '../../components/ui/input';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { useApi, useCan } from '../../lib/session';
import { AGENT_ROLE_LABELS, CLI_ADAPTER_LABELS, shortLabel, TOOL_PROFILE_LABELS } from './agent-labels';
import { CreateAgentDialog } from './create-agent-dialog';

export function AgentsPage() {
  const api = useApi();
  const canCreate = useCan('MANAGER');
  const filterId = useId();
  const [search, setSearch] = useSearchParams();
  const crewFilter = search.get('crew') ?? '';
  const [openCreate] = useState(() => search.get('create') === '1');
  useEffect(() => {
    if (!openCreate) return;
    setSearch(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('create');
        return next;
      },
      { replace: true },
    );
  }, [openCreate, setSearch]);
  const crews = useQuery({ queryKey: ['crews'], queryFn: () => api.crews.list() });
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => api.agents.list() });
  const crewsById = new Map(crews.data?.map((crew) => [crew.id, crew]));
  const shown = agents.data?.filter((agent) => !crewFilter || agent.crew_slug === crewFilter);
  const setFilter = (slug: string) => {
    const next = new URLSearchParams(search);
    if (slug) next.set('crew', slug);
    else next.delete('crew');
    setSearch(next, { replace: true });
  };
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
            onChange={(event) => setFilter(event.target.value)}
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
        <Table>
          <caption className="sr-only">Agents{crewFilter ? ` of crew ${crewFilter}` : ''}</caption>
          <THead>
            <tr>
              <Th>Agent</Th>
              <Th>Crew</Th>
              <Th>CLI adapter</Th>
              <Th>Model</Th>
              <Th>Role</Th>
              <Th>Tool profile</Th>
              <Th className="relative">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {shown.map((agent) => (
              <Tr key={agent.id}>
                <Td>
                  <Link to={`/agents/${agent.slug}`} className="font-medium text-primary hover:underline">
                    {agent.name}
                  </Link>
                  <div className="font-mono text-xs text-muted-foreground">{agent.slug}</div>
                </Td>
                <Td>
                  <Link to={`/crews/${agent.crew_slug}`} className="hover:underline">
                    {crewsById.get(agent.crew_id)?.name ?? agent.crew_slug}
                  </Link>
                </Td>
                <Td className="whitespace-nowrap">{CLI_ADAPTER_LABELS[agent.cli_adapter]}</Td>
                <Td className="font-mono text-xs">{agent.model ?? 'default'}</Td>
                <Td>{AGENT_ROLE_LABELS[agent.role]}</Td>
                <Td>{shortLabel(TOOL_PROFILE_LABELS[agent.tool_profile])}</Td>
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
    </>
  );
}
