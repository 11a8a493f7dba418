import { type ContainerStatsDto, containerStatsSchema } from '@crewship/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { useChannel } from '../../lib/realtime';
import { useApi, useSession } from '../../lib/session';
import { containerStatusKey } from './container-status-key';

export const STATS_HISTORY = 60;

const statsEventSchema = containerStatsSchema.extend({ crew_id: z.string() });

function appendSample(samples: ContainerStatsDto[], sample: ContainerStatsDto): ContainerStatsDto[] {
  const last = samples.at(-1);
  if (last && last.at >= sample.at) return samples;
  return [...samples, sample].slice(-STATS_HISTORY);
}

/**
 * The crew's container status, fetched once (and every 30 s for state changes made elsewhere), plus the
 * last samples: the status's own, then each `container.stats` event of this crew on the workspace channel.
 */
export function useContainerStats(crewId: string) {
  const api = useApi();
  const { workspace } = useSession();
  const queryClient = useQueryClient();
  const status = useQuery({
    queryKey: containerStatusKey(crewId),
    queryFn: () => api.crews.containerStatus(crewId),
    refetchInterval: 30_000,
    retry: false,
  });
  const [samples, setSamples] = useState<ContainerStatsDto[]>([]);
  const initial = status.data?.stats;
  useEffect(() => {
    if (initial) setSamples((current) => appendSample(current, initial));
  }, [initial]);
  useChannel(
    `workspace:${workspace.id}`,
    (event) => {
      if (event.type !== 'container.stats') return;
      const parsed = statsEventSchema.safeParse(event.data);
      if (!parsed.success || parsed.data.crew_id !== crewId) return;
      const { crew_id: _crew, ...sample } = parsed.data;
      setSamples((current) => appendSample(current, sample));
      const cached = queryClient.getQueryData<{ state: string }>(containerStatusKey(crewId));
      if (cached && cached.state !== 'running') {
        void queryClient.invalidateQueries({ queryKey: containerStatusKey(crewId) });
      }
    },
    () => void queryClient.invalidateQueries({ queryKey: containerStatusKey(crewId) }),
  );
  return { status, samples };
}
