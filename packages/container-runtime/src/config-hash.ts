import { createHash } from 'node:crypto';
import type { CrewContainerSpec } from '@crewship/contracts';

/** The container name of a crew: `crewship-crew-{slug}`. */
export function crewContainerName(slug: string): string {
  return `crewship-crew-${slug}`;
}

/** Bumped when the container's shape changes (mounts, profile) so existing containers get recreated. */
const CONTAINER_LAYOUT_VERSION = 2;

/** Hash of everything that requires recreating the container when it changes. */
export function crewConfigHash(
  spec: CrewContainerSpec,
  extra: Readonly<Record<string, unknown>> = {},
): string {
  const canonical = JSON.stringify({
    layout: CONTAINER_LAYOUT_VERSION,
    image: spec.image,
    networkMode: spec.networkMode,
    memoryMb: spec.memoryMb,
    cpus: spec.cpus,
    agents: [...spec.agents].sort(),
    ...extra,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
