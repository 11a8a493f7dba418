import { readFileSync } from 'node:fs';
import { CrewshipError } from '@crewship/contracts';
import type { CrewshipClient } from '@crewship/sdk';
import { InvalidArgumentError } from 'commander';
import type { ZodError } from 'zod';
import type { CliContext } from '../context.js';
import { parseInteger, parseNumber } from '../option-parsers.js';

/** `$0.0123` below a dollar (calls cost fractions of a cent), `$1,234.57` from there on. */
export function formatUsd(usd: number | null): string | null {
  if (usd === null) return null;
  const digits = Math.abs(usd) < 1 ? 4 : 2;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** A price per million tokens: `$3.00`, `$0.075`. */
export function formatPrice(usd: number): string {
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;
}

/** `1,234,567`. */
export function formatCount(count: number | null): string | null {
  return count === null ? null : count.toLocaleString('en-US');
}

export function plural(count: number, word: string): string {
  return `${formatCount(count)} ${word}${count === 1 ? '' : 's'}`;
}

export function parseNonNegativeNumber(value: string): number {
  const parsed = parseNumber(value);
  if (parsed < 0) throw new InvalidArgumentError('must not be negative.');
  return parsed;
}

export function parseNonNegativeInteger(value: string): number {
  const parsed = parseInteger(value);
  if (parsed < 0) throw new InvalidArgumentError('must not be negative.');
  return parsed;
}

export function parseLimit(max: number): (value: string) => number {
  return (value) => {
    const limit = parseInteger(value);
    if (limit < 1 || limit > max) throw new InvalidArgumentError(`must be between 1 and ${max}.`);
    return limit;
  };
}

/** The text of `file`, or stdin for `-`; a file that cannot be read is the caller's mistake. */
export async function readDocument(context: CliContext, file: string): Promise<string> {
  if (file === '-') return context.io.readStdin();
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CrewshipError('invalid_input', `cannot read ${file} (${code})`, { cause: error });
  }
}

/** Crew and agent slugs by id, fetched only when some row names one. */
export async function slugsById(
  api: CrewshipClient,
  want: { crews?: boolean; agents?: boolean },
): Promise<Map<string, string>> {
  const [crews, agents] = await Promise.all([
    want.crews ? api.crews.list() : [],
    want.agents ? api.agents.list() : [],
  ]);
  return new Map([...crews, ...agents].map((item) => [item.id, item.slug]));
}

/** Parses `value` with a contract schema before anything is sent; each problem is named with its field. */
export function validated<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  value: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  throw new CrewshipError('invalid_input', `invalid ${what}`, { details: { issues } });
}
