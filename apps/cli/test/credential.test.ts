import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Credential } from '@crewship/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  type CliUser,
  cliUser,
  initOwner,
  parseJson,
  removeTemporaryDirectories,
  startTestServer,
  type TestServer,
} from './cli-harness.js';

let server: TestServer;
let owner: CliUser;
/** The secret part of every value used here: no output of any command may contain 8 characters of one. */
const markers: string[] = [];
const outputs: CliResult[] = [];

function secret(label: string): string {
  const hidden = randomBytes(24).toString('base64url');
  markers.push(hidden);
  return `sk-cli-${label}-${hidden}`;
}

function expectNoValue(result: CliResult) {
  const text = `${result.stdout}\n${result.stderr}`;
  for (const marker of markers) {
    for (let start = 0; start + 8 <= marker.length; start += 1) {
      const fragment = marker.slice(start, start + 8);
      if (text.includes(fragment)) throw new Error(`a fragment of a value leaked: ${fragment}\n${text}`);
    }
  }
}

async function run(args: readonly string[], input?: string, user = owner): Promise<CliResult> {
  const result = await user.run(args, input === undefined ? {} : { input });
  outputs.push(result);
  expectNoValue(result);
  return result;
}

beforeAll(async () => {
  server = await startTestServer();
  owner = cliUser(server.url, 'owner');
  await initOwner(owner);
  for (const args of [
    ['crew', 'create', 'Team'],
    ['agent', 'create', 'Reviewer', '--crew', 'team'],
    ['agent', 'create', 'Writer', '--crew', 'team'],
  ]) {
    const result = await owner.run(args);
    if (result.code !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
  }
});

afterAll(async () => {
  await server?.close();
  removeTemporaryDirectories();
});

describe('crewship credential', () => {
  it('creates from stdin, lists, gets, updates, assigns, rotates and deletes in human form', async () => {
    const value = secret('main');
    const created = await run(
      [
        'credential',
        'create',
        '--name',
        'anthropic-main',
        '--provider',
        'Anthropic',
        '--priority',
        '-1',
        '--value-stdin',
      ],
      `${value}\n`,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^name:\s+anthropic-main$/m);
    expect(created.stdout).toMatch(/^provider:\s+anthropic$/m);
    expect(created.stdout).toMatch(/^priority:\s+-1$/m);
    expect(created.stdout).toMatch(new RegExp(`^last4:\\s+${value.slice(-4).replace(/[-]/g, '\\-')}$`, 'm'));
    expect(created.stdout).toMatch(/^agents:\s+-$/m);

    const assigned = await run([
      'credential',
      'assign',
      'anthropic-main',
      '--agent',
      'reviewer',
      '--agent',
      'writer',
    ]);
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(assigned.stdout).toMatch(/^agents:\s+reviewer, writer$/m);

    const list = await run(['credential', 'list']);
    const [header, row] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+PROVIDER\s+TYPE\s+PRIORITY\s+LAST4\s+AGENTS\s+COOLDOWN UNTIL\s+ID$/);
    expect(row).toMatch(/^anthropic-main\s+anthropic\s+API_KEY\s+-1\s+\S{4}\s+reviewer,writer\s+-\s+\S+$/);

    const unassigned = await run(['credential', 'unassign', 'anthropic-main', '--agent', 'writer']);
    expect(unassigned.stdout).toMatch(/^agents:\s+reviewer$/m);

    const updated = await run([
      'credential',
      'update',
      'anthropic-main',
      '--name',
      'Anthropic main',
      '--priority',
      '7',
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    // A name the server cannot take in a path is looked up by the CLI.
    const got = await run(['credential', 'get', 'Anthropic main']);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toMatch(/^priority:\s+7$/m);

    const next = secret('next');
    const rotated = await run(['credential', 'rotate', 'Anthropic main', '--value-stdin'], next);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^rotated_at:\s+\d{4}-/m);

    const refused = await run(['credential', 'delete', 'Anthropic main']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const deleted = await run(['credential', 'delete', 'Anthropic main', '--yes']);
    expect(deleted.stdout).toBe('Deleted credential Anthropic main.\n');
    const gone = await run(['credential', 'get', 'Anthropic main']);
    expect(gone.code).toBe(5);
    expect(gone.stderr).toBe('crewship: credential "Anthropic main" not found\n');
    expect((await run(['credential', 'list'])).stdout).toMatch(/^No credentials yet/);
  });

  it('prints JSON documents with --json, never with a value', async () => {
    const value = secret('json');
    const created = parseJson<Credential>(
      await run(
        [
          '--json',
          'credential',
          'create',
          '--name',
          'oa',
          '--provider',
          'openai',
          '--type',
          'oauth-token',
          '--value-stdin',
        ],
        value,
      ),
    );
    expect(created).toMatchObject({ name: 'oa', type: 'OAUTH_TOKEN', last4: value.slice(-4), agent_ids: [] });
    expect(Object.keys(created)).not.toContain('value');
    expect(
      parseJson<Credential[]>(await run(['credential', 'list', '--json'])).map((item) => item.id),
    ).toEqual([created.id]);
    const assigned = parseJson<Credential>(
      await run(['credential', 'assign', created.id, '--agent', 'reviewer', 'writer', '--json']),
    );
    expect(assigned.agent_ids).toHaveLength(2);
    expect(parseJson<Credential>(await run(['credential', 'get', 'oa', '--json']))).toEqual(assigned);
    const rotated = parseJson<Credential>(
      await run(['credential', 'rotate', 'oa', '--value-stdin', '--json'], secret('json2')),
    );
    expect(rotated.rotated_at).not.toBeNull();
    expect(parseJson(await run(['credential', 'delete', 'oa', '--yes', '--json']))).toEqual({
      deleted: true,
      credential: 'oa',
    });
  });

  it('refuses a value on the command line, without echoing it', async () => {
    const value = secret('argv');
    for (const args of [
      ['credential', 'create', '--name', 'x', '--provider', 'openai', '--value', value],
      ['credential', 'create', '--name', 'x', '--provider', 'openai', `--value=${value}`],
      ['credential', 'create', '--name', 'x', '--provider', 'openai', '--value-stdin', '--value', value],
      ['credential', 'rotate', 'x', '--value', value],
    ]) {
      const result = await run(args, `${secret('stdin')}\n`);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(
        /^crewship: refusing a credential value on the command line .*--value-stdin/,
      );
    }
    const noStdinFlag = await run(['credential', 'create', '--name', 'x', '--provider', 'openai']);
    expect(noStdinFlag.code).toBe(2);
    expect(noStdinFlag.stderr).toMatch(/the value is read from stdin only/);
    const empty = await run(
      ['credential', 'create', '--name', 'x', '--provider', 'openai', '--value-stdin'],
      '\n',
    );
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no value on stdin/);
    const positional = await run(
      ['credential', 'create', value, '--name', 'x', '--provider', 'openai', '--value-stdin'],
      'v',
    );
    expect(positional.code).toBe(2);
    expect((await run(['credential', 'list', '--json'])).stdout).toBe('[]\n');
  });

  it('maps server errors to exit codes and explains invalid values without echoing them', async () => {
    const provider = await run(
      ['credential', 'create', '--name', 'p', '--provider', 'anthropik', '--value-stdin'],
      secret('p'),
    );
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain(
      'provider: Invalid option: expected one of "anthropic"|"openai"|"google"',
    );
    const huge = await run(
      ['credential', 'create', '--name', 'huge', '--provider', 'openai', '--value-stdin'],
      `sk-${'Qq7Ww8Ee'.repeat(2_200)}`,
    );
    markers.push('Qq7Ww8EeQq7Ww8Ee');
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('value: must be at most 16 KiB');
    expect(
      (
        await run(
          ['credential', 'create', '--name', 'dup', '--provider', 'groq', '--value-stdin'],
          secret('d1'),
        )
      ).code,
    ).toBe(0);
    const duplicate = await run(
      ['credential', 'create', '--name', 'dup', '--provider', 'groq', '--value-stdin'],
      secret('d2'),
    );
    expect(duplicate.code).toBe(6);
    expect(duplicate.stderr).toBe('crewship: a credential named "dup" already exists in this workspace\n');
    const agent = await run(['credential', 'assign', 'dup', '--agent', 'nobody']);
    expect(agent.code).toBe(5);
    expect(agent.stderr).toBe('crewship: agent "nobody" not found\n');

    const viewer = cliUser(server.url, 'viewer');
    const created = await owner.run(
      ['user', 'create', '--email', 'vic@example.com', '--password-stdin', '--role', 'viewer'],
      { input: 'vic has a long password\n' },
    );
    expect(created.code, created.stderr).toBe(0);
    const login = await viewer.run(['login', '--email', 'vic@example.com', '--password-stdin'], {
      input: 'vic has a long password\n',
    });
    expect(login.code, login.stderr).toBe(0);
    expect((await run(['credential', 'list'], undefined, viewer)).code).toBe(0);
    const forbidden = await run(
      ['credential', 'create', '--name', 'v', '--provider', 'groq', '--value-stdin'],
      secret('v'),
      viewer,
    );
    expect(forbidden.code).toBe(4);
    expect(forbidden.stderr).toMatch(/needs the ADMIN role/);
    const reencrypt = await run(['admin', 'reencrypt'], undefined, viewer);
    expect(reencrypt.code).toBe(4);
  });
});

describe('crewship admin reencrypt', () => {
  it("rotates the server's key; credentials keep working without a restart", async () => {
    const before = readFileSync(join(server.dataDir, 'secrets.env'), 'utf8');
    const value = secret('kept');
    expect(
      (await run(['credential', 'create', '--name', 'kept', '--provider', 'google', '--value-stdin'], value))
        .code,
    ).toBe(0);
    const count = parseJson<Credential[]>(await run(['credential', 'list', '--json'])).length;

    const human = await run(['admin', 'reencrypt']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      new RegExp(
        `^Re-encrypted ${count} credentials under key [0-9a-f]{16} \\(previous key [0-9a-f]{16}\\)\\.\\n`,
      ),
    );
    const after = readFileSync(join(server.dataDir, 'secrets.env'), 'utf8');
    const key = (text: string) => /^ENCRYPTION_KEY=(.*)$/m.exec(text)?.[1];
    expect(key(after)).not.toBe(key(before));
    expect(/^ENCRYPTION_KEY_PREVIOUS=(.*)$/m.exec(after)?.[1]).toBe(key(before));

    const json = parseJson<{ reencrypted: number; key_id: string; previous_key_id: string }>(
      await run(['admin', 'reencrypt', '--json']),
    );
    expect(json.reencrypted).toBe(count);
    expect(human.stdout).toContain(`under key ${json.previous_key_id}`);
    const rotated = await run(['credential', 'rotate', 'kept', '--value-stdin'], secret('kept2'));
    expect(rotated.code, rotated.stderr).toBe(0);
    expect((await run(['credential', 'get', 'kept'])).stdout).toMatch(/^name:\s+kept$/m);
  });

  it('explains itself in --help', async () => {
    const help = await run(['credential', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--value-stdin');
    expect(help.stdout).not.toMatch(/--value </);
    expect((await run(['credential', '--help'])).stdout).toMatch(/read from stdin only/);
    expect((await run(['admin', 'reencrypt', '--help'])).stdout).toContain('ENCRYPTION_KEY_PREVIOUS');
    expect(outputs.length).toBeGreaterThan(30);
  });
});
