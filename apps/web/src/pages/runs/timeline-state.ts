import {
  type AgentEvent,
  type AgentUsage,
  agentEventSchema,
  type JournalEntryDto,
} from '@crewship/contracts';

type ResultEvent = Extract<AgentEvent, { type: 'result' }>;

export type TimelineItem =
  | { kind: 'text'; key: number; text: string; streaming: boolean }
  | { kind: 'thinking'; key: number; text: string }
  | {
      kind: 'tool';
      key: number;
      id: string;
      name: string;
      input: unknown;
      result: { output: string; isError: boolean } | null;
    }
  | { kind: 'error'; key: number; message: string }
  | { kind: 'note'; key: number; at: string; entryType: string; summary: string; severity: string };

/** What a run did so far, built from live agent events or from its journal entries. */
export interface Timeline {
  items: TimelineItem[];
  usage: AgentUsage | null;
  model: string | null;
  result: ResultEvent | null;
  nextKey: number;
}

export const emptyTimeline: Timeline = { items: [], usage: null, model: null, result: null, nextKey: 1 };

function addUsage(total: AgentUsage | null, more: AgentUsage): AgentUsage {
  if (!total) return { ...more };
  return {
    input_tokens: total.input_tokens + more.input_tokens,
    output_tokens: total.output_tokens + more.output_tokens,
    cache_read_tokens: total.cache_read_tokens + more.cache_read_tokens,
    cache_write_tokens: total.cache_write_tokens + more.cache_write_tokens,
  };
}

type NewItem = TimelineItem extends infer Item
  ? Item extends TimelineItem
    ? Omit<Item, 'key'>
    : never
  : never;

function push(timeline: Timeline, item: NewItem): Timeline {
  return {
    ...timeline,
    items: [...timeline.items, { ...item, key: timeline.nextKey } as TimelineItem],
    nextKey: timeline.nextKey + 1,
  };
}

function lastDraftIndex(items: TimelineItem[]): number {
  return items.findLastIndex((item) => item.kind === 'text' && item.streaming);
}

/**
 * Deltas grow a draft; the complete `text` block then replaces the part of the draft it covers
 * (a draft may hold more than one block when the CLI streams the next before confirming the first).
 */
function applyText(timeline: Timeline, text: string): Timeline {
  const index = lastDraftIndex(timeline.items);
  const draft = timeline.items[index];
  if (draft?.kind !== 'text') return push(timeline, { kind: 'text', text, streaming: false });
  const rest = draft.text.startsWith(text) ? draft.text.slice(text.length).replace(/^\s+/, '') : '';
  const items = [...timeline.items];
  items[index] = { ...draft, text, streaming: false };
  if (rest) {
    items.splice(index + 1, 0, { kind: 'text', key: timeline.nextKey, text: rest, streaming: true });
    return { ...timeline, items, nextKey: timeline.nextKey + 1 };
  }
  return { ...timeline, items };
}

export function applyAgentEvent(timeline: Timeline, event: AgentEvent): Timeline {
  switch (event.type) {
    case 'text_delta': {
      const index = lastDraftIndex(timeline.items);
      const draft = timeline.items[index];
      if (draft?.kind !== 'text' || index !== timeline.items.length - 1) {
        return push(timeline, { kind: 'text', text: event.text, streaming: true });
      }
      const items = [...timeline.items];
      items[index] = { ...draft, text: draft.text + event.text };
      return { ...timeline, items };
    }
    case 'text':
      return applyText(timeline, event.text);
    case 'thinking':
      return push(timeline, { kind: 'thinking', text: event.text });
    case 'tool_use':
      return push(timeline, {
        kind: 'tool',
        id: event.id,
        name: event.name,
        input: event.input,
        result: null,
      });
    case 'tool_result':
      return {
        ...timeline,
        items: timeline.items.map((item) =>
          item.kind === 'tool' && item.id === event.tool_use_id
            ? { ...item, result: { output: event.output, isError: event.is_error } }
            : item,
        ),
      };
    case 'usage':
      return {
        ...timeline,
        usage: addUsage(timeline.usage, event.usage),
        model: event.model ?? timeline.model,
      };
    case 'result': {
      const settled = settleDrafts({ ...timeline, result: event });
      const hasText = settled.items.some((item) => item.kind === 'text');
      return !hasText && event.text.trim()
        ? push(settled, { kind: 'text', text: event.text, streaming: false })
        : settled;
    }
    case 'error':
      return push(timeline, { kind: 'error', message: event.message });
    default:
      return timeline;
  }
}

/** Ends every draft (the run is over, so no complete block will follow). */
export function settleDrafts(timeline: Timeline): Timeline {
  if (lastDraftIndex(timeline.items) < 0) return timeline;
  return {
    ...timeline,
    items: timeline.items.map((item) => (item.kind === 'text' ? { ...item, streaming: false } : item)),
  };
}

/** A run's timeline from its journal entries, oldest first; entries other than agent events become notes. */
export function timelineFromJournal(entries: readonly JournalEntryDto[]): Timeline {
  let timeline = emptyTimeline;
  for (const entry of entries) {
    if (entry.entry_type.startsWith('agent.')) {
      const event = agentEventSchema.safeParse({ ...entry.payload, type: entry.entry_type.slice(6) });
      if (event.success) {
        timeline = applyAgentEvent(timeline, event.data);
        continue;
      }
    }
    timeline = push(timeline, {
      kind: 'note',
      at: entry.at,
      entryType: entry.entry_type,
      summary: entry.summary,
      severity: entry.severity,
    });
  }
  return settleDrafts(timeline);
}
