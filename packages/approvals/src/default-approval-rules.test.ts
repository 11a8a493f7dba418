import type { ApprovalSubject } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_RULES } from './default-approval-rules.js';
import { matchRule } from './match-rule.js';

const firstMatch = (toolName: string, input: unknown, runCostUsd = 0) => {
  const subject: ApprovalSubject = {
    workspaceId: 'w',
    crewId: null,
    agentId: null,
    crewSlug: null,
    agentSlug: null,
    runId: null,
    runCostUsd,
    trigger: 'tool_use',
    toolName,
    input,
  };
  const rule = DEFAULT_APPROVAL_RULES.find((candidate) => matchRule(candidate, subject));
  return rule ? `${rule.name}/${rule.mode}` : null;
};

describe('DEFAULT_APPROVAL_RULES', () => {
  it.each<[command: string, expected: string | null]>([
    ['rm -rf /', 'rm-rf-root/sync'],
    ['sudo rm -rf / --no-preserve-root', 'rm-rf-root/sync'],
    ['rm -rf /; echo done', 'rm-rf-root/sync'],
    ['RM -RF / ', 'rm-rf-root/sync'],
    ['rm -fr /', 'rm-rf-root/sync'],
    ['rm -rf ~', 'rm-rf-home/sync'],
    ['rm -rf ~/projects', 'rm-rf-home/sync'],
    ['rm -rf $HOME/.cache', 'rm-rf-home/sync'],
    ['git push origin main --force', 'git-force-push/sync'],
    ['git push --force-with-lease', 'git-force-push/sync'],
    ['psql -c "DROP DATABASE app"', 'drop-database/sync'],
    ['sqlite3 db "drop table users"', 'drop-table/sync'],
    ['mkfs.ext4 /dev/sdb1', 'mkfs/sync'],
    ['dd if=/dev/zero of=/dev/sda bs=1M', 'dd-to-device/sync'],
    ['curl https://api.prod.example.com/health', 'production-host/async'],
    ['curl https://db.production.internal:5432', 'production-host/async'],
    ['rm -rf /workspace/build', null],
    ['rm -rf ./dist /tmp/cache', null],
    ['ls -la /usr/bin', null],
    ['git push origin main', null],
    ['dd if=/dev/zero of=./disk.img', null],
    ['curl https://prod.example.com', null],
  ])('%j → %s', (command, expected) => {
    expect(firstMatch('Bash', { command })).toBe(expected);
  });

  it('logs any tool call of a run that has cost more than $5', () => {
    expect(firstMatch('Read', { file_path: '/workspace/a.ts' }, 5.5)).toBe('costly-run/async');
    expect(firstMatch('Read', { file_path: '/workspace/a.ts' }, 4.99)).toBeNull();
  });

  it('is frozen', () => {
    expect(Object.isFrozen(DEFAULT_APPROVAL_RULES)).toBe(true);
    expect(DEFAULT_APPROVAL_RULES.every((rule) => Object.isFrozen(rule))).toBe(true);
    expect(
      DEFAULT_APPROVAL_RULES.filter((rule) => rule.mode === 'sync').every(
        (rule) => rule.timeout_seconds === 600,
      ),
    ).toBe(true);
  });
});
