import {
  type AgentEvent,
  type AgentStreamParser,
  type AgentUsage,
  agentEventSchema,
  BAD_CREDENTIAL_EXIT_CODE,
} from '@crewship/contracts';
import { asRecord, type JsonRecord } from './json-values.js';

/** Lines longer than this are not parsed (a CLI's real lines stay far below it). */
export const MAX_LINE_CHARACTERS = 16 * 1024 * 1024;
const STDERR_TAIL_LINES = 8;
const STDERR_LINE_CHARACTERS = 500;

/** What a run added up to, as far as the CLI reported it along the way (for a synthetic result). */
export interface RunTotals {
  usage: AgentUsage | null;
  costUsd: number | null;
  turns: number | null;
}

/** One CLI's mapping from its JSON objects to events; the shared parser does everything else. */
export interface JsonLineHandler {
  /** Events for one JSON object printed on stdout. May throw: the parser drops the line then. */
  json(value: JsonRecord): AgentEvent[];
  /** Events held back until the run ends (buffered text). */
  flush?(): AgentEvent[];
  totals?(): RunTotals;
}

const isEmptyUsage = (usage: AgentUsage) =>
  usage.input_tokens + usage.output_tokens + usage.cache_read_tokens + usage.cache_write_tokens === 0;

function failureMessage(exitCode: number, stderrTail: readonly string[]): string {
  const reason =
    exitCode === BAD_CREDENTIAL_EXIT_CODE
      ? 'the credential was rejected'
      : `the agent CLI exited with code ${exitCode}`;
  const detail = stderrTail.join('\n').trim();
  return detail === '' ? reason : `${reason}: ${detail}`;
}

/**
 * A stream parser for CLIs that print one JSON object per line. Never throws: non-JSON lines, stderr
 * and malformed objects yield nothing, and every event it returns satisfies `agentEventSchema`. The
 * last stderr lines explain a failed exit when the CLI printed no result of its own.
 */
export function createJsonLineParser(handler: JsonLineHandler): AgentStreamParser {
  let sawResult = false;
  let sawError = false;
  let lastText = '';
  let ended = false;
  const stderrTail: string[] = [];

  const accept = (events: readonly AgentEvent[]): AgentEvent[] => {
    const accepted: AgentEvent[] = [];
    for (const candidate of events) {
      const parsed = agentEventSchema.safeParse(candidate);
      if (!parsed.success) continue;
      const event = parsed.data;
      if (event.type === 'usage' && isEmptyUsage(event.usage)) continue;
      if (event.type === 'result') {
        if (sawResult) continue;
        sawResult = true;
      }
      if (event.type === 'error') sawError = true;
      if (event.type === 'text') lastText = event.text;
      accepted.push(event);
    }
    return accepted;
  };

  const safely = (produce: () => AgentEvent[]): AgentEvent[] => {
    try {
      return accept(produce());
    } catch {
      return [];
    }
  };

  return {
    push(line, stream) {
      if (ended || typeof line !== 'string' || line.length > MAX_LINE_CHARACTERS) return [];
      if (stream === 'stderr') {
        const trimmed = line.trim();
        if (trimmed !== '') {
          stderrTail.push(trimmed.slice(0, STDERR_LINE_CHARACTERS));
          if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        }
        return [];
      }
      const trimmed = line.trim();
      if (!trimmed.startsWith('{')) return [];
      return safely(() => {
        const value = asRecord(JSON.parse(trimmed));
        return value ? handler.json(value) : [];
      });
    },
    end(exit) {
      if (ended) return [];
      ended = true;
      const events = safely(() => handler.flush?.() ?? []);
      if (sawResult) return events;
      const totals = (() => {
        try {
          return handler.totals?.();
        } catch {
          return undefined;
        }
      })();
      const exitCode = Number.isInteger(exit?.exitCode) ? exit.exitCode : -1;
      if (exitCode !== 0 && !sawError) {
        events.push(...accept([{ type: 'error', message: failureMessage(exitCode, stderrTail) }]));
      }
      const durationMs = exit?.durationMs;
      const result: AgentEvent = {
        type: 'result',
        ok: exitCode === 0 && !sawError,
        text: lastText,
        duration_ms:
          typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs >= 0
            ? durationMs
            : null,
        cost_usd: totals?.costUsd ?? null,
        turns: totals?.turns ?? null,
        usage: totals?.usage ?? null,
        synthetic: true,
      };
      const accepted = accept([result]);
      // Totals that do not fit the schema (an overflowing sum) must not cost the run its result.
      events.push(
        ...(accepted.length > 0
          ? accepted
          : accept([{ ...result, cost_usd: null, turns: null, usage: null }])),
      );
      return events;
    },
  };
}
