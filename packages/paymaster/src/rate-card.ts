import type { LlmUsage, RatePrice } from '@crewship/contracts';

/** One price of the rate card: dollars per million tokens for a provider and a model or model glob. */
export type RateCardEntry = Omit<RatePrice, 'source'>;

const anthropic = (model: string, input: number, output: number): RateCardEntry => ({
  provider: 'anthropic',
  model,
  input_per_m: input,
  output_per_m: output,
  cache_read_per_m: round6(input * 0.1),
  cache_write_per_m: round6(input * 1.25),
});
const priced = (
  provider: string,
  model: string,
  input: number,
  output: number,
  cacheRead: number,
): RateCardEntry => ({
  provider,
  model,
  input_per_m: input,
  output_per_m: output,
  cache_read_per_m: cacheRead,
  cache_write_per_m: 0,
});

/**
 * Public list prices (USD per million tokens, early 2026). Long-context tiers are not modelled.
 * A trailing `*` matches any model starting with the rest; the longest match wins.
 */
export const DEFAULT_RATE_CARD: readonly RateCardEntry[] = Object.freeze([
  anthropic('claude-opus-4*', 5, 25),
  anthropic('claude-opus-4-0*', 15, 75),
  anthropic('claude-opus-4-1*', 15, 75),
  anthropic('claude-opus-4-2025*', 15, 75),
  anthropic('claude-sonnet-4*', 3, 15),
  anthropic('claude-3-7-sonnet*', 3, 15),
  anthropic('claude-haiku-4*', 1, 5),
  anthropic('claude-3-5-haiku*', 0.8, 4),
  priced('openai', 'gpt-5*', 1.25, 10, 0.125),
  priced('openai', 'gpt-5-mini*', 0.25, 2, 0.025),
  priced('openai', 'gpt-5-nano*', 0.05, 0.4, 0.005),
  priced('openai', 'gpt-5.1*', 1.25, 10, 0.125),
  priced('openai', 'gpt-5.1-codex-mini*', 0.25, 2, 0.025),
  priced('openai', 'gpt-5.2*', 1.75, 14, 0.175),
  priced('openai', 'gpt-4.1*', 2, 8, 0.5),
  priced('openai', 'gpt-4.1-mini*', 0.4, 1.6, 0.1),
  priced('openai', 'gpt-4.1-nano*', 0.1, 0.4, 0.025),
  priced('openai', 'gpt-4o*', 2.5, 10, 1.25),
  priced('openai', 'gpt-4o-mini*', 0.15, 0.6, 0.075),
  priced('openai', 'o3*', 2, 8, 0.5),
  priced('openai', 'o3-mini*', 1.1, 4.4, 0.55),
  priced('openai', 'o4-mini*', 1.1, 4.4, 0.275),
  priced('google', 'gemini-2.5-pro*', 1.25, 10, 0.125),
  priced('google', 'gemini-2.5-flash*', 0.3, 2.5, 0.03),
  priced('google', 'gemini-2.5-flash-lite*', 0.1, 0.4, 0.01),
]);

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Lower-cased, trimmed, without the `models/` prefix Gemini paths may carry. */
export function normalizeModel(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^models\//, '');
}

/**
 * The entry pricing `model`: an exact match first, then the longest matching `*` glob. Null when the
 * model is unknown or absent.
 */
export function findRate<T extends RateCardEntry>(
  entries: readonly T[],
  provider: string,
  model: string | null,
): T | null {
  if (model === null) return null;
  const wanted = normalizeModel(model);
  let best: T | null = null;
  let bestLength = -1;
  for (const entry of entries) {
    if (entry.provider !== provider) continue;
    const pattern = normalizeModel(entry.model);
    if (pattern === wanted) return entry;
    if (!pattern.endsWith('*')) continue;
    const prefix = pattern.slice(0, -1);
    if (wanted.startsWith(prefix) && prefix.length > bestLength) {
      best = entry;
      bestLength = prefix.length;
    }
  }
  return best;
}

const PICO_PER_MICRO = 1_000_000n;

/**
 * Cost of one call in micro-dollars. A price of P $/M tokens is P micro-dollars per token, so each
 * price is taken exactly to 1e-6 $/M (pico-dollars per token) and the products are summed as integers;
 * the row's total is then rounded half-up to the nearest micro-dollar, once. Sums of rows are exact.
 */
export function costMicros(usage: LlmUsage, rate: RateCardEntry): number {
  const pico = (tokens: number, pricePerMillion: number) =>
    BigInt(tokens) * BigInt(Math.round(pricePerMillion * 1e6));
  const total =
    pico(usage.inputTokens, rate.input_per_m) +
    pico(usage.outputTokens, rate.output_per_m) +
    pico(usage.cacheReadTokens, rate.cache_read_per_m) +
    pico(usage.cacheWriteTokens, rate.cache_write_per_m);
  return Number((total + PICO_PER_MICRO / 2n) / PICO_PER_MICRO);
}
