import type { ChatMessage } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { groupTurns } from './group-turns';

const message = (id: string, role: ChatMessage['role'], runId: string | null): ChatMessage => ({
  id,
  chat_id: 'c',
  role,
  content: id,
  run_id: runId,
  created_at: '2026-01-01T00:00:00.000Z',
});

describe('groupTurns', () => {
  it('puts each answer under the message that started its run', () => {
    const turns = groupTurns([
      message('u1', 'user', 'r1'),
      message('u2', 'user', 'r2'),
      message('a2', 'assistant', 'r2'),
      message('a1', 'assistant', 'r1'),
    ]);
    expect(turns.map((turn) => [turn.user?.id, turn.assistants.map((answer) => answer.id)])).toEqual([
      ['u1', ['a1']],
      ['u2', ['a2']],
    ]);
  });

  it('keeps an answer without its question as a turn of its own', () => {
    const turns = groupTurns([message('a0', 'assistant', 'gone'), message('a9', 'assistant', null)]);
    expect(turns.map((turn) => [turn.user, turn.assistants.length])).toEqual([
      [null, 1],
      [null, 1],
    ]);
  });
});
