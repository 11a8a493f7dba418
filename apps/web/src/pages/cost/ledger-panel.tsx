import type { CostLedgerEntry } from '@crewship/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { Badge, type BadgeVariant } from '../../components/ui/badge';
import { EmptyState, ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Field } from '../../components/ui/field';
import { Select } from '../../components/ui/input';
import { LoadMoreButton } from '../../components/ui/load-more-button';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { formatNumber, formatTime, formatUsd } from '../../lib/format';
import { useApi } from '../../lib/session';
import { type Directory, useDirectory } from '../../lib/use-directory';

const PAGE = 50;
const MAX_ROWS = 1000;

const CONFIDENCES: Record<CostLedgerEntry['cost_confidence'], { label: string; variant: BadgeVariant }> = {
  exact: { label: 'exact', variant: 'success' },
  unpriced: { label: 'unpriced', variant: 'warning' },
  cli_reported: { label: 'CLI reported', variant: 'secondary' },
};

/** One row per metered LLM call, newest first, filtered by crew or agent. */
export function LedgerPanel() {
  const api = useApi();
  const directory = useDirectory();
  const [crew, setCrew] = useState('');
  const [agent, setAgent] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const ledger = useQuery({
    queryKey: ['paymaster', 'ledger', { crew, agent, limit }],
    queryFn: () => api.paymaster.ledger({ crew: crew || undefined, agent: agent || undefined, limit }),
    placeholderData: keepPreviousData,
  });
  const agents = crew ? directory.agents.filter((candidate) => candidate.crew_id === crew) : directory.agents;
  const rows = ledger.data ?? [];
  const more = rows.length >= limit && limit < MAX_ROWS;

  return (
    <div className="grid gap-4">
      <div className="grid gap-3 sm:max-w-xl sm:grid-cols-2">
        <Field label="Crew">
          <Select
            value={crew}
            onChange={(event) => {
              setCrew(event.target.value);
              setAgent('');
              setLimit(PAGE);
            }}
          >
            <option value="">All crews</option>
            {directory.crews.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Agent">
          <Select
            value={agent}
            onChange={(event) => {
              setAgent(event.target.value);
              setLimit(PAGE);
            }}
          >
            <option value="">All agents</option>
            {agents.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name} ({option.crew_slug})
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {ledger.isPending ? <Spinner label="Loading the ledger" /> : null}
      {ledger.isError ? <ErrorNotice error={ledger.error} /> : null}
      {ledger.data && rows.length === 0 ? (
        <EmptyState title="No LLM calls recorded">
          Every call an agent makes to a model is metered here; send a message to an agent to see one.
        </EmptyState>
      ) : null}
      {rows.length > 0 ? <LedgerTable rows={rows} directory={directory} /> : null}
      <div className="flex flex-wrap items-center gap-3">
        {more ? <LoadMoreButton loading={ledger.isFetching} onClick={() => setLimit(limit + PAGE)} /> : null}
        {rows.length > 0 ? (
          <p role="status" className="text-sm text-muted-foreground">
            Showing {formatNumber(rows.length)} {rows.length === 1 ? 'call' : 'calls'}
            {more ? '' : ', all there are'}
            {rows.length >= MAX_ROWS ? ' (the most the ledger lists at once)' : ''}.
          </p>
        ) : null}
      </div>
    </div>
  );
}

function LedgerTable({ rows, directory }: { rows: CostLedgerEntry[]; directory: Directory }) {
  return (
    <Table>
      <caption className="sr-only">Cost ledger, newest first</caption>
      <THead>
        <Tr>
          <Th>Time</Th>
          <Th>Agent</Th>
          <Th>Model</Th>
          <Th className="text-right">Tokens in</Th>
          <Th className="text-right">Tokens out</Th>
          <Th className="text-right">Cache</Th>
          <Th className="text-right">Cost</Th>
          <Th>Billing</Th>
          <Th>Confidence</Th>
        </Tr>
      </THead>
      <TBody>
        {rows.map((row) => (
          <Tr key={row.id}>
            <Td className="whitespace-nowrap">
              {row.run_id ? (
                <Link to={`/runs/${encodeURIComponent(row.run_id)}`} className="text-primary hover:underline">
                  {formatTime(row.at)}
                </Link>
              ) : (
                formatTime(row.at)
              )}
            </Td>
            <Td className="whitespace-nowrap">
              {directory.agentName(row.agent_id)}
              <span className="block text-xs text-muted-foreground">{directory.crewName(row.crew_id)}</span>
            </Td>
            <Td className="whitespace-nowrap">
              {row.model ?? 'unknown'}
              <span className="block text-xs text-muted-foreground">
                {row.provider}
                {row.status !== null && row.status >= 400 ? ` · HTTP ${row.status}` : ''}
              </span>
            </Td>
            <Td className="text-right tabular-nums">{formatNumber(row.input_tokens)}</Td>
            <Td className="text-right tabular-nums">{formatNumber(row.output_tokens)}</Td>
            <Td className="text-right tabular-nums">
              {formatNumber(row.cache_read_tokens + row.cache_write_tokens)}
            </Td>
            <Td className="text-right tabular-nums">{formatUsd(row.cost_usd)}</Td>
            <Td>
              <Badge variant="outline">{row.billing_mode}</Badge>
            </Td>
            <Td>
              <Badge variant={CONFIDENCES[row.cost_confidence].variant}>
                {CONFIDENCES[row.cost_confidence].label}
              </Badge>
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
