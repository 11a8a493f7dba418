import { createCrewRequestSchema } from '@crewship/contracts';

const shape = createCrewRequestSchema.shape;
const memory = shape.memory_mb.unwrap();
const cpus = shape.cpus.unwrap();

/** The contract's bounds, so the inputs and the server agree. */
export const CREW_LIMITS = {
  memoryMb: { min: memory.minValue ?? 256, max: memory.maxValue ?? 262_144 },
  cpus: { min: cpus.minValue ?? 0.1, max: cpus.maxValue ?? 128 },
};

export const NETWORK_MODE_LABELS: Record<string, string> = {
  restricted: 'Restricted (allowlist only)',
  free: 'Open (any host)',
};

/** A domain as the contract normalizes it, or the contract's complaint. */
export function checkDomain(value: string): { domain: string } | { error: string } {
  const parsed = shape.allowed_domains.safeParse([value]);
  if (parsed.success && parsed.data[0]) return { domain: parsed.data[0] };
  return { error: parsed.error?.issues[0]?.message ?? 'is not a valid domain' };
}

/** Friendlier messages than the schema's for the two numeric limits. */
export function limitIssues(request: { memory_mb?: number; cpus?: number }): Record<string, string> {
  const issues: Record<string, string> = {};
  const { memoryMb, cpus } = CREW_LIMITS;
  const memory = request.memory_mb;
  if (
    memory !== undefined &&
    !(Number.isInteger(memory) && memory >= memoryMb.min && memory <= memoryMb.max)
  ) {
    issues.memory_mb = `Enter a whole number of MB from ${memoryMb.min} to ${memoryMb.max}`;
  }
  if (request.cpus !== undefined && !(request.cpus >= cpus.min && request.cpus <= cpus.max)) {
    issues.cpus = `Enter a number of CPUs from ${cpus.min} to ${cpus.max}`;
  }
  return issues;
}
