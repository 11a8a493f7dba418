import type { AgentEvent, AgentStreamParser } from '@crewship/contracts';
import { createJsonLineParser } from './json-line-parser.js';
import {
  asArray,
  asRecord,
  asString,
  type JsonRecord,
  outputText,
  usageIncludingCachedInput,
} from './json-values.js';

/** The tool call an item stands for: its name and input, or nothing for non-tool items. */
function toolCall(item: JsonRecord): { name: string; input: unknown } | undefined {
  switch (item.type) {
    case 'command_execution':
      return { name: 'shell', input: { command: outputText(item.command) } };
    case 'file_change':
      return { name: 'apply_patch', input: { changes: item.changes ?? [] } };
    case 'mcp_tool_call': {
      const server = asString(item.server) ?? 'mcp';
      return { name: `${server}.${asString(item.tool) ?? 'tool'}`, input: item.arguments ?? {} };
    }
    case 'web_search':
      return { name: 'web_search', input: { query: outputText(item.query) } };
    default:
      return undefined;
  }
}

function toolOutput(item: JsonRecord): string {
  switch (item.type) {
    case 'command_execution':
      return outputText(item.aggregated_output);
    case 'file_change':
      return asArray(item.changes)
        .map((change) => {
          const record = asRecord(change);
          return `${asString(record?.kind) ?? 'update'} ${asString(record?.path) ?? ''}`.trim();
        })
        .join('\n');
    case 'mcp_tool_call': {
      const error = asString(asRecord(item.error)?.message);
      if (error) return error;
      const result = asRecord(item.result);
      const texts = asArray(result?.content)
        .map((block) => asString(asRecord(block)?.text))
        .filter((text): text is string => text !== undefined);
      return texts.length > 0 ? texts.join('\n') : outputText(result?.structured_content);
    }
    default:
      return '';
  }
}

function failed(item: JsonRecord): boolean {
  if (item.status === 'failed' || item.status === 'declined') return true;
  return item.type === 'command_execution' && typeof item.exit_code === 'number' && item.exit_code !== 0;
}

/** Codex reports a provider error as the raw response body: the provider's own message is clearer. */
function errorText(value: unknown): string | undefined {
  const text = asString(value);
  if (!text?.startsWith('{')) return text;
  try {
    return asString(asRecord(asRecord(JSON.parse(text))?.error)?.message) ?? text;
  } catch {
    return text;
  }
}

/** Codex `exec --json`: thread/turn/item events; `turn.completed` is the run's end as Codex reports it. */
export function createCodexCliParser(): AgentStreamParser {
  const announced = new Set<string>();
  let lastMessage = '';
  let lastError: string | undefined;
  const error = (message: string | undefined): AgentEvent[] => {
    if (!message || message === lastError) return [];
    lastError = message;
    return [{ type: 'error', message }];
  };

  const itemEvents = (line: JsonRecord, completed: boolean): AgentEvent[] => {
    const item = asRecord(line.item);
    if (!item) return [];
    const id = asString(item.id) ?? '';
    if (completed && item.type === 'agent_message') {
      const text = asString(item.text);
      if (!text) return [];
      lastMessage = text;
      return [{ type: 'text', text }];
    }
    if (completed && item.type === 'reasoning') {
      const text = asString(item.text);
      return text ? [{ type: 'thinking', text }] : [];
    }
    if (completed && item.type === 'error') return error(errorText(item.message));
    const call = toolCall(item);
    if (!call || id === '') return [];
    const events: AgentEvent[] = [];
    if (!announced.has(id)) {
      announced.add(id);
      events.push({ type: 'tool_use', id, name: call.name, input: call.input });
    }
    if (completed) {
      events.push({ type: 'tool_result', tool_use_id: id, output: toolOutput(item), is_error: failed(item) });
    }
    return events;
  };

  return createJsonLineParser({
    json(line) {
      switch (line.type) {
        case 'item.started':
          return itemEvents(line, false);
        case 'item.completed':
          return itemEvents(line, true);
        case 'turn.completed': {
          const counts = asRecord(line.usage);
          const turnUsage = usageIncludingCachedInput({
            input: counts?.input_tokens,
            output: counts?.output_tokens,
            cached: counts?.cached_input_tokens,
            cacheWrite: counts?.cache_write_input_tokens,
          });
          return [
            { type: 'usage', model: null, usage: turnUsage },
            {
              type: 'result',
              ok: true,
              text: lastMessage,
              duration_ms: null,
              cost_usd: null,
              turns: null,
              usage: turnUsage,
              synthetic: false,
            },
          ];
        }
        case 'turn.failed': {
          return [
            ...error(errorText(asRecord(line.error)?.message) ?? 'Codex reported a failed turn'),
            {
              type: 'result',
              ok: false,
              text: lastMessage,
              duration_ms: null,
              cost_usd: null,
              turns: null,
              usage: null,
              synthetic: false,
            },
          ];
        }
        case 'error':
          return error(errorText(line.message));
        default:
          return [];
      }
    },
  });
}
