import type { LlmProvider, ModelToolCall } from '@crewship/contracts';

/** Collects tool calls from one provider's parsed response objects (stream events or whole bodies). */
export interface ToolCallCollector {
  /** Data of a stream event that may mention a tool call: skipped unparsed when it holds none of these. */
  readonly needles: readonly string[];
  /** Reads one stream event's data; true when it starts (or reveals) a tool call. */
  event(value: unknown): boolean;
  /** Reads a whole JSON body (Gemini's streamGenerateContent without SSE answers an array of chunks). */
  body(value: unknown): void;
  calls(): ModelToolCall[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Parsed JSON arguments, or the raw text when they are not JSON. */
export function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

interface StreamedCall {
  name: string;
  /** Input given whole (a start event's object or a finished item), used when no argument text streamed. */
  input: unknown;
  args: string;
  streamedArgs: boolean;
  /** A finished item from the stream supersedes streamed pieces. */
  final?: ModelToolCall;
}

function toCall(call: StreamedCall): ModelToolCall {
  if (call.final) return call.final;
  return { name: call.name, input: call.streamedArgs ? parseArguments(call.args) : call.input };
}

// ── Anthropic Messages ────────────────────────────────────────────────────────────────────────────

function anthropicCollector(): ToolCallCollector {
  const blocks = new Map<number, StreamedCall>();
  const whole: ModelToolCall[] = [];
  return {
    needles: ['tool_use', 'input_json_delta'],
    event(value) {
      if (!isObject(value)) return false;
      const index = typeof value.index === 'number' ? value.index : -1;
      if (value.type === 'content_block_start' && isObject(value.content_block)) {
        const block = value.content_block;
        if (block.type !== 'tool_use') return false;
        blocks.set(index, {
          name: asString(block.name) ?? '',
          input: block.input ?? {},
          args: '',
          streamedArgs: false,
        });
        return true;
      }
      if (value.type === 'content_block_delta' && isObject(value.delta)) {
        const call = blocks.get(index);
        const piece = asString(value.delta.partial_json);
        if (call && value.delta.type === 'input_json_delta' && piece !== undefined) {
          call.args += piece;
          if (piece.length > 0) call.streamedArgs = true;
        }
      }
      return false;
    },
    body(value) {
      if (!isObject(value)) return;
      for (const block of asArray(value.content)) {
        if (isObject(block) && block.type === 'tool_use') {
          whole.push({ name: asString(block.name) ?? '', input: block.input ?? {} });
        }
      }
    },
    calls() {
      return [...whole, ...[...blocks.values()].map(toCall)];
    },
  };
}

// ── OpenAI Responses and Chat Completions ─────────────────────────────────────────────────────────

/** Responses API output items that the client executes, and the tool name to report when they have none. */
const RESPONSES_TOOL_ITEMS: Record<string, string> = {
  function_call: '',
  custom_tool_call: '',
  local_shell_call: 'local_shell',
  shell_call: 'shell',
  apply_patch_call: 'apply_patch',
  computer_call: 'computer',
};

function isResponsesToolItem(item: unknown): item is Json {
  return isObject(item) && typeof item.type === 'string' && Object.hasOwn(RESPONSES_TOOL_ITEMS, item.type);
}

function responsesItemCall(item: Json, streamedArgs: string | undefined): ModelToolCall {
  const type = item.type as string;
  const name = asString(item.name) ?? RESPONSES_TOOL_ITEMS[type] ?? type;
  if (type === 'function_call') {
    const args = asString(item.arguments);
    return { name, input: parseArguments(args || (streamedArgs ?? args ?? '')) };
  }
  if (type === 'custom_tool_call') {
    const input = asString(item.input);
    return { name, input: parseArguments(input || (streamedArgs ?? input ?? '')) };
  }
  return { name, input: item.action ?? item.operation ?? item.input ?? null };
}

function chatCall(call: unknown): ModelToolCall | null {
  if (!isObject(call)) return null;
  if (isObject(call.function)) {
    return {
      name: asString(call.function.name) ?? '',
      input: parseArguments(asString(call.function.arguments) ?? ''),
    };
  }
  if (isObject(call.custom)) {
    return {
      name: asString(call.custom.name) ?? '',
      input: parseArguments(asString(call.custom.input) ?? ''),
    };
  }
  return null;
}

function openAiCollector(): ToolCallCollector {
  const calls = new Map<string, StreamedCall>();
  const whole: ModelToolCall[] = [];

  const responsesItem = (key: string, item: Json, done: boolean): boolean => {
    const existing = calls.get(key);
    const call = existing ?? { name: '', input: null, args: '', streamedArgs: false };
    const parsed = responsesItemCall(item, call.streamedArgs ? call.args : undefined);
    call.name = parsed.name;
    if (done) call.final = parsed;
    else call.input = parsed.input;
    calls.set(key, call);
    return existing === undefined;
  };
  const itemKey = (item: Json, outputIndex: unknown) =>
    typeof item.id === 'string' ? `item:${item.id}` : `index:${String(outputIndex)}`;

  const responsesEvent = (value: Json): boolean => {
    const type = value.type as string;
    if (type === 'response.output_item.added' || type === 'response.output_item.done') {
      if (!isResponsesToolItem(value.item)) return false;
      return responsesItem(itemKey(value.item, value.output_index), value.item, type.endsWith('.done'));
    }
    if (
      type === 'response.function_call_arguments.delta' ||
      type === 'response.custom_tool_call_input.delta'
    ) {
      const key =
        typeof value.item_id === 'string' ? `item:${value.item_id}` : `index:${String(value.output_index)}`;
      const call = calls.get(key);
      const delta = asString(value.delta);
      if (call && delta !== undefined) {
        call.args += delta;
        call.streamedArgs = true;
      }
      return false;
    }
    if (isObject(value.response)) {
      let started = false;
      for (const [index, item] of asArray(value.response.output).entries()) {
        if (isResponsesToolItem(item) && responsesItem(itemKey(item, index), item, true)) started = true;
      }
      return started;
    }
    return false;
  };

  const chatChunk = (value: Json): boolean => {
    let started = false;
    for (const choice of asArray(value.choices)) {
      if (!isObject(choice) || !isObject(choice.delta)) continue;
      const choiceIndex = String(choice.index ?? 0);
      const pieces: [string, Json][] = [];
      for (const [position, call] of asArray(choice.delta.tool_calls).entries()) {
        if (isObject(call)) pieces.push([`choice:${choiceIndex}:${String(call.index ?? position)}`, call]);
      }
      if (isObject(choice.delta.function_call)) {
        pieces.push([`choice:${choiceIndex}:function_call`, { function: choice.delta.function_call }]);
      }
      for (const [key, piece] of pieces) {
        const fn = isObject(piece.function) ? piece.function : isObject(piece.custom) ? piece.custom : null;
        let call = calls.get(key);
        if (!call) {
          call = { name: '', input: '', args: '', streamedArgs: true };
          calls.set(key, call);
          started = true;
        }
        if (!fn) continue;
        const name = asString(fn.name);
        if (name && !call.name) call.name = name;
        call.args += asString(fn.arguments) ?? asString(fn.input) ?? '';
      }
    }
    return started;
  };

  return {
    needles: ['_call', 'tool_calls'],
    event(value) {
      if (!isObject(value)) return false;
      if (typeof value.type === 'string' && value.type.startsWith('response.')) return responsesEvent(value);
      if (Array.isArray(value.choices)) return chatChunk(value);
      return false;
    },
    body(value) {
      if (!isObject(value)) return;
      for (const item of asArray(value.output)) {
        if (isResponsesToolItem(item)) whole.push(responsesItemCall(item, undefined));
      }
      for (const choice of asArray(value.choices)) {
        if (!isObject(choice) || !isObject(choice.message)) continue;
        for (const call of asArray(choice.message.tool_calls)) {
          const parsed = chatCall(call);
          if (parsed) whole.push(parsed);
        }
        const legacy = chatCall({ function: choice.message.function_call });
        if (isObject(choice.message.function_call) && legacy) whole.push(legacy);
      }
    },
    calls() {
      return [...whole, ...[...calls.values()].map(toCall)];
    },
  };
}

// ── Gemini ────────────────────────────────────────────────────────────────────────────────────────

function geminiCalls(value: unknown): ModelToolCall[] {
  const found: ModelToolCall[] = [];
  if (!isObject(value)) return found;
  for (const candidate of asArray(value.candidates)) {
    if (!isObject(candidate) || !isObject(candidate.content)) continue;
    for (const part of asArray(candidate.content.parts)) {
      if (isObject(part) && isObject(part.functionCall)) {
        found.push({ name: asString(part.functionCall.name) ?? '', input: part.functionCall.args ?? {} });
      }
    }
  }
  return found;
}

function geminiCollector(): ToolCallCollector {
  const found: ModelToolCall[] = [];
  return {
    needles: ['functionCall'],
    event(value) {
      const calls = geminiCalls(value);
      found.push(...calls);
      return calls.length > 0;
    },
    body(value) {
      for (const chunk of Array.isArray(value) ? value : [value]) found.push(...geminiCalls(chunk));
    },
    calls() {
      return [...found];
    },
  };
}

const COLLECTORS: Record<LlmProvider, () => ToolCallCollector> = {
  anthropic: anthropicCollector,
  openai: openAiCollector,
  google: geminiCollector,
};

export function createToolCallCollector(provider: LlmProvider): ToolCallCollector {
  return COLLECTORS[provider]();
}
