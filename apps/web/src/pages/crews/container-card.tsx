import type { ContainerStatusDto, Crew } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Loader2, Play, Square } from 'lucide-react';
import type { ReactNode } from 'react';
import { Sparkline } from '../../components/charts/sparkline';
import { StatusBadge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { useToast } from '../../components/ui/toast';
import { formatBytes, formatNumber, formatRelative } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';
import { containerStatusKey } from './container-status-key';
import { useContainerStats } from './use-container-stats';

const PIDS_LIMIT = 200;

function Metric(props: { label: string; value: string; detail?: string; chart?: ReactNode }) {
  return (
    <div className="grid grid-cols-1 min-w-0 content-start gap-1 rounded-md border p-3">
      <dt className="text-xs font-medium text-muted-foreground uppercase">{props.label}</dt>
      <dd className="grid grid-cols-1 gap-1">
        <span className="text-lg font-semibold tabular-nums">{props.value}</span>
        {props.detail ? <span className="text-xs text-muted-foreground">{props.detail}</span> : null}
        {props.chart}
      </dd>
    </div>
  );
}

/** A sparkline scaled to its own peak (at least `floor`), so small changes stay visible. */
function Trend(props: { values: number[]; floor: number; format: (value: number) => string; what: string }) {
  const peak = Math.max(0, ...props.values);
  const label =
    props.values.length > 1
      ? `${props.what} over the last ${props.values.length} samples, peak ${props.format(peak)}`
      : `${props.what}: waiting for samples`;
  return (
    <div className="grid grid-cols-1 gap-0.5">
      <Sparkline values={props.values} max={Math.max(props.floor, peak * 1.25)} label={label} />
      <span className="text-xs text-muted-foreground" aria-hidden="true">
        {props.values.length > 1
          ? `peak ${props.format(peak)} · last ${props.values.length}`
          : 'waiting for samples'}
      </span>
    </div>
  );
}

/** State, Start/Stop (Manager and up) and live CPU, memory, network and PIDs of the crew's container. */
export function ContainerCard({ crew }: { crew: Crew }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const canControl = useCan('MANAGER');
  const { status, samples } = useContainerStats(crew.id);
  const settle = (verb: string) => (next: ContainerStatusDto) => {
    queryClient.setQueryData(containerStatusKey(crew.id), next);
    void queryClient.invalidateQueries({ queryKey: containerStatusKey(crew.id) });
    toast(`Container of ${crew.name} ${verb}`);
  };
  const start = useMutation({
    mutationFn: () => api.crews.containerStart(crew.id),
    onSuccess: settle('started'),
  });
  const stop = useMutation({
    mutationFn: () => api.crews.containerStop(crew.id),
    onSuccess: settle('stopped'),
  });
  const state = status.data?.state;
  const running = state === 'running';
  const latest = running ? samples.at(-1) : undefined;
  const cpuValues = samples.map((sample) => sample.cpu_percent);
  const memoryValues = samples.map((sample) => sample.memory_bytes);
  const memoryLimit = latest?.memory_limit_bytes || crew.memory_mb * 1024 * 1024;
  const busy = start.isPending || stop.isPending;
  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <CardTitle>Container</CardTitle>
          {state ? <StatusBadge status={state} /> : null}
          <span role="status" className="sr-only">
            {state ? `Container ${state}` : ''}
          </span>
        </div>
        {canControl ? (
          <div className="flex flex-wrap gap-2">
            {running ? (
              <Button variant="outline" disabled={busy} onClick={() => stop.mutate()}>
                {stop.isPending ? (
                  <Loader2 className="animate-spin" aria-hidden="true" />
                ) : (
                  <Square aria-hidden="true" />
                )}
                Stop
              </Button>
            ) : (
              <Button disabled={busy || status.isPending} onClick={() => start.mutate()}>
                {start.isPending ? (
                  <Loader2 className="animate-spin" aria-hidden="true" />
                ) : (
                  <Play aria-hidden="true" />
                )}
                Start
              </Button>
            )}
          </div>
        ) : null}
      </CardHeader>
      <CardContent className="grid grid-cols-1 gap-4">
        {status.isPending ? <Spinner /> : null}
        {status.error ? <ErrorNotice error={status.error} /> : null}
        {start.error ? <ErrorNotice error={start.error} /> : null}
        {stop.error ? <ErrorNotice error={stop.error} /> : null}
        {status.data ? (
          <p className="text-sm text-muted-foreground">
            {status.data.container ? (
              <>
                <span className="font-mono text-xs">{status.data.container.name}</span> ·{' '}
              </>
            ) : null}
            Last activity {formatRelative(status.data.last_activity_at)}
          </p>
        ) : null}
        <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4">
          <Metric
            label="CPU"
            value={latest ? `${latest.cpu_percent.toFixed(1)} %` : '—'}
            detail={`of ${crew.cpus} CPU${crew.cpus === 1 ? '' : 's'}`}
            chart={
              <Trend values={cpuValues} floor={5} format={(value) => `${value.toFixed(1)} %`} what="CPU" />
            }
          />
          <Metric
            label="Memory"
            value={latest ? formatBytes(latest.memory_bytes) : '—'}
            detail={`of ${formatBytes(memoryLimit)}`}
            chart={
              <Trend values={memoryValues} floor={64 * 1024 * 1024} format={formatBytes} what="Memory" />
            }
          />
          <Metric
            label="Network"
            value={latest ? `${formatBytes(latest.network_rx_bytes)} in` : '—'}
            detail={latest ? `${formatBytes(latest.network_tx_bytes)} out` : undefined}
          />
          <Metric
            label="Processes"
            value={latest ? formatNumber(latest.pids) : '—'}
            detail={`limit ${PIDS_LIMIT}`}
          />
        </dl>
        {status.data && !running ? (
          <p className="text-sm text-muted-foreground">
            Live numbers appear while the container runs. It starts on the first chat, or with Start.
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}
