import type { Run } from '@crewship/contracts';
import { Link } from 'react-router';
import { StatusBadge } from '../../components/ui/badge';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { formatDuration, formatRelative, formatTime, formatUsd } from '../../lib/format';
import { shortId } from '../../lib/short-id';
import type { Names } from '../../lib/use-names';

/** A compact table of runs; a row is a run id known only from the journal when `run` is missing. */
export function RunsTable(props: {
  rows: { id: string; run: Run | undefined }[];
  names: Names;
  caption: string;
}) {
  return (
    <Table>
      <caption className="sr-only">{props.caption}</caption>
      <THead>
        <Tr>
          <Th>Run</Th>
          <Th>Status</Th>
          <Th>Agent</Th>
          <Th>Started</Th>
          <Th>Duration</Th>
          <Th className="text-right">Cost</Th>
        </Tr>
      </THead>
      <TBody>
        {props.rows.map(({ id, run }) => (
          <Tr key={id}>
            <Td className="max-w-72">
              <Link
                to={`/runs/${encodeURIComponent(id)}`}
                title={id}
                className="font-medium text-primary underline-offset-4 hover:underline"
              >
                Run {shortId(id)}
              </Link>
              {run?.prompt_preview ? (
                <p className="truncate text-xs text-muted-foreground" title={run.prompt_preview}>
                  {run.prompt_preview}
                </p>
              ) : null}
            </Td>
            <Td>{run ? <StatusBadge status={run.status} /> : '—'}</Td>
            <Td>{props.names.agent(run?.agent_id) ?? '—'}</Td>
            <Td className="whitespace-nowrap">
              {run ? (
                <time dateTime={run.started_at} title={formatTime(run.started_at)}>
                  {formatRelative(run.started_at)}
                </time>
              ) : (
                '—'
              )}
            </Td>
            <Td className="whitespace-nowrap tabular-nums">{formatDuration(run?.duration_ms)}</Td>
            <Td className="text-right tabular-nums">{formatUsd(run?.cost_usd)}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
