import { RUN_STATUSES, type RunStatus } from '@crewship/contracts';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { StatusBadge } from '../../components/ui/badge';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Select } from '../../components/ui/input';
import { LoadMoreButton } from '../../components/ui/load-more-button';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { formatDuration, formatRelative, formatTime, formatUsd } from '../../lib/format';
import { useApi } from '../../lib/session';
import { useDirectory } from '../../lib/use-directory';
import { useRunStatusChanges } from '../../lib/use-run-status-changes';
import { formatTokens } from './run-facts';

const PAGE = 50;
const MAX_LIMIT = 500;

const isStatus = (value: string | null): value is RunStatus =>
  value !== null && (RUN_STATUSES as readonly string[]).includes(value);

/** Runs newest first, filtered by status and agent; refreshed live when a run changes status. */
export function RunsPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [limit, setLimit] = useState(PAGE);
  const statusParam = params.get('status');
  const status = isStatus(statusParam) ? statusParam : undefined;
  const agent = params.get('agent') ?? undefined;
  const directory = useDirectory();
  const runs = useQuery({
    queryKey: ['runs', 'list', { status, agent, limit }],
    queryFn: () => api.runs.list({ status, agent, limit }),
    placeholderData: keepPreviousData,
  });
  useRunStatusChanges(() => void queryClient.invalidateQueries({ queryKey: ['runs', 'list'] }));
  const setFilter = (key: 'status' | 'agent', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
    setLimit(PAGE);
  };
  const items = runs.data ?? [];
  return (
    <>
      <PageHeader title="Runs" description="Every message to an agent starts a run; newest first." />
      <div className="mb-4 grid gap-3 sm:grid-cols-[repeat(2,minmax(0,14rem))]">
        <Field label="Status">
          <Select value={status ?? ''} onChange={(event) => setFilter('status', event.target.value)}>
            <option value="">All statuses</option>
            {RUN_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Agent">
          <Select value={agent ?? ''} onChange={(event) => setFilter('agent', event.target.value)}>
            <option value="">All agents</option>
            {directory.agents.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name} ({candidate.crew_slug})
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {runs.isPending ? <Spinner /> : null}
      {runs.error ? <ErrorNotice error={runs.error} className="mb-4" /> : null}
      {runs.data && items.length === 0 ? (
        <EmptyState title={status || agent ? 'No runs match these filters' : 'No runs yet'}>
          {status || agent ? (
            'Clear the filters to see every run.'
          ) : (
            <Link to="/chat" className="text-primary underline-offset-4 hover:underline">
              Send a message to an agent to start one.
            </Link>
          )}
        </EmptyState>
      ) : null}
      {items.length > 0 ? (
        <Table aria-busy={runs.isFetching || undefined}>
          <caption className="sr-only">Runs</caption>
          <THead>
            <tr>
              <Th>Run</Th>
              <Th>Status</Th>
              <Th>Agent</Th>
              <Th>Chat</Th>
              <Th>Started</Th>
              <Th className="text-right">Duration</Th>
              <Th className="text-right">Cost</Th>
              <Th>Tokens</Th>
            </tr>
          </THead>
          <TBody>
            {items.map((run) => {
              const owner = directory.agent(run.agent_id);
              return (
                <Tr key={run.id}>
                  <Td className="min-w-40 max-w-64">
                    <Link
                      to={`/runs/${encodeURIComponent(run.id)}`}
                      className="line-clamp-2 font-medium break-words text-primary underline-offset-4 hover:underline"
                    >
                      {run.prompt_preview.trim() || `Run ${run.id.slice(-8)}`}
                    </Link>
                  </Td>
                  <Td>
                    <div className="grid justify-items-start gap-1">
                      <StatusBadge status={run.status} />
                      {run.reason && run.reason !== run.status ? (
                        <span className="text-xs whitespace-nowrap text-destructive">
                          {run.reason.replaceAll('_', ' ')}
                        </span>
                      ) : null}
                    </div>
                  </Td>
                  <Td className="whitespace-nowrap">
                    {owner ? (
                      <Link to={`/agents/${encodeURIComponent(owner.slug)}`} className="hover:underline">
                        {owner.name}
                      </Link>
                    ) : (
                      <span className="text-muted-foreground">{run.agent_id ? 'deleted agent' : '—'}</span>
                    )}
                  </Td>
                  <Td className="whitespace-nowrap">
                    {run.chat_id ? (
                      <Link
                        to={`/chat/${encodeURIComponent(owner?.slug ?? run.agent_id ?? '')}?chat=${encodeURIComponent(run.chat_id)}`}
                        className="text-primary underline-offset-4 hover:underline"
                      >
                        Open chat
                      </Link>
                    ) : (
                      <span className="text-muted-foreground">—</span>
                    )}
                  </Td>
                  <Td className="whitespace-nowrap">
                    <time dateTime={run.started_at} title={formatTime(run.started_at)}>
                      {formatRelative(run.started_at)}
                    </time>
                  </Td>
                  <Td className="text-right whitespace-nowrap tabular-nums">
                    {run.status === 'running' ? 'running' : formatDuration(run.duration_ms)}
                  </Td>
                  <Td className="text-right whitespace-nowrap tabular-nums">{formatUsd(run.cost_usd)}</Td>
                  <Td className="whitespace-nowrap tabular-nums">{formatTokens(run.usage)}</Td>
                </Tr>
              );
            })}
          </TBody>
        </Table>
      ) : null}
      {items.length >= limit && limit < MAX_LIMIT ? (
        <LoadMoreButton
          className="mt-4"
          loading={runs.isFetching}
          onClick={() => setLimit(Math.min(limit + PAGE, MAX_LIMIT))}
        />
      ) : null}
    </>
  );
}
