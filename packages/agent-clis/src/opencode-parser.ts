import type { AgentEvent, AgentStreamParser, AgentUsage } from '@crewship/contracts';
import { createJsonLineParser } from './json-line-parser.js';
import {
  addUsage,
  asRecord,
  asString,
  type JsonRecord,
  optionalAmount,
  outputText,
  usage,
} from './json-values.js';

function errorMessage(line: JsonRecord): string {
  const error = asRecord(line.error);
  return (
    asString(asRecord(error?.data)?.message) ??
    asString(error?.message) ??
    asString(error?.name) ??
    'OpenCode reported an error'
  );
}

/**
 * OpenCode `run --format json`: one line per finished part. It prints no final result, so the run's
 * usage, cost and steps are summed from `step_finish` for the synthetic result.
 */
export function createOpenCodeParser(): AgentStreamParser {
  let total: AgentUsage | null = null;
  let cost: number | null = null;
  let steps = 0;

  const toolEvents = (part: JsonRecord): AgentEvent[] => {
    const id = asString(part.callID);
    const name = asString(part.tool);
    const state = asRecord(part.state);
    if (!id || !name || !state) return [];
    const events: AgentEvent[] = [{ type: 'tool_use', id, name, input: state.input ?? {} }];
    if (state.status === 'completed' || state.status === 'error') {
      const failed = state.status === 'error';
      events.push({
        type: 'tool_result',
        tool_use_id: id,
        output: failed ? outputText(state.error) : outputText(state.output),
        is_error: failed,
      });
    }
    return events;
  };

  const stepEvents = (part: JsonRecord): AgentEvent[] => {
    steps += 1;
    const stepCost = optionalAmount(part.cost);
    if (stepCost !== null) cost = (cost ?? 0) + stepCost;
    const tokens = asRecord(part.tokens);
    if (!tokens) return [];
    const cache = asRecord(tokens.cache);
    const stepUsage = usage({
      input: tokens.input,
      output: tokens.output,
      cacheRead: cache?.read,
      cacheWrite: cache?.write,
    });
    total = addUsage(total, stepUsage);
    return [{ type: 'usage', model: null, usage: stepUsage }];
  };

  return createJsonLineParser({
    json(line) {
      const part = asRecord(line.part);
      switch (line.type) {
        case 'text': {
          const text = asString(part?.text);
          return text ? [{ type: 'text', text }] : [];
        }
        case 'reasoning': {
          const text = asString(part?.text);
          return text ? [{ type: 'thinking', text }] : [];
        }
        case 'tool_use':
          return part ? toolEvents(part) : [];
        case 'step_finish':
          return part ? stepEvents(part) : [];
        case 'error':
          return [{ type: 'error', message: errorMessage(line) }];
        default:
          return [];
      }
    },
    totals: () => ({ usage: total, costUsd: cost, turns: steps }),
  });
}
