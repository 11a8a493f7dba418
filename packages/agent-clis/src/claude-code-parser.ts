import type { AgentEvent, AgentStreamParser } from '@crewship/contracts';
import { createJsonLineParser } from './json-line-parser.js';
import {
  asArray,
  asRecord,
  asString,
  type JsonRecord,
  optionalAmount,
  optionalCount,
  outputText,
  usage,
} from './json-values.js';

/** Text of a `tool_result` content: a string, or blocks of which the text ones count. */
export function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return outputText(content);
  return content
    .map((block) => {
      const record = asRecord(block);
      if (record?.type === 'text') return asString(record.text) ?? '';
      return record?.type === 'image' ? '[image]' : '';
    })
    .filter((text) => text !== '')
    .join('\n');
}

function assistantEvents(line: JsonRecord): AgentEvent[] {
  const events: AgentEvent[] = [];
  const message = asRecord(line.message);
  // An API failure arrives as an assistant message flagged with `error`; its text is the explanation.
  const error = asString(line.error);
  if (error) {
    const explanation = asArray(message?.content)
      .map((block) => asString(asRecord(block)?.text) ?? '')
      .join('')
      .trim();
    return [{ type: 'error', message: explanation || error }];
  }
  for (const block of asArray(message?.content)) {
    const content = asRecord(block);
    if (content?.type === 'text') {
      const text = asString(content.text);
      if (text) events.push({ type: 'text', text });
    } else if (content?.type === 'thinking') {
      const text = asString(content.thinking);
      if (text) events.push({ type: 'thinking', text });
    } else if (content?.type === 'tool_use') {
      const id = asString(content.id);
      const name = asString(content.name);
      if (id && name) events.push({ type: 'tool_use', id, name, input: content.input ?? {} });
    }
  }
  return events;
}

function toolResultEvents(line: JsonRecord): AgentEvent[] {
  const events: AgentEvent[] = [];
  for (const block of asArray(asRecord(line.message)?.content)) {
    const content = asRecord(block);
    const toolUseId = asString(content?.tool_use_id);
    if (content?.type !== 'tool_result' || !toolUseId) continue;
    events.push({
      type: 'tool_result',
      tool_use_id: toolUseId,
      output: toolResultText(content.content),
      is_error: content.is_error === true,
    });
  }
  return events;
}

function resultEvents(line: JsonRecord, lastError: string | undefined): AgentEvent[] {
  const events: AgentEvent[] = [];
  for (const [model, value] of Object.entries(asRecord(line.modelUsage) ?? {})) {
    const counts = asRecord(value);
    if (!counts) continue;
    events.push({
      type: 'usage',
      model,
      usage: usage({
        input: counts.inputTokens,
        output: counts.outputTokens,
        cacheRead: counts.cacheReadInputTokens,
        cacheWrite: counts.cacheCreationInputTokens,
      }),
    });
  }
  const totals = asRecord(line.usage);
  const runUsage = totals
    ? usage({
        input: totals.input_tokens,
        output: totals.output_tokens,
        cacheRead: totals.cache_read_input_tokens,
        cacheWrite: totals.cache_creation_input_tokens,
      })
    : null;
  if (events.length === 0 && runUsage) events.push({ type: 'usage', model: null, usage: runUsage });
  const subtype = asString(line.subtype);
  const failed = line.is_error === true || (subtype !== undefined && subtype !== 'success');
  const text = asString(line.result) ?? '';
  const message = text || subtype || 'Claude Code reported an error';
  if (failed && message !== lastError) events.push({ type: 'error', message });
  events.push({
    type: 'result',
    ok: !failed,
    text,
    duration_ms: optionalAmount(line.duration_ms),
    cost_usd: optionalAmount(line.total_cost_usd),
    turns: optionalCount(line.num_turns),
    usage: runUsage,
    synthetic: false,
  });
  return events;
}

/** Claude Code `--output-format stream-json --verbose [--include-partial-messages]`. */
export function createClaudeCodeParser(): AgentStreamParser {
  let lastError: string | undefined;
  const remember = (events: AgentEvent[]): AgentEvent[] => {
    for (const event of events) if (event.type === 'error') lastError = event.message;
    return events;
  };
  return createJsonLineParser({
    json(line) {
      switch (line.type) {
        case 'stream_event': {
          const event = asRecord(line.event);
          const delta = asRecord(event?.delta);
          const text = event?.type === 'content_block_delta' && delta?.type === 'text_delta' && delta.text;
          return typeof text === 'string' && text !== '' ? [{ type: 'text_delta', text }] : [];
        }
        case 'assistant':
          return remember(assistantEvents(line));
        case 'user':
          return toolResultEvents(line);
        case 'result':
          return resultEvents(line, lastError);
        default:
          return [];
      }
    },
  });
}
