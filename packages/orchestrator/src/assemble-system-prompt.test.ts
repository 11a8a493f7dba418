import { describe, expect, it } from 'vitest';
import {
  assembleSystemPrompt,
  DEFAULT_ETHOS,
  type SystemPromptInput,
  systemPromptBudgets,
} from './assemble-system-prompt.js';
import { testAgent, testCrew } from './testing/index.js';

const base: SystemPromptInput = {
  agent: testAgent({ role: 'MEMBER' }),
  crew: testCrew(),
  language: 'German',
  skills: [{ name: 'release', content: 'Tag, build, publish.' }],
  history: [
    { role: 'user', content: 'first question' },
    { role: 'assistant', content: 'first answer' },
  ],
  memory: 'The user prefers pnpm.',
  budgetChars: 100_000,
};

function headers(text: string): string[] {
  return text.match(/^\[[A-Z ]+\]$/gm) ?? [];
}

describe('assembleSystemPrompt', () => {
  it('puts every section in the documented order for a member', () => {
    const { text } = assembleSystemPrompt(base);
    expect(headers(text)).toEqual([
      '[CREWSHIP ETHOS]',
      '[LANGUAGE PREFERENCE]',
      '[AGENT IDENTITY]',
      '[PERSONA]',
      '[SKILLS AVAILABLE]',
      '[CONVERSATION HISTORY]',
      '[PEER CONTEXT]',
      '[AGENT MEMORY]',
      '[MEMORY INSTRUCTIONS]',
    ]);
    expect(text).toContain(DEFAULT_ETHOS.member);
    expect(text).not.toContain(DEFAULT_ETHOS.lead);
    expect(text).toContain('German');
    expect(text).toContain('Name: Ada');
    expect(text).toContain('Crew: Apollo (apollo)');
    expect(text).toContain('You write careful TypeScript.');
    expect(text).toContain('User: first question\n\nAssistant: first answer');
    expect(text).toContain('The user prefers pnpm.');
    expect(text).toContain('/crew/agents/ada/.memory/');
  });

  it('gives a lead the lead ethos and crew context', () => {
    const { text } = assembleSystemPrompt({ ...base, agent: testAgent({ role: 'LEAD' }) });
    expect(headers(text)).toContain('[CREW CONTEXT]');
    expect(headers(text)).not.toContain('[PEER CONTEXT]');
    expect(text).toContain(DEFAULT_ETHOS.lead);
    expect(text).not.toContain(DEFAULT_ETHOS.member);
    expect(text).toContain('Role: LEAD');
  });

  it('uses a custom ethos', () => {
    const { text } = assembleSystemPrompt({ ...base, ethos: { lead: 'Lead well.', member: 'Row hard.' } });
    expect(text.startsWith('[CREWSHIP ETHOS]\nRow hard.')).toBe(true);
  });

  it('omits the optional sections when they are empty', () => {
    const { text } = assembleSystemPrompt({
      ...base,
      language: null,
      skills: [],
      history: [],
      memory: '  \n',
      agent: testAgent({ persona: '' }),
    });
    expect(headers(text)).toEqual([
      '[CREWSHIP ETHOS]',
      '[AGENT IDENTITY]',
      '[PEER CONTEXT]',
      '[MEMORY INSTRUCTIONS]',
    ]);
  });

  it('splits what the fixed sections leave 60/40 between history and memory', () => {
    const fixed = { ...base, history: [], memory: '' };
    const fixedLength = assembleSystemPrompt({ ...fixed, budgetChars: 1_000_000 }).text.length;
    const budgets = systemPromptBudgets({ ...fixed, budgetChars: fixedLength + 4 + 10_000 });
    expect(budgets).toEqual({ remaining: 10_000, history: 6_000, memory: 4_000 });
  });

  it('keeps the newest turns that fit in the history budget and drops the oldest first', () => {
    const fixed = { ...base, history: [], memory: '' };
    const fixedLength = assembleSystemPrompt({ ...fixed, budgetChars: 1_000_000 }).text.length;
    const budgetChars = fixedLength + 4 + 10_000;
    // Each rendered turn is "User: " + 994 characters = 1000, plus a 2-character separator.
    const history = Array.from({ length: 10 }, (_, index) => ({
      role: 'user' as const,
      content: `turn-${index}`.padEnd(994, '.'),
    }));
    const memory = 'm'.repeat(50_000);
    const assembled = assembleSystemPrompt({ ...base, history, memory, budgetChars });

    // 6000 chars: header (22) + newline + 5 turns and 4 separators = 5031; a sixth would need 1002 more.
    expect(assembled.historyTurnsKept).toBe(5);
    expect(assembled.historyTurnsDropped).toBe(5);
    for (const index of [0, 1, 2, 3, 4]) expect(assembled.text).not.toContain(`turn-${index}.`);
    const positions = [5, 6, 7, 8, 9].map((index) => assembled.text.indexOf(`turn-${index}.`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const memorySection = assembled.text.slice(
      assembled.text.indexOf('[AGENT MEMORY]'),
      assembled.text.indexOf('\n\n[MEMORY INSTRUCTIONS]'),
    );
    expect(memorySection.length).toBe(4_000);
    expect(memorySection.endsWith('[…truncated]')).toBe(true);
    expect(assembled.text.length).toBeLessThanOrEqual(budgetChars);
  });

  it('keeps part of the newest turn when even that one does not fit', () => {
    const fixed = { ...base, history: [], memory: '' };
    const fixedLength = assembleSystemPrompt({ ...fixed, budgetChars: 1_000_000 }).text.length;
    const history = [
      { role: 'user' as const, content: 'old' },
      { role: 'assistant' as const, content: `newest ${'x'.repeat(5_000)}` },
    ];
    const assembled = assembleSystemPrompt({ ...fixed, history, budgetChars: fixedLength + 4 + 1_000 });
    expect(assembled.historyTurnsKept).toBe(1);
    const historySection = assembled.text.slice(
      assembled.text.indexOf('[CONVERSATION HISTORY]'),
      assembled.text.indexOf('\n\n[PEER CONTEXT]'),
    );
    expect(historySection.length).toBe(600);
    expect(historySection).toContain('Assistant: newest x');
    expect(historySection).not.toContain('User: old');
  });

  it('leaves history and memory out when the fixed sections use the whole budget', () => {
    const assembled = assembleSystemPrompt({ ...base, budgetChars: 100 });
    expect(assembled.budgets).toEqual({ remaining: 0, history: 0, memory: 0 });
    expect(headers(assembled.text)).not.toContain('[CONVERSATION HISTORY]');
    expect(headers(assembled.text)).not.toContain('[AGENT MEMORY]');
    expect(headers(assembled.text)).toContain('[MEMORY INSTRUCTIONS]');
  });
});
