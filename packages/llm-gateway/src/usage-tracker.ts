import type { LlmProvider, LlmUsage } from '@crewship/contracts';
import { z } from 'zod';
import { SseParser } from './sse-parser.js';

const count = z.number().int().nonnegative().nullish();

const anthropicUsageSchema = z.object({
  input_tokens: count,
  output_tokens: count,
  cache_creation_input_tokens: count,
  cache_read_input_tokens: count,
});
const anthropicObjectSchema = z.object({
  type: z.string().optional(),
  message: z.object({ usage: anthropicUsageSchema.nullish() }).nullish(),
  usage: anthropicUsageSchema.nullish(),
});

const openAiUsageSchema = z.object({
  prompt_tokens: count,
  completion_tokens: count,
  prompt_tokens_details: z.object({ cached_tokens: count }).nullish(),
  input_tokens: count,
  output_tokens: count,
  input_tokens_details: z.object({ cached_tokens: count }).nullish(),
});
const openAiObjectSchema = z.object({
  usage: openAiUsageSchema.nullish(),
  response: z.object({ usage: openAiUsageSchema.nullish() }).nullish(),
});

const geminiObjectSchema = z.object({
  usageMetadata: z
    .object({
      promptTokenCount: count,
      candidatesTokenCount: count,
      cachedContentTokenCount: count,
      thoughtsTokenCount: count,
    })
    .nullish(),
});

type Fields = Partial<LlmUsage>;

function fromAnthropic(value: unknown): Fields | null {
  const parsed = anthropicObjectSchema.safeParse(value);
  if (!parsed.success) return null;
  const usage = parsed.data.type === 'message_start' ? parsed.data.message?.usage : parsed.data.usage;
  if (!usage) return null;
  const fields: Fields = {};
  if (usage.input_tokens != null) fields.inputTokens = usage.input_tokens;
  if (usage.output_tokens != null) fields.outputTokens = usage.output_tokens;
  if (usage.cache_read_input_tokens != null) fields.cacheReadTokens = usage.cache_read_input_tokens;
  if (usage.cache_creation_input_tokens != null) fields.cacheWriteTokens = usage.cache_creation_input_tokens;
  return fields;
}

function fromOpenAi(value: unknown): Fields | null {
  const parsed = openAiObjectSchema.safeParse(value);
  if (!parsed.success) return null;
  const usage = parsed.data.response?.usage ?? parsed.data.usage;
  if (!usage) return null;
  if (usage.prompt_tokens != null || usage.completion_tokens != null) {
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    return {
      inputTokens: Math.max(0, (usage.prompt_tokens ?? 0) - cached),
      outputTokens: usage.completion_tokens ?? 0,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
    };
  }
  if (usage.input_tokens != null || usage.output_tokens != null) {
    const cached = usage.input_tokens_details?.cached_tokens ?? 0;
    return {
      inputTokens: Math.max(0, (usage.input_tokens ?? 0) - cached),
      outputTokens: usage.output_tokens ?? 0,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
    };
  }
  return null;
}

function fromGemini(value: unknown): Fields | null {
  const parsed = geminiObjectSchema.safeParse(value);
  const usage = parsed.success ? parsed.data.usageMetadata : null;
  if (!usage) return null;
  const cached = usage.cachedContentTokenCount ?? 0;
  return {
    inputTokens: Math.max(0, (usage.promptTokenCount ?? 0) - cached),
    outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
  };
}

const EXTRACTORS: Record<LlmProvider, (value: unknown) => Fields | null> = {
  anthropic: fromAnthropic,
  openai: fromOpenAi,
  google: fromGemini,
};

const emptyUsage = (): LlmUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

export interface UsageTrackerOptions {
  /** The response's content type: `text/event-stream` selects the SSE parser, anything else JSON. */
  contentType: string | undefined;
  /** A JSON body larger than this is passed through but not parsed. */
  maxJsonBytes?: number;
}

/**
 * Reads token usage from a response body as it streams past, without holding it back. Counts are
 * normalized so that they add up: `inputTokens` excludes cache reads and writes (Anthropic's meaning; for
 * OpenAI and Gemini the cached part is subtracted from the prompt count), `outputTokens` includes
 * reasoning/thinking tokens. Later reports override earlier ones field by field (usage in streams is
 * cumulative).
 */
export class UsageTracker {
  readonly #extract: (value: unknown) => Fields | null;
  readonly #sse: SseParser | null;
  readonly #maxJsonBytes: number;
  #json: Buffer[] = [];
  #jsonBytes = 0;
  #usage: LlmUsage = emptyUsage();
  #seen = false;

  constructor(provider: LlmProvider, options: UsageTrackerOptions) {
    this.#extract = EXTRACTORS[provider];
    this.#maxJsonBytes = options.maxJsonBytes ?? 10 * 1024 * 1024;
    const sse = (options.contentType ?? '').toLowerCase().includes('text/event-stream');
    // Most events carry content only: the parser skips those without decoding them.
    this.#sse = sse ? new SseParser(({ data }) => this.#observeText(data), { dataContains: 'usage' }) : null;
  }

  /** True when the body was a server-sent event stream. */
  get streamed(): boolean {
    return this.#sse !== null;
  }

  push(chunk: Buffer): void {
    if (this.#sse) {
      this.#sse.push(chunk);
      return;
    }
    if (this.#jsonBytes > this.#maxJsonBytes) return;
    this.#jsonBytes += chunk.length;
    if (this.#jsonBytes > this.#maxJsonBytes) this.#json = [];
    else this.#json.push(chunk);
  }

  /** Call once at the end of the body (or when it was cut off) and read the usage. */
  end(): LlmUsage {
    if (this.#sse) {
      this.#sse.end();
    } else if (this.#json.length > 0) {
      const text = Buffer.concat(this.#json).toString('utf8');
      this.#json = [];
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      // Gemini's streamGenerateContent without alt=sse answers a JSON array of chunks.
      for (const item of Array.isArray(value) ? value : [value]) this.#observe(item);
    }
    return this.usage;
  }

  get usage(): LlmUsage {
    return { ...this.#usage };
  }

  /** Whether any usage report was found. */
  get found(): boolean {
    return this.#seen;
  }

  #observeText(data: string): void {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return;
    }
    this.#observe(value);
  }

  #observe(value: unknown): void {
    if (typeof value !== 'object' || value === null) return;
    const fields = this.#extract(value);
    if (!fields) return;
    this.#seen = true;
    this.#usage = { ...this.#usage, ...fields };
  }
}
