import type { AgentEvent } from '@crewship/contracts';

function scrubValue(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, scrub));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [scrub(key), scrubValue(item, scrub)]),
    );
  }
  return value;
}

/** Passes every string of an event (tool inputs included, at any depth) through `scrub`. */
export function scrubAgentEvent(event: AgentEvent, scrub: (text: string) => string): AgentEvent {
  const scrubbed: Record<string, unknown> = { type: event.type };
  for (const [key, value] of Object.entries(event)) {
    if (key !== 'type') scrubbed[key] = scrubValue(value, scrub);
  }
  return scrubbed as AgentEvent;
}
