import type { AgentEvent, AgentStreamParser } from '@crewship/contracts';
import { createJsonLineParser } from './json-line-parser.js';
import {
  asRecord,
  asString,
  type JsonRecord,
  optionalAmount,
  optionalCount,
  outputText,
  usage,
} from './json-values.js';

const MAX_OPEN_CALLS = 1000;

/**
 * Factory Droid `exec -o stream-json`: whole messages, `tool_call`/`tool_result` pairs and a final
 * `completion`. Some droid versions omit the id of a tool result: it then answers the oldest open call.
 */
export function createFactoryDroidParser(): AgentStreamParser {
  const open: string[] = [];

  const toolResult = (line: JsonRecord): AgentEvent[] => {
    let id = asString(line.id);
    if (id) {
      const index = open.indexOf(id);
      if (index >= 0) open.splice(index, 1);
    } else id = open.shift();
    if (!id) return [];
    const error = asRecord(line.error);
    const isError = line.isError === true || error !== undefined;
    const output = error ? (asString(error.message) ?? outputText(error)) : outputText(line.value);
    return [{ type: 'tool_result', tool_use_id: id, output, is_error: isError }];
  };

  const completion = (line: JsonRecord): AgentEvent[] => {
    const counts = asRecord(line.usage);
    const runUsage = counts
      ? usage({
          input: counts.input_tokens ?? counts.inputTokens,
          output: counts.output_tokens ?? counts.outputTokens,
          cacheRead: counts.cache_read_input_tokens ?? counts.cacheReadTokens,
          cacheWrite: counts.cache_creation_input_tokens ?? counts.cacheWriteTokens,
        })
      : null;
    return [
      ...(runUsage ? [{ type: 'usage', model: null, usage: runUsage } as const] : []),
      {
        type: 'result',
        ok: true,
        text: asString(line.finalText) ?? '',
        duration_ms: optionalAmount(line.durationMs),
        cost_usd: null,
        turns: optionalCount(line.numTurns),
        usage: runUsage,
        synthetic: false,
      },
    ];
  };

  return createJsonLineParser({
    json(line) {
      switch (line.type) {
        case 'message': {
          const text = asString(line.text);
          return line.role === 'assistant' && text ? [{ type: 'text', text }] : [];
        }
        case 'tool_call': {
          const id = asString(line.id);
          const name = asString(line.toolName) ?? asString(line.toolId);
          if (!id || !name) return [];
          open.push(id);
          if (open.length > MAX_OPEN_CALLS) open.shift();
          return [{ type: 'tool_use', id, name, input: line.parameters ?? {} }];
        }
        case 'tool_result':
          return toolResult(line);
        case 'error': {
          const message = asString(line.message);
          return message ? [{ type: 'error', message }] : [];
        }
        case 'completion':
          return completion(line);
        default:
          return [];
      }
    },
  });
}
