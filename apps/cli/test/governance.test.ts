import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Approval, Budget, InboxItem, PaymasterSummary, RatePrice } from '@crewship/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliUser,
  cliUser,
  initOwner,
  OWNER,
  parseJson,
  removeTemporaryDirectories,
  saveLogin,
  startTestServer,
  type TestServer,
  temporaryDirectory,
} from './cli-harness.js';

let server: TestServer;
let owner: CliUser;
let member: CliUser;

async function succeed(user: CliUser, args: readonly string[], input?: string) {
  const result = await user.run(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result;
}

beforeAll(async () => {
  server = await startTestServer();
  owner = cliUser(server.url, 'owner');
  await initOwner(owner);
  await succeed(owner, ['crew', 'create', 'Web Team']);
  await succeed(owner, ['agent', 'create', 'Ada', '--crew', 'web-team']);
  await succeed(
    owner,
    ['user', 'create', '--email', 'bob@example.com', '--name', 'Bob', '--password-stdin'],
    'bob has a long password\n',
  );
  member = cliUser(server.url, 'member');
  await succeed(
    member,
    ['login', '--email', 'bob@example.com', '--password-stdin'],
    'bob has a long password\n',
  );
});

afterAll(async () => {
  await server?.close();
  removeTemporaryDirectories();
});

describe('bad input is refused before any request', () => {
  /** Logged in to a server that is not there: any request would end with exit 9, not 2. */
  function offlineUser(): CliUser {
    const user = cliUser(undefined, 'offline');
    saveLogin(user, {
      server: 'http://127.0.0.1:1',
      token: 'crewship_cli_x',
      token_id: 'x',
      email: OWNER.email,
    });
    return user;
  }

  it.each([
    [
      ['budget', 'set', '--window', 'month', '--usd', 'ten'],
      /^crewship: option '--usd <amount>' argument 'ten' is invalid\. must be a number\.$/,
    ],
    [
      ['budget', 'set', '--window', 'year', '--usd', '5'],
      /'year' is invalid\. Allowed choices are day, week, month\.$/,
    ],
    [['budget', 'set', '--window', 'month', '--usd', '-1'], /must not be negative/],
    [['budget', 'set', '--window', 'month', '--tokens', '1.5'], /must be a whole number/],
    [
      ['budget', 'set', '--window', 'month'],
      /^crewship: give a limit: --usd AMOUNT, --tokens COUNT or both$/,
    ],
    [['budget', 'set', '--usd', '5'], /required option '--window <window>' not specified/],
    [['budget', 'set', '--scope', 'crew', '--window', 'day', '--usd', '5'], /a crew budget needs --crew REF/],
    [
      ['budget', 'set', '--scope', 'workspace', '--agent', 'ada', '--window', 'day', '--usd', '5'],
      /--agent does not go with --scope workspace/,
    ],
    [
      ['budget', 'set', '--soft', '--hard', '--window', 'day', '--usd', '5'],
      /'--soft' cannot be used with option '--hard'/,
    ],
    [['budget', 'set', '--window', 'day', '--usd', '99999999'], /^crewship: invalid budget: limit_usd: /],
    [['budget', 'delete', 'b1'], /refusing to delete budget b1 without --yes/],
    [['cost', '--window', 'year'], /Allowed choices are day, week, month/],
    [['cost', '--by', 'planet'], /Allowed choices are crew, agent, model, day/],
    [['cost', 'ledger', '--limit', '0'], /must be between 1 and 1000/],
    [
      ['model', 'price', 'set', 'acme', 'm1', '--input', '1', '--output', '2'],
      /'acme' is invalid for argument 'provider'/,
    ],
    [['model', 'price', 'set', 'openai', 'm1', '--input', 'cheap', '--output', '2'], /'cheap' is invalid/],
    [
      ['model', 'price', 'set', 'openai', 'm1', '--input', '1'],
      /required option '--output <usd>' not specified/,
    ],
    [['approvals', 'list', '--status', 'waiting'], /Allowed choices are pending, approved, denied/],
    [['inbox', 'list', '--kind', 'spam'], /Allowed choices are approval, escalation/],
    [['keeper', 'requests', '--limit', 'many'], /'many' is invalid/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const result = await offlineUser().run(args as string[]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim()).toMatch(message as RegExp);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });
});

describe('crewship budget', () => {
  it('sets, lists, replaces and deletes budgets with spent, limit and share used', async () => {
    const workspace = await owner.run([
      'budget',
      'set',
      '--scope',
      'workspace',
      '--window',
      'month',
      '--usd',
      '5',
    ]);
    expect(workspace.code, workspace.stderr).toBe(0);
    expect(workspace.stdout).toMatch(/^scope:\s+workspace$/m);
    expect(workspace.stdout).toMatch(/^mode:\s+hard$/m);
    expect(workspace.stdout).toMatch(/^limit_usd:\s+\$5\.00$/m);
    expect(workspace.stdout).toMatch(/^spent_usd:\s+\$0\.0000$/m);
    expect(workspace.stdout).toMatch(/^used:\s+0%$/m);

    const crew = parseJson<Budget>(
      await owner.run([
        'budget',
        'set',
        '--crew',
        'web-team',
        '--window',
        'day',
        '--soft',
        '--tokens',
        '1000000',
        '--json',
      ]),
    );
    expect(crew).toMatchObject({
      scope: 'crew',
      window: 'day',
      mode: 'soft',
      limit_tokens: 1_000_000,
      limit_usd: null,
    });

    const list = await owner.run(['budget', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+SCOPE\s+WINDOW\s+MODE\s+USD\s+TOKENS\s+USED\s+SINCE$/m);
    expect(list.stdout).toMatch(/^\S+\s+workspace\s+month\s+hard\s+\$0\.0000 \/ \$5\.00\s+-\s+0%\s/m);
    expect(list.stdout).toMatch(/^\S+\s+crew web-team\s+day\s+soft\s+-\s+0 \/ 1,000,000\s+0%\s/m);

    await succeed(owner, ['budget', 'set', '--window', 'month', '--usd', '7.5', '--tokens', '2500']);
    const budgets = parseJson<Budget[]>(await owner.run(['budget', 'list', '--json']));
    expect(budgets).toHaveLength(2);
    const replaced = budgets.find((budget) => budget.scope === 'workspace');
    expect(replaced).toMatchObject({ window: 'month', limit_usd: 7.5, limit_tokens: 2500, spent_usd: 0 });

    const deleted = await owner.run(['budget', 'delete', crew.id, '--yes']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`Deleted budget ${crew.id}.\n`);
    expect(
      parseJson<Budget[]>(await owner.run(['budget', 'list', '--json'])).map((budget) => budget.id),
    ).toEqual([replaced?.id]);
    expect((await owner.run(['budget', 'delete', crew.id, '--yes'])).code).toBe(5);
    const unknownCrew = await owner.run([
      'budget',
      'set',
      '--crew',
      'no-such-crew',
      '--window',
      'day',
      '--usd',
      '1',
    ]);
    expect(unknownCrew.code).toBe(5);
  });

  it('lets a Member read budgets but not set them (exit 4)', async () => {
    expect((await member.run(['budget', 'list'])).code).toBe(0);
    const refused = await member.run(['budget', 'set', '--window', 'day', '--usd', '1']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/^crewship: .*ADMIN/);
  });
});

describe('crewship model price', () => {
  it('sets a workspace price and lists it with the rate card', async () => {
    const set = await owner.run([
      'model',
      'price',
      'set',
      'anthropic',
      'claude-cli-test',
      '--input',
      '3',
      '--output',
      '15',
      '--cache-read',
      '0.3',
      '--cache-write',
      '3.75',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^input_per_m:\s+\$3\.00$/m);
    expect(set.stdout).toMatch(/^cache_read_per_m:\s+\$0\.30$/m);
    expect(set.stdout).toMatch(/^source:\s+workspace$/m);

    const list = await owner.run(['model', 'price', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      /^PROVIDER\s+MODEL\s+INPUT\/M\s+OUTPUT\/M\s+CACHE READ\/M\s+CACHE WRITE\/M\s+SOURCE$/m,
    );
    expect(list.stdout).toMatch(
      /^anthropic\s+claude-cli-test\s+\$3\.00\s+\$15\.00\s+\$0\.30\s+\$3\.75\s+workspace$/m,
    );
    const rates = parseJson<RatePrice[]>(await owner.run(['model', 'price', 'list', '--json']));
    expect(rates.find((rate) => rate.model === 'claude-cli-test')).toEqual({
      provider: 'anthropic',
      model: 'claude-cli-test',
      input_per_m: 3,
      output_per_m: 15,
      cache_read_per_m: 0.3,
      cache_write_per_m: 3.75,
      source: 'workspace',
    });
  });
});

describe('crewship cost', () => {
  it('summarizes an empty ledger with a zero total', async () => {
    const summary = await owner.run(['cost']);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toMatch(/^No LLM calls this month \(since [\d-]+ [\d:]+\)\.$/m);
    expect(summary.stdout).toMatch(/^Total: \$0\.0000 · 0 tokens · 0 calls$/m);
    expect(summary.stdout).not.toContain('Note:');

    const json = parseJson<PaymasterSummary>(
      await owner.run(['cost', '--by', 'model', '--window', 'week', '--json']),
    );
    expect(json).toMatchObject({
      by: 'model',
      window: 'week',
      total_usd: 0,
      total_tokens: 0,
      unpriced_calls: 0,
      groups: [],
    });
    expect((await owner.run(['cost', '--window', 'day'])).stdout).toMatch(/^No LLM calls today /m);
  });

  it('lists an empty ledger', async () => {
    const ledger = await owner.run(['cost', 'ledger', '--agent', 'ada', '--limit', '5']);
    expect(ledger.code, ledger.stderr).toBe(0);
    expect(ledger.stdout).toBe('No LLM calls recorded yet.\n');
    expect(parseJson<unknown[]>(await owner.run(['cost', 'ledger', '--json']))).toEqual([]);
  });
});

describe('crewship approvals', () => {
  it('lists no requests, and deciding an unknown one is not found (exit 5)', async () => {
    const list = await owner.run(['approvals', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toBe('No approval requests.\n');
    expect(
      parseJson<Approval[]>(await owner.run(['approvals', 'list', '--status', 'pending', '--json'])),
    ).toEqual([]);

    const approve = await owner.run(['approvals', 'approve', '01NOSUCHAPPROVAL', '--note', 'fine']);
    expect(approve.code).toBe(5);
    expect(approve.stderr).toMatch(/^crewship: .+\n$/);
    expect((await owner.run(['approvals', 'deny', '01NOSUCHAPPROVAL'])).code).toBe(5);
    expect((await owner.run(['approvals', 'get', '01NOSUCHAPPROVAL'])).code).toBe(5);
  });

  it('replaces the rules from a JSON file or stdin and prints them', async () => {
    const before = parseJson<{ source: string }>(await owner.run(['approvals', 'rules', '--json']));
    expect(before.source).toBe('default');

    const file = join(temporaryDirectory('rules'), 'rules.json');
    writeFileSync(
      file,
      JSON.stringify({
        rules: [
          {
            name: 'destructive shell',
            on: 'tool_use',
            tool: 'Bash',
            input: '*rm -rf*',
            mode: 'sync',
            timeout_seconds: 120,
          },
          { name: 'log expensive', on: 'tool_use', cost_over_usd: 2, mode: 'async' },
        ],
      }),
    );
    const set = await owner.run(['approvals', 'rules', '--set', file]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^Saved 2 approval rules\.$/m);
    expect(set.stdout).toMatch(/^#\s+NAME\s+ON\s+MATCH\s+MODE\s+TIMEOUT$/m);
    expect(set.stdout).toMatch(
      /^1\s+destructive shell\s+tool_use\s+tool=Bash input=\*rm -rf\*\s+sync\s+120s$/m,
    );
    expect(set.stdout).toMatch(/^2\s+log expensive\s+tool_use\s+cost>\$2\.00\s+async\s+-$/m);

    const fromStdin = await owner.run(['approvals', 'rules', '--set', '-'], {
      input: JSON.stringify([{ name: 'interns', on: 'run_start', agent: 'intern-*', mode: 'sync' }]),
    });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    const after = parseJson<{ source: string; rules: { name: string }[] }>(
      await owner.run(['approvals', 'rules', '--json']),
    );
    expect(after).toMatchObject({ source: 'workspace', rules: [{ name: 'interns' }] });
  });

  it('refuses a rules file that is not JSON, breaks the rule schema or is missing (exit 2), keeping the rules', async () => {
    const notJson = await owner.run(['approvals', 'rules', '--set', '-'], { input: 'rules: []' });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^crewship: stdin is not JSON/);
    const badRule = await owner.run(['approvals', 'rules', '--set', '-'], {
      input: JSON.stringify({ rules: [{ name: 'x', on: 'tool_use', mode: 'maybe' }] }),
    });
    expect(badRule.code).toBe(2);
    expect(badRule.stderr).toMatch(/^crewship: invalid approval rules in stdin: rules\.0\.mode: /);
    const missing = await owner.run(['approvals', 'rules', '--set', '/nonexistent/rules.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('crewship: cannot read /nonexistent/rules.json (ENOENT)\n');
    const rules = parseJson<{ rules: { name: string }[] }>(await owner.run(['approvals', 'rules', '--json']));
    expect(rules.rules.map((rule) => rule.name)).toEqual(['interns']);
  });
});

describe('crewship keeper', () => {
  const YAML = '# reviewed by Ada\nrules: []\n';

  it('shows the status', async () => {
    const status = await owner.run(['keeper', 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^judge:\s+\S/m);
    expect(status.stdout).toMatch(/^decisions_24h:\s+0 allowed, 0 denied$/m);
    const json = parseJson<{ judge: { configured: boolean }; decisions_24h: unknown }>(
      await owner.run(['keeper', 'status', '--json']),
    );
    expect(json.decisions_24h).toEqual({ allow: 0, deny: 0 });
    expect(typeof json.judge.configured).toBe('boolean');
  });

  it('round-trips the YAML rules and refuses invalid YAML (exit 2), keeping the old rules', async () => {
    const file = join(temporaryDirectory('keeper'), 'keeper.yaml');
    writeFileSync(file, YAML);
    const set = await owner.run(['keeper', 'rules', '--set', file]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('Saved Keeper rules: 0 rules.\n');

    const printed = await owner.run(['keeper', 'rules']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(YAML);
    const document = parseJson<{ yaml: string; rules: number; updated_at: string | null }>(
      await owner.run(['keeper', 'rules', '--json']),
    );
    expect(document).toMatchObject({ yaml: YAML, rules: 0 });
    expect(document.updated_at).not.toBeNull();

    const invalid = await owner.run(['keeper', 'rules', '--set', '-'], { input: 'rules: [unclosed\n' });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^crewship: .+\n$/);
    expect((await owner.run(['keeper', 'rules'])).stdout).toBe(YAML);
  });

  it('lists no requests yet', async () => {
    const requests = await owner.run(['keeper', 'requests', '--limit', '10']);
    expect(requests.code, requests.stderr).toBe(0);
    expect(requests.stdout).toBe('No Keeper requests yet.\n');
    expect(parseJson<unknown[]>(await owner.run(['keeper', 'requests', '--json']))).toEqual([]);
  });
});

describe('crewship inbox', () => {
  it('lists and counts an empty inbox; unknown items are not found (exit 5)', async () => {
    const list = await owner.run(['inbox', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toBe('Your inbox is empty.\n');
    expect(
      parseJson<{ items: InboxItem[]; next_cursor: string | null }>(
        await owner.run(['inbox', 'list', '--all', '--json']),
      ),
    ).toEqual({
      items: [],
      next_cursor: null,
    });
    expect((await owner.run(['inbox', 'list', '--status', 'unread', '--kind', 'approval'])).stdout).toBe(
      'No inbox items match.\n',
    );

    const count = await owner.run(['inbox', 'count']);
    expect(count.code, count.stderr).toBe(0);
    expect(count.stdout).toBe('0 unread\n');
    expect(parseJson(await owner.run(['inbox', 'count', '--json']))).toEqual({ unread: 0 });
    expect(parseJson(await member.run(['inbox', 'count', '--json']))).toEqual({ unread: 0 });

    for (const verb of ['read', 'resolve', 'archive']) {
      expect((await owner.run(['inbox', verb, '01NOSUCHITEM'])).code).toBe(5);
    }
  });
});

describe('help', () => {
  it.each([
    [['cost'], [/--by <grouping>/, /--window <window>/, /ledger/, /counted in tokens only/]],
    [
      ['cost', 'ledger'],
      [/--run <id>/, /--agent <ref>/, /--limit <n>/, /CONFIDENCE/],
    ],
    [
      ['model', 'price'],
      [/every model of the\s+provider/, /set anthropic/],
    ],
    [
      ['model', 'price', 'set'],
      [/--input <usd>/, /--output <usd>/, /--cache-read <usd>/, /--cache-write <usd>/],
    ],
    [['budget'], [/refuses the next LLM call at 100 %/, /--soft/]],
    [
      ['budget', 'set'],
      [
        /--scope <scope>/,
        /--crew <ref>/,
        /--agent <ref>/,
        /--soft/,
        /--hard/,
        /--usd <amount>/,
        /--tokens <count>/,
      ],
    ],
    [['approvals'], [/approvals approve/, /no decision in time denies/]],
    [
      ['approvals', 'list'],
      [/--status <status>/, /--run <id>/],
    ],
    [['approvals', 'approve'], [/--note <text>/]],
    [
      ['approvals', 'rules'],
      [/--set <file>/, /timeout_seconds/, /"on": "tool_use"/],
    ],
    [['keeper'], [/fail closed/, /keeper rules --set keeper\.yaml/]],
    [
      ['keeper', 'rules'],
      [/--set <file>/, /round-trip/],
    ],
    [['keeper', 'requests'], [/--limit <n>/]],
    [['inbox'], [/inbox read/, /--status archived/]],
    [
      ['inbox', 'list'],
      [/--status <status>/, /--kind <kind>/, /--all/],
    ],
  ])('explains %j', async (words, patterns) => {
    const result = await owner.run([...(words as string[]), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: crewship/);
    for (const pattern of patterns as RegExp[]) expect(result.stdout).toMatch(pattern);
  });
});
