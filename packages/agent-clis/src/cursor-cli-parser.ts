import type { AgentEvent, AgentStreamParser } from '@crewship/contracts';
import { createJsonLineParser } from './json-line-parser.js';
import {
  asArray,
  asRecord,
  asString,
  type JsonRecord,
  optionalAmount,
  outputText,
  parseArguments,
  usage,
} from './json-values.js';

function messageText(line: JsonRecord): string {
  return asArray(asRecord(line.message)?.content)
    .map((block) => {
      const record = asRecord(block);
      return record?.type === 'text' ? (asString(record.text) ?? '') : '';
    })
    .join('');
}

/** `{ readToolCall: { args, result } }` or `{ function: { name, arguments } }` → name, input, result. */
function describeToolCall(line: JsonRecord): { name: string; input: unknown; result: unknown } | undefined {
  const call = asRecord(line.tool_call);
  if (!call) return undefined;
  const fn = asRecord(call.function);
  if (fn)
    return { name: asString(fn.name) ?? 'function', input: parseArguments(fn.arguments), result: fn.result };
  const key = Object.keys(call)[0];
  const body = key === undefined ? undefined : asRecord(call[key]);
  if (key === undefined || !body) return undefined;
  const name =
    key.endsWith('ToolCall') && key.length > 'ToolCall'.length ? key.slice(0, -'ToolCall'.length) : key;
  return { name, input: parseArguments(body.args), result: body.result };
}

function toolOutcome(result: unknown): { output: string; isError: boolean } {
  const record = asRecord(result);
  const success = asRecord(record?.success);
  if (success) {
    const content = asString(success.content);
    if (content !== undefined) return { output: content, isError: false };
    const stdout = asString(success.stdout);
    const stderr = asString(success.stderr);
    if (stdout !== undefined || stderr !== undefined) {
      return { output: [stdout, stderr].filter((part) => part).join('\n'), isError: false };
    }
    return { output: outputText(success), isError: false };
  }
  if (!record) return { output: outputText(result), isError: result !== undefined };
  for (const value of Object.values(record)) {
    const detail = asRecord(value);
    const message = asString(detail?.message) ?? asString(detail?.reason) ?? asString(detail?.error);
    if (message) return { output: message, isError: true };
  }
  return { output: outputText(record), isError: true };
}

/**
 * Cursor CLI `--output-format stream-json --stream-partial-output`. Partial chunks carry `timestamp_ms`;
 * the complete message then follows once more with a `model_call_id` and becomes the `text` block.
 */
export function createCursorCliParser(): AgentStreamParser {
  let pending = '';
  let thinking = '';
  const announced = new Set<string>();

  const flushText = (): AgentEvent[] => {
    const text = pending;
    pending = '';
    return text === '' ? [] : [{ type: 'text', text }];
  };
  const flushThinking = (): AgentEvent[] => {
    const text = thinking;
    thinking = '';
    return text === '' ? [] : [{ type: 'thinking', text }];
  };

  const toolEvents = (line: JsonRecord): AgentEvent[] => {
    const id = asString(line.call_id);
    const call = describeToolCall(line);
    if (!id || !call) return [];
    const events: AgentEvent[] = [...flushThinking(), ...flushText()];
    if (!announced.has(id)) {
      announced.add(id);
      events.push({ type: 'tool_use', id, name: call.name, input: call.input ?? {} });
    }
    if (line.subtype === 'completed') {
      const outcome = toolOutcome(call.result);
      events.push({
        type: 'tool_result',
        tool_use_id: id,
        output: outcome.output,
        is_error: outcome.isError,
      });
    }
    return events;
  };

  const resultEvents = (line: JsonRecord): AgentEvent[] => {
    const events: AgentEvent[] = [...flushThinking(), ...flushText()];
    const counts = asRecord(line.usage);
    const runUsage = counts
      ? usage({
          input: counts.inputTokens,
          output: counts.outputTokens,
          cacheRead: counts.cacheReadTokens,
          cacheWrite: counts.cacheWriteTokens,
        })
      : null;
    if (runUsage) events.push({ type: 'usage', model: null, usage: runUsage });
    const ok = line.subtype === 'success' && line.is_error !== true;
    const text = asString(line.result) ?? '';
    if (!ok) events.push({ type: 'error', message: text || 'Cursor CLI reported an error' });
    events.push({
      type: 'result',
      ok,
      text,
      duration_ms: optionalAmount(line.duration_ms),
      cost_usd: null,
      turns: null,
      usage: runUsage,
      synthetic: false,
    });
    return events;
  };

  return createJsonLineParser({
    json(line) {
      switch (line.type) {
        case 'assistant': {
          const text = messageText(line);
          if (text === '') return [];
          if (typeof line.timestamp_ms === 'number' && line.model_call_id === undefined) {
            pending += text;
            return [...flushThinking(), { type: 'text_delta', text }];
          }
          pending = '';
          return [...flushThinking(), { type: 'text', text }];
        }
        case 'thinking': {
          const text = asString(line.text);
          if (line.subtype === 'delta' && text) thinking += text;
          return line.subtype === 'completed' ? flushThinking() : [];
        }
        case 'tool_call':
          return line.subtype === 'started' || line.subtype === 'completed' ? toolEvents(line) : [];
        case 'result':
          return resultEvents(line);
        default:
          return [];
      }
    },
    flush: () => [...flushThinking(), ...flushText()],
  });
}
