import type { AgentUsage } from '@crewship/contracts';

/** A parsed JSON object from a CLI's output: every field is untrusted until read through these helpers. */
export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonRecord)
    : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function finiteNonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A token count: a non-negative integer, 0 when the CLI sent anything else. */
export function tokenCount(value: unknown): number {
  const number = finiteNonNegative(value);
  return number === undefined ? 0 : Math.min(Math.floor(number), Number.MAX_SAFE_INTEGER);
}

export function optionalAmount(value: unknown): number | null {
  return finiteNonNegative(value) ?? null;
}

export function optionalCount(value: unknown): number | null {
  const number = finiteNonNegative(value);
  return number === undefined ? null : Math.min(Math.floor(number), Number.MAX_SAFE_INTEGER);
}

/** Tool output as text: strings as they are, anything else as JSON (never throws). */
export function outputText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Parses a JSON string of tool arguments; keeps the raw string when it is not JSON. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Usage with `input_tokens` counting neither cache reads nor cache writes (the Anthropic convention). */
export function usage(counts: {
  input?: unknown;
  output?: unknown;
  cacheRead?: unknown;
  cacheWrite?: unknown;
}): AgentUsage {
  return {
    input_tokens: tokenCount(counts.input),
    output_tokens: tokenCount(counts.output),
    cache_read_tokens: tokenCount(counts.cacheRead),
    cache_write_tokens: tokenCount(counts.cacheWrite),
  };
}

/** Usage from providers whose input count includes the cached tokens (OpenAI, Gemini). */
export function usageIncludingCachedInput(counts: {
  input?: unknown;
  output?: unknown;
  cached?: unknown;
  cacheWrite?: unknown;
}): AgentUsage {
  const cached = tokenCount(counts.cached);
  return usage({
    input: Math.max(0, tokenCount(counts.input) - cached),
    output: counts.output,
    cacheRead: cached,
    cacheWrite: counts.cacheWrite,
  });
}

export function addUsage(total: AgentUsage | null, next: AgentUsage): AgentUsage {
  if (!total) return { ...next };
  const add = (a: number, b: number) => Math.min(a + b, Number.MAX_SAFE_INTEGER);
  return {
    input_tokens: add(total.input_tokens, next.input_tokens),
    output_tokens: add(total.output_tokens, next.output_tokens),
    cache_read_tokens: add(total.cache_read_tokens, next.cache_read_tokens),
    cache_write_tokens: add(total.cache_write_tokens, next.cache_write_tokens),
  };
}
