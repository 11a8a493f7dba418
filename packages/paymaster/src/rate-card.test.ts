import { ratePriceSchema } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { costMicros, DEFAULT_RATE_CARD, findRate, type RateCardEntry } from './rate-card.js';

const usage = (inputTokens: number, outputTokens = 0, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});
const price = (provider: string, model: string) => findRate(DEFAULT_RATE_CARD, provider, model);

describe('default rate card', () => {
  it('is valid and prices Anthropic cache reads at 0.1x and writes at 1.25x input', () => {
    for (const entry of DEFAULT_RATE_CARD) {
      expect(ratePriceSchema.safeParse({ ...entry, source: 'default' }).success).toBe(true);
      if (entry.provider !== 'anthropic') continue;
      expect(entry.cache_read_per_m).toBeCloseTo(entry.input_per_m * 0.1, 9);
      expect(entry.cache_write_per_m).toBeCloseTo(entry.input_per_m * 1.25, 9);
    }
  });

  it('picks the longest matching glob, per provider, ignoring case', () => {
    expect(price('anthropic', 'claude-sonnet-4-5-20250929')?.model).toBe('claude-sonnet-4*');
    expect(price('anthropic', 'Claude-Opus-4-1-20250805')?.input_per_m).toBe(15);
    expect(price('anthropic', 'claude-opus-4-20250514')?.input_per_m).toBe(15);
    expect(price('anthropic', 'claude-opus-4-5')?.input_per_m).toBe(5);
    expect(price('anthropic', 'claude-3-5-haiku-latest')?.output_per_m).toBe(4);
    expect(price('anthropic', 'claude-haiku-4-5')?.input_per_m).toBe(1);
    expect(price('openai', 'gpt-5-mini-2025-08-07')?.model).toBe('gpt-5-mini*');
    expect(price('openai', 'gpt-5-codex')?.model).toBe('gpt-5*');
    expect(price('openai', 'gpt-4o-mini')?.input_per_m).toBe(0.15);
    expect(price('openai', 'gpt-4.1-nano')?.input_per_m).toBe(0.1);
    expect(price('openai', 'o3')?.input_per_m).toBe(2);
    expect(price('openai', 'o3-mini')?.input_per_m).toBe(1.1);
    expect(price('openai', 'o4-mini')?.cache_read_per_m).toBe(0.275);
    expect(price('google', 'models/gemini-2.5-flash-lite')?.input_per_m).toBe(0.1);
    expect(price('google', 'gemini-2.5-flash')?.output_per_m).toBe(2.5);
    expect(price('google', 'gemini-2.5-pro')?.output_per_m).toBe(10);
    expect(price('openai', 'claude-sonnet-4-5')).toBeNull();
    expect(price('anthropic', 'mystery-model')).toBeNull();
    expect(findRate(DEFAULT_RATE_CARD, 'anthropic', null)).toBeNull();
  });

  it('prefers an exact model over any glob', () => {
    const entries: RateCardEntry[] = [
      {
        provider: 'openai',
        model: '*',
        input_per_m: 1,
        output_per_m: 1,
        cache_read_per_m: 0,
        cache_write_per_m: 0,
      },
      {
        provider: 'openai',
        model: 'gpt-4*',
        input_per_m: 2,
        output_per_m: 2,
        cache_read_per_m: 0,
        cache_write_per_m: 0,
      },
      {
        provider: 'openai',
        model: 'gpt-4',
        input_per_m: 3,
        output_per_m: 3,
        cache_read_per_m: 0,
        cache_write_per_m: 0,
      },
    ];
    expect(findRate(entries, 'openai', 'gpt-4')?.input_per_m).toBe(3);
    expect(findRate(entries, 'openai', 'gpt-4o')?.input_per_m).toBe(2);
    expect(findRate(entries, 'openai', 'davinci')?.input_per_m).toBe(1);
  });
});

describe('costMicros', () => {
  it('sums input, output, cache read and cache write at their prices', () => {
    const sonnet = price('anthropic', 'claude-sonnet-4-5')!;
    // 1200 x 3 + 350 x 15 + 40000 x 0.3 + 2500 x 3.75 = 3600 + 5250 + 12000 + 9375 µ$
    expect(costMicros(usage(1200, 350, 40_000, 2500), sonnet)).toBe(30_225);
    const gpt = price('openai', 'gpt-4.1')!;
    // 5000 x 2 + 800 x 8 + 12000 x 0.5 = 10000 + 6400 + 6000; cache writes are free
    expect(costMicros(usage(5000, 800, 12_000, 999), gpt)).toBe(22_400);
  });

  it('rounds the row total half-up once, not each part', () => {
    const flash = price('google', 'gemini-2.5-flash')!;
    // 7 x 0.3 + 3 x 2.5 + 11 x 0.03 = 2.1 + 7.5 + 0.33 = 9.93 µ$ -> 10
    expect(costMicros(usage(7, 3, 11), flash)).toBe(10);
    const mini = price('openai', 'gpt-4o-mini')!;
    // 3 x 0.15 + 3 x 0.075 = 0.45 + 0.225 = 0.675 µ$ -> 1 (rounding each part would give 0 + 0)
    expect(costMicros(usage(3, 0, 3), mini)).toBe(1);
    expect(costMicros(usage(10), mini)).toBe(2); // 1.5 µ$ rounds up
    expect(costMicros(usage(3), mini)).toBe(0); // 0.45 µ$
    expect(costMicros(usage(0), mini)).toBe(0);
  });

  it('stays exact for large counts and prices', () => {
    const rate: RateCardEntry = {
      provider: 'x',
      model: 'y',
      input_per_m: 9999.999999,
      output_per_m: 10_000,
      cache_read_per_m: 0.000001,
      cache_write_per_m: 0,
    };
    // 1e9 x 9999.999999 + 1e9 x 10000 + 1e9 x 0.000001 = 9_999_999_999_000 + 10_000_000_000_000 + 1000
    expect(costMicros(usage(1e9, 1e9, 1e9), rate)).toBe(20_000_000_000_000);
  });
});
