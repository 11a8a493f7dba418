import type { AgentEvent, AgentStreamParser, AgentUsage } from '@crewship/contracts';
import { createJsonLineParser } from './json-line-parser.js';
import {
  asRecord,
  asString,
  type JsonRecord,
  optionalAmount,
  outputText,
  usage,
  usageIncludingCachedInput,
} from './json-values.js';

/** Gemini stats: `input` is the uncached input when present, else `input_tokens` minus `cached`. */
function statsUsage(stats: JsonRecord): AgentUsage {
  if (typeof stats.input === 'number') {
    return usage({ input: stats.input, output: stats.output_tokens, cacheRead: stats.cached });
  }
  return usageIncludingCachedInput({
    input: stats.input_tokens,
    output: stats.output_tokens,
    cached: stats.cached,
  });
}

/** `[API Error: {"error":{"message":…}}]` → the provider's message. */
function errorText(message: string): string {
  const body = /^\[API Error: (\{.*\})\]$/s.exec(message)?.[1];
  if (!body) return message;
  try {
    return asString(asRecord(asRecord(JSON.parse(body))?.error)?.message) ?? message;
  } catch {
    return message;
  }
}

/** Gemini CLI `--output-format stream-json`: streamed assistant deltas are joined into `text` blocks. */
export function createGeminiCliParser(): AgentStreamParser {
  let pending = '';
  let lastText = '';
  const block = (text: string): AgentEvent => {
    lastText = text;
    return { type: 'text', text };
  };
  const flush = (): AgentEvent[] => {
    const text = pending;
    pending = '';
    return text === '' ? [] : [block(text)];
  };

  const resultEvents = (line: JsonRecord): AgentEvent[] => {
    const events: AgentEvent[] = flush();
    const stats = asRecord(line.stats);
    for (const [model, value] of Object.entries(asRecord(stats?.models) ?? {})) {
      const counts = asRecord(value);
      if (counts) events.push({ type: 'usage', model, usage: statsUsage(counts) });
    }
    const ok = line.status === 'success';
    if (!ok) {
      const error = asRecord(line.error);
      const message = asString(error?.message);
      events.push({ type: 'error', message: message ? errorText(message) : 'Gemini CLI reported an error' });
    }
    events.push({
      type: 'result',
      ok,
      text: lastText,
      duration_ms: optionalAmount(stats?.duration_ms),
      cost_usd: null,
      turns: null,
      usage: stats ? statsUsage(stats) : null,
      synthetic: false,
    });
    return events;
  };

  return createJsonLineParser({
    json(line) {
      if (line.type === 'message') {
        if (line.role !== 'assistant') return [];
        const content = asString(line.content);
        if (!content) return [];
        if (line.delta === true) {
          pending += content;
          return [{ type: 'text_delta', text: content }];
        }
        return [...flush(), block(content)];
      }
      if (line.type === 'tool_use') {
        const id = asString(line.tool_id);
        const name = asString(line.tool_name);
        if (!id || !name) return flush();
        return [...flush(), { type: 'tool_use', id, name, input: line.parameters ?? {} }];
      }
      if (line.type === 'tool_result') {
        const id = asString(line.tool_id);
        if (!id) return flush();
        const ok = line.status === 'success';
        const output = ok
          ? outputText(line.output)
          : (asString(asRecord(line.error)?.message) ?? outputText(line.output));
        return [...flush(), { type: 'tool_result', tool_use_id: id, output, is_error: !ok }];
      }
      if (line.type === 'error') {
        const message = asString(line.message);
        const fatal = line.severity !== 'warning' && line.severity !== 'info';
        return fatal && message ? [...flush(), { type: 'error', message: errorText(message) }] : [];
      }
      if (line.type === 'result') return resultEvents(line);
      return [];
    },
    flush,
  });
}
