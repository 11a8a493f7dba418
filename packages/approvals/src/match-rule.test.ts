import type { ApprovalRule, ApprovalSubject } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { matchRule } from './match-rule.js';

const tool = (toolName: string, input: unknown, extra: Partial<ApprovalSubject> = {}): ApprovalSubject =>
  ({
    workspaceId: 'w',
    crewId: 'c1',
    agentId: 'a1',
    crewSlug: 'backend',
    agentSlug: 'dev-bot',
    runId: 'r1',
    runCostUsd: 0,
    trigger: 'tool_use',
    toolName,
    input,
    ...extra,
  }) as ApprovalSubject;
const runStart = (extra: Partial<ApprovalSubject> = {}): ApprovalSubject =>
  ({
    workspaceId: 'w',
    crewId: 'c1',
    agentId: 'a1',
    crewSlug: 'backend',
    agentSlug: 'dev-bot',
    runId: 'r1',
    runCostUsd: 0,
    trigger: 'run_start',
    prompt: 'deploy http://api.prod.example.com please',
    ...extra,
  }) as ApprovalSubject;
const rule = (fields: Partial<ApprovalRule>): ApprovalRule => ({
  name: 'r',
  on: 'tool_use',
  mode: 'sync',
  ...fields,
});

describe('matchRule', () => {
  it.each<[label: string, rule: ApprovalRule, subject: ApprovalSubject, expected: boolean]>([
    ['on: same trigger, no conditions', rule({}), tool('Bash', {}), true],
    ['on: other trigger', rule({ on: 'run_start' }), tool('Bash', {}), false],
    ['on: run_start', rule({ on: 'run_start' }), runStart(), true],
    ['tool: exact, any case', rule({ tool: 'bash' }), tool('Bash', {}), true],
    ['tool: glob', rule({ tool: '*shell*' }), tool('run_shell_command', {}), true],
    ['tool: other tool', rule({ tool: 'Bash' }), tool('Write', {}), false],
    ['tool: never on run_start', rule({ on: 'run_start', tool: '*' }), runStart(), false],
    ['input: never on run_start', rule({ on: 'run_start', input: '*' }), runStart(), false],
    ['host: never on run_start', rule({ on: 'run_start', host: '*' }), runStart(), false],
    ['input: compact JSON', rule({ input: '{"command":"ls"}' }), tool('Bash', { command: 'ls' }), true],
    ['input: glob over JSON', rule({ input: '*rm -rf*' }), tool('Bash', { command: 'rm -RF x' }), true],
    ['input: the string itself', rule({ input: 'rm -rf x' }), tool('Bash', 'rm -rf x'), true],
    ['input: no match', rule({ input: '*rm -rf*' }), tool('Bash', { command: 'ls' }), false],
    ['input: regex chars are literal', rule({ input: '*.*' }), tool('Bash', 'abc'), false],
    ['input: regex chars are literal (match)', rule({ input: '*.*' }), tool('Bash', 'a.c'), true],
    [
      'host: any host matches',
      rule({ host: '*.prod.*' }),
      tool('Fetch', { urls: ['https://x.com', 'https://api.prod.io'] }),
      true,
    ],
    ['host: none matches', rule({ host: '*.prod.*' }), tool('Fetch', { url: 'https://prod.io' }), false],
    [
      'host: userinfo trick',
      rule({ host: 'evil.com' }),
      tool('Fetch', { url: 'http://good.com@evil.com/' }),
      true,
    ],
    [
      'host: userinfo is no host',
      rule({ host: 'good.com' }),
      tool('Fetch', { url: 'http://good.com@evil.com/' }),
      false,
    ],
    [
      'host: port stripped',
      rule({ host: 'db.internal' }),
      tool('Bash', { command: 'curl http://DB.internal:5432' }),
      true,
    ],
    ['host: IPv6', rule({ host: '::1' }), tool('Bash', { command: 'curl http://[::1]:80/' }), true],
    ['host: no URL', rule({ host: '*' }), tool('Bash', { command: 'ls' }), false],
    ['cost: over', rule({ cost_over_usd: 5 }), tool('Bash', {}, { runCostUsd: 5.01 }), true],
    ['cost: equal is not over', rule({ cost_over_usd: 5 }), tool('Bash', {}, { runCostUsd: 5 }), false],
    ['cost: on run_start', rule({ on: 'run_start', cost_over_usd: 1 }), runStart({ runCostUsd: 2 }), true],
    ['agent: glob', rule({ agent: 'dev-*' }), tool('Bash', {}), true],
    ['agent: other', rule({ agent: 'ops-*' }), tool('Bash', {}), false],
    ['agent: null slug never matches', rule({ agent: '*' }), tool('Bash', {}, { agentSlug: null }), false],
    ['crew: exact, any case', rule({ crew: 'BACKEND' }), tool('Bash', {}), true],
    ['crew: null slug never matches', rule({ crew: '*' }), tool('Bash', {}, { crewSlug: null }), false],
    [
      'all conditions hold',
      rule({ tool: 'Bash', input: '*deploy*', crew: 'backend', agent: 'dev-bot', cost_over_usd: 1 }),
      tool('Bash', { command: 'deploy' }, { runCostUsd: 2 }),
      true,
    ],
    [
      'one condition fails',
      rule({ tool: 'Bash', input: '*deploy*', crew: 'frontend' }),
      tool('Bash', { command: 'deploy' }),
      false,
    ],
  ])('%s', (_label, given, subject, expected) => {
    expect(matchRule(given, subject)).toBe(expected);
  });

  it('handles inputs that JSON cannot express', () => {
    const cyclic: Record<string, unknown> = { command: 'x' };
    cyclic.self = cyclic;
    expect(matchRule(rule({ input: '*' }), tool('Bash', cyclic))).toBe(true);
    expect(matchRule(rule({ input: '*rm*' }), tool('Bash', 10n))).toBe(false);
    expect(matchRule(rule({ input: 'undefined' }), tool('Bash', undefined))).toBe(true);
  });
});
