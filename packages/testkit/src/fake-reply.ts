import { CrewshipError } from '@crewship/contracts';
import { z } from 'zod';

/**
 * Token counts placed verbatim into the provider's usage fields. OpenAI and Gemini count cached
 * tokens inside the input, so keep `cacheReadTokens <= inputTokens` when that matters.
 */
export interface FakeUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  /** Anthropic only (`cache_creation_input_tokens`). */
  cacheWriteTokens?: number;
  /** OpenAI `reasoning_tokens` (part of the output) and Gemini `thoughtsTokenCount`. */
  reasoningTokens?: number;
}

export type ResolvedUsage = Required<FakeUsage>;

/** One scripted model turn; `delayMs` delays a JSON reply, or separates streamed events (the first is immediate). */
export type FakeReply =
  | { text: string; usage?: FakeUsage; delayMs?: number }
  | {
      toolUse: { name: string; input: Record<string, unknown>; id?: string };
      usage?: FakeUsage;
      delayMs?: number;
    }
  | { error: { status: number; message: string; type?: string }; delayMs?: number };

export type FakeTextReply = Extract<FakeReply, { text: string }>;
export type FakeToolUseReply = Extract<FakeReply, { toolUse: unknown }>;
export type FakeErrorReply = Extract<FakeReply, { error: unknown }>;

export const DEFAULT_USAGE: ResolvedUsage = {
  inputTokens: 11,
  outputTokens: 7,
  cacheReadTokens: 3,
  cacheWriteTokens: 2,
  reasoningTokens: 0,
};

const tokenCount = z.number().int().nonnegative();
const usageSchema = z
  .object({
    inputTokens: tokenCount,
    outputTokens: tokenCount,
    cacheReadTokens: tokenCount,
    cacheWriteTokens: tokenCount,
    reasoningTokens: tokenCount,
  })
  .partial()
  .strict();
const delaySchema = z.number().int().nonnegative().max(600_000).optional();

const fakeReplySchema = z.union([
  z.object({ text: z.string(), usage: usageSchema.optional(), delayMs: delaySchema }).strict(),
  z
    .object({
      toolUse: z
        .object({
          name: z.string().min(1),
          input: z.record(z.string(), z.unknown()),
          id: z.string().min(1).optional(),
        })
        .strict(),
      usage: usageSchema.optional(),
      delayMs: delaySchema,
    })
    .strict(),
  z
    .object({
      error: z
        .object({
          status: z.number().int().min(400).max(599),
          message: z.string(),
          type: z.string().min(1).optional(),
        })
        .strict(),
      delayMs: delaySchema,
    })
    .strict(),
]);

/** Throws `invalid_input` unless the value is a well-formed FakeReply. */
export function parseFakeReply(value: unknown): FakeReply {
  const result = fakeReplySchema.safeParse(value);
  if (!result.success) {
    throw new CrewshipError('invalid_input', 'Invalid fake provider reply', {
      details: {
        issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      },
    });
  }
  return result.data as FakeReply;
}

export function resolveUsage(reply: FakeTextReply | FakeToolUseReply): ResolvedUsage {
  return { ...DEFAULT_USAGE, ...reply.usage };
}

export function isTextReply(reply: FakeReply): reply is FakeTextReply {
  return 'text' in reply;
}

export function isToolUseReply(reply: FakeReply): reply is FakeToolUseReply {
  return 'toolUse' in reply;
}

/** Splits text into word-sized deltas (whitespace kept) so streams have several chunks. */
export function splitIntoChunks(text: string): string[] {
  const chunks = text.match(/\s*\S+\s*/g);
  return chunks === null ? (text === '' ? [] : [text]) : chunks;
}

/** Splits serialized JSON into a few deterministic pieces, as providers stream tool arguments. */
export function splitJson(json: string, pieces = 3): string[] {
  const size = Math.max(1, Math.ceil(json.length / pieces));
  const result: string[] = [];
  for (let offset = 0; offset < json.length; offset += size) result.push(json.slice(offset, offset + size));
  return result;
}
