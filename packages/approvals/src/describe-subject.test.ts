import type { ApprovalSubject } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { DETAIL_INPUT_MAX_CHARS, describeSubject, SUMMARY_MAX_CHARS } from './describe-subject.js';

const base = {
  workspaceId: 'w',
  crewId: null,
  agentId: null,
  crewSlug: null,
  agentSlug: null,
  runId: null,
  runCostUsd: 0,
};
const tool = (toolName: string, input: unknown): ApprovalSubject => ({
  ...base,
  trigger: 'tool_use',
  toolName,
  input,
});
const redact = (text: string) => text.replaceAll(/sk-[a-z0-9]+/g, '[REDACTED]');

describe('describeSubject', () => {
  it.each<[input: unknown, summary: string]>([
    [{ command: 'rm -rf /workspace', description: 'clean' }, 'Bash: rm -rf /workspace'],
    [{ cmd: ['bash', '-lc', 'ls -la'] }, 'Bash: bash -lc ls -la'],
    [{ url: 'https://example.com' }, 'Bash: https://example.com'],
    [{ file_path: '/workspace/a.ts', content: 'x' }, 'Bash: /workspace/a.ts'],
    [{ path: '/tmp' }, 'Bash: /tmp'],
    [{ other: 1 }, 'Bash: {"other":1}'],
    ['raw string input', 'Bash: raw string input'],
    [{ command: 'echo one\n\n  echo two' }, 'Bash: echo one echo two'],
  ])('summarizes %j', (input, summary) => {
    expect(describeSubject(tool('Bash', input), redact).summary).toBe(summary);
  });

  it('keeps the summary on one line of at most 200 characters', () => {
    const { summary } = describeSubject(tool('Bash', { command: `x\n${'y'.repeat(5000)}` }), redact);
    expect(summary.length).toBe(SUMMARY_MAX_CHARS);
    expect(summary).not.toContain('\n');
    expect(summary.endsWith('…')).toBe(true);
  });

  it('scrubs strings and keys of the stored input and the summary', () => {
    const { summary, detail } = describeSubject(
      tool('Bash', { command: 'curl -H "key: sk-abc123"', headers: { 'sk-key999': 'sk-value1' }, n: 3 }),
      redact,
    );
    expect(summary).toBe('Bash: curl -H "key: [REDACTED]"');
    expect(detail).toEqual({
      tool: 'Bash',
      input: { command: 'curl -H "key: [REDACTED]"', headers: { '[REDACTED]': '[REDACTED]' }, n: 3 },
    });
  });

  it('clips huge inputs to 8 KiB of scrubbed JSON, a secret across the clip included', () => {
    const filler = 'a'.repeat(DETAIL_INPUT_MAX_CHARS - 30);
    const { detail } = describeSubject(
      tool('Write', { content: `${filler} sk-${'b'.repeat(400)} ${'c'.repeat(1e6)}` }),
      redact,
    );
    expect(detail.input_truncated).toBe(true);
    expect(detail.input_chars).toBeGreaterThan(1e6);
    expect(typeof detail.input).toBe('string');
    expect((detail.input as string).length).toBeLessThanOrEqual(DETAIL_INPUT_MAX_CHARS);
    expect(detail.input as string).not.toContain('sk-b');
    expect(detail.input as string).not.toContain('bbbb');
  });

  it('previews a run-start prompt, scrubbed', () => {
    const subject: ApprovalSubject = {
      ...base,
      trigger: 'run_start',
      prompt: `use sk-secret1 to deploy\n${'z'.repeat(5000)}`,
    };
    const { summary, detail } = describeSubject(subject, redact);
    expect(summary.startsWith('Run start: use [REDACTED] to deploy z')).toBe(true);
    expect(summary.length).toBe(SUMMARY_MAX_CHARS);
    expect(detail.prompt_preview).toMatch(/^use \[REDACTED\] to deploy\nz+…$/);
    expect((detail.prompt_preview as string).length).toBe(1000);
  });
});
