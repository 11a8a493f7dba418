import type { AgentEvent, JournalEntryDto } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import {
  applyAgentEvent,
  emptyTimeline,
  settleDrafts,
  type Timeline,
  timelineFromJournal,
} from './timeline-state';

const apply = (events: AgentEvent[], start: Timeline = emptyTimeline) =>
  events.reduce(applyAgentEvent, start);
const texts = (timeline: Timeline) =>
  timeline.items.flatMap((item) => (item.kind === 'text' ? [[item.text, item.streaming] as const] : []));

describe('applyAgentEvent', () => {
  it('grows one draft from deltas and replaces it with the complete block', () => {
    const streaming = apply([
      { type: 'text_delta', text: 'Hello ' },
      { type: 'text_delta', text: 'world' },
    ]);
    expect(texts(streaming)).toEqual([['Hello world', true]]);
    expect(texts(applyAgentEvent(streaming, { type: 'text', text: 'Hello world.' }))).toEqual([
      ['Hello world.', false],
    ]);
  });

  it('keeps the rest of a draft that already holds the next block', () => {
    const timeline = apply([
      { type: 'text_delta', text: 'First.' },
      { type: 'text_delta', text: 'Second' },
      { type: 'text', text: 'First.' },
    ]);
    expect(texts(timeline)).toEqual([
      ['First.', false],
      ['Second', true],
    ]);
  });

  it('attaches a tool result to its call and sums usage', () => {
    const usage = { input_tokens: 10, output_tokens: 5, cache_read_tokens: 1, cache_write_tokens: 0 };
    const timeline = apply([
      { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'ls' } },
      { type: 'usage', model: 'claude-x', usage },
      { type: 'tool_result', tool_use_id: 't1', output: 'a.txt', is_error: false },
      { type: 'usage', model: null, usage },
    ]);
    expect(timeline.items).toMatchObject([
      { kind: 'tool', name: 'Bash', result: { output: 'a.txt', isError: false } },
    ]);
    expect(timeline.usage).toEqual({
      input_tokens: 20,
      output_tokens: 10,
      cache_read_tokens: 2,
      cache_write_tokens: 0,
    });
    expect(timeline.model).toBe('claude-x');
  });

  it('shows the result text when the CLI streamed no text, and ends drafts', () => {
    const result: AgentEvent = {
      type: 'result',
      ok: true,
      text: 'Done.',
      duration_ms: 10,
      cost_usd: 0.01,
      turns: 1,
      usage: null,
      synthetic: false,
    };
    expect(texts(apply([result]))).toEqual([['Done.', false]]);
    expect(texts(apply([{ type: 'text_delta', text: 'Partial' }, result]))).toEqual([['Partial', false]]);
    expect(texts(settleDrafts(apply([{ type: 'text_delta', text: 'x' }])))).toEqual([['x', false]]);
  });
});

describe('timelineFromJournal', () => {
  const entry = (seq: number, entryType: string, payload: Record<string, unknown>): JournalEntryDto => ({
    id: `e${seq}`,
    seq,
    at: '2026-01-01T00:00:00.000Z',
    workspace_id: 'w',
    crew_id: null,
    agent_id: null,
    trace_id: 'r',
    entry_type: entryType,
    severity: 'info',
    actor: 'system',
    summary: entryType,
    payload,
    prev_hash: '',
    entry_hash: '',
  });

  it('turns agent entries into events and everything else into notes', () => {
    const timeline = timelineFromJournal([
      entry(1, 'run.started', { model: null }),
      entry(2, 'agent.tool_use', { id: 't1', name: 'Bash', input: { command: 'ls' } }),
      entry(3, 'agent.tool_result', { tool_use_id: 't1', output: 'ok', is_error: false }),
      entry(4, 'agent.text', { text: 'All good.' }),
      entry(5, 'agent.text', { unexpected: true }),
      entry(6, 'run.completed', {}),
    ]);
    expect(timeline.items.map((item) => item.kind)).toEqual(['note', 'tool', 'text', 'note', 'note']);
    expect(timeline.items[1]).toMatchObject({ result: { output: 'ok' } });
  });
});
