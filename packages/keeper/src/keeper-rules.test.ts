import { describe, expect, it } from 'vitest';
import {
  credentialLevel,
  type KeeperRuleSubject,
  matchKeeperRule,
  parseKeeperRules,
} from './keeper-rules.js';

const EXAMPLE = `
levels:               # L1 = low risk, eligible for the request fast path
  - credential: "npm-*"
    level: 1
rules:                # first match wins
  - name: no-prod
    action: deny
    credential: "prod-*"
  - name: no-drop
    action: deny
    kind: execute
    command: "psql *drop*"
  - name: ask-for-deploys
    action: require_approval
    intent: "*deploy*"
    agent: "release-*"
  - name: second-opinion
    action: escalate
    kind: request
`;

const subject = (overrides: Partial<KeeperRuleSubject> = {}): KeeperRuleSubject => ({
  endpoint: 'execute',
  agent: 'builder',
  credentialName: 'github-token',
  credentialId: 'cred-1',
  intent: 'read the user',
  command: 'gh api user',
  ...overrides,
});

describe('parseKeeperRules', () => {
  it('parses the documented example with defaults', () => {
    const ruleSet = parseKeeperRules(EXAMPLE);
    expect(ruleSet.levels).toEqual([{ credential: 'npm-*', level: 1 }]);
    expect(ruleSet.rules.map((rule) => [rule.name, rule.action, rule.kind])).toEqual([
      ['no-prod', 'deny', 'any'],
      ['no-drop', 'deny', 'execute'],
      ['ask-for-deploys', 'require_approval', 'any'],
      ['second-opinion', 'escalate', 'request'],
    ]);
  });

  it.each([
    ['an empty document', ''],
    ['comments only', '# nothing yet\n'],
    ['empty sections', 'levels:\nrules:\n'],
  ])('reads %s as no rules', (_name, yaml) => {
    expect(parseKeeperRules(yaml)).toEqual({ levels: [], rules: [] });
  });

  it.each([
    ['broken YAML syntax', 'rules:\n  - name: a\n    action: [allow\n', /line \d/],
    ['a duplicate key', 'rules:\n  - name: a\n    name: b\n    action: allow\n', /line 3/],
    ['an unknown action', 'rules:\n  - name: a\n    action: maybe\n', /rules\.0\.action: line 3/],
    ['a missing action', 'rules:\n  - name: a\n    kind: any\n', /rules\.0\.action: line 2/],
    ['an unknown key', 'rules:\n  - name: a\n    action: allow\n    comand: "x"\n', /rules\.0: line 2/],
    [
      'a request rule with a command',
      'rules:\n  - name: a\n    action: deny\n    kind: request\n    command: "x*"\n',
      /rules\.0\.command: line 5/,
    ],
    ['a level out of range', 'levels:\n  - credential: "a"\n    level: 9\n', /levels\.0\.level: line 3/],
    ['an unknown top-level key', 'rule:\n  - name: a\n', /line 1/],
    ['a scalar document', 'just text', /./],
    ['a list instead of a map', '- a\n- b\n', /./],
  ])('rejects %s with the line', (_name, yaml, message) => {
    expect(() => parseKeeperRules(yaml)).toThrow(
      expect.objectContaining({ kind: 'invalid_input', message: expect.stringMatching(message) }),
    );
  });

  it('rejects alias bombs and oversized documents', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x]',
      ...'bcdefghij'.split('').map((name, index) => {
        const previous = 'abcdefghij'[index]!;
        return `${name}: &${name} [*${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}]`;
      }),
    ].join('\n');
    expect(() => parseKeeperRules(bomb)).toThrow(expect.objectContaining({ kind: 'invalid_input' }));
    expect(() => parseKeeperRules(`# ${'x'.repeat(300 * 1024)}`)).toThrow(
      expect.objectContaining({ kind: 'too_large' }),
    );
  });
});

describe('matchKeeperRule', () => {
  const ruleSet = parseKeeperRules(EXAMPLE);

  it('takes the first rule whose every glob matches, case-insensitively', () => {
    expect(matchKeeperRule(ruleSet, subject({ credentialName: 'PROD-db' }))?.name).toBe('no-prod');
    expect(matchKeeperRule(ruleSet, subject({ command: 'psql "$DB" -c \'DROP TABLE users\'' }))?.name).toBe(
      'no-drop',
    );
    expect(matchKeeperRule(ruleSet, subject({ agent: 'release-bot', intent: 'Deploy v2' }))?.name).toBe(
      'ask-for-deploys',
    );
    expect(matchKeeperRule(ruleSet, subject({ agent: 'builder', intent: 'Deploy v2' }))).toBeNull();
  });

  it('respects the kind of a rule', () => {
    expect(matchKeeperRule(ruleSet, subject({ endpoint: 'request', command: null }))?.name).toBe(
      'second-opinion',
    );
    expect(matchKeeperRule(ruleSet, subject({ endpoint: 'execute' }))).toBeNull();
  });

  it('never matches a command rule on a request and matches credential ids too', () => {
    const commandOnly = parseKeeperRules('rules:\n  - name: c\n    action: deny\n    command: "*"\n');
    expect(matchKeeperRule(commandOnly, subject({ endpoint: 'request', command: null }))).toBeNull();
    expect(matchKeeperRule(commandOnly, subject())?.name).toBe('c');
    const byId = parseKeeperRules('rules:\n  - name: id\n    action: deny\n    credential: "cred-1"\n');
    expect(matchKeeperRule(byId, subject())?.name).toBe('id');
  });
});

describe('credentialLevel', () => {
  it('uses the first matching level and defaults to 2', () => {
    const ruleSet = parseKeeperRules(
      'levels:\n  - credential: "npm-*"\n    level: 1\n  - credential: "*"\n    level: 3\n',
    );
    expect(credentialLevel(ruleSet, { name: 'NPM-publish', id: 'x' })).toBe(1);
    expect(credentialLevel(ruleSet, { name: 'github', id: 'x' })).toBe(3);
    expect(credentialLevel(parseKeeperRules(''), { name: 'npm-publish', id: 'x' })).toBe(2);
  });
});
