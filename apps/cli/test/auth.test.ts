import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
} from './cli-harness.js';

let server: TestServer;
let owner: CliUser;

beforeAll(async () => {
  server = await startTestServer();
  owner = cliUser(server.url, 'owner');
});

afterAll(async () => {
  await server?.close();
  removeTemporaryDirectories();
});

describe('init and whoami', () => {
  it('tells a logged-out user how to log in', async () => {
    const result = await owner.run(['whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^crewship: not logged in; run `crewship login .*`crewship init`/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('needs --password-stdin and a non-empty password', async () => {
    const withoutFlag = await owner.run(['init', '--email', OWNER.email], { input: `${OWNER.password}\n` });
    expect(withoutFlag.code).toBe(2);
    expect(withoutFlag.stderr).toContain('--password-stdin');
    const empty = await owner.run(['init', '--email', OWNER.email, '--password-stdin'], { input: '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^crewship: no password on stdin/);
  });

  it('creates the Owner, logs in and saves cli.json with mode 0600 in a 0700 directory', async () => {
    await initOwner(owner);
    const whoami = await owner.run(['whoami']);
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toMatch(/^email:\s+ada@example\.com$/m);
    expect(whoami.stdout).toMatch(/^workspace:\s+default \(OWNER\)$/m);
    expect(whoami.stdout).not.toContain('crewship_cli_');

    const file = join(owner.home, 'cli.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(owner.home).mode & 0o777).toBe(0o700);
    const state = JSON.parse(readFileSync(file, 'utf8'));
    expect(state).toMatchObject({ server: server.url, email: OWNER.email, workspace: null });
    expect(state.token).toMatch(/^crewship_cli_/);

    const me = parseJson<{ user: { email: string }; workspaces: { slug: string; role: string }[] }>(
      await owner.run(['whoami', '--json']),
    );
    expect(me.user.email).toBe(OWNER.email);
    expect(me.workspaces).toEqual([expect.objectContaining({ slug: 'default', role: 'OWNER' })]);
  });

  it('refuses a second init with a conflict (exit 6)', async () => {
    const again = await cliUser(server.url, 'intruder').run(
      ['init', '--email', 'eve@example.com', '--password-stdin'],
      {
        input: 'another long password\n',
      },
    );
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/^crewship: .*already set up; log in with `crewship login`\n$/);
  });
});

describe('login, logout and tokens', () => {
  it('rejects a wrong password with exit 3', async () => {
    const result = await cliUser(server.url, 'wrong').run(
      ['login', '--email', OWNER.email, '--password-stdin'],
      {
        input: 'not the password\n',
      },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('crewship: invalid email or password\n');
  });

  it('logs out by revoking the token on the server', async () => {
    const laptop = cliUser(server.url, 'laptop');
    const login = await laptop.run(['login', '--email', OWNER.email, '--password-stdin'], {
      input: OWNER.password,
    });
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`Logged in to ${server.url} as ${OWNER.email}`);
    const saved = readFileSync(join(laptop.home, 'cli.json'), 'utf8');

    const logout = await laptop.run(['logout']);
    expect(logout.code).toBe(0);
    expect((await laptop.run(['whoami'])).code).toBe(3);

    // Putting the old file back proves the token itself was revoked, not only forgotten.
    writeFileSync(join(laptop.home, 'cli.json'), saved, { mode: 0o600 });
    const replay = await laptop.run(['crew', 'list']);
    expect(replay.code).toBe(3);
    expect(replay.stderr).toMatch(
      /^crewship: the session or token is invalid, expired or revoked; log in again/,
    );
  });

  it('creates, lists and revokes tokens; the new token is printed once and works', async () => {
    const created = parseJson<{ id: string; token: string; name: string }>(
      await owner.run(['token', 'create', '--name', 'ci', '--expires-in-days', '7', '--json']),
    );
    expect(created.token).toMatch(/^crewship_cli_/);
    const list = await owner.run(['token', 'list']);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+KIND/);
    expect(list.stdout).toContain(created.id);
    expect(list.stdout).not.toContain(created.token);

    const ci = cliUser(server.url, 'ci');
    saveLogin(ci, { server: server.url, token: created.token, token_id: created.id, email: OWNER.email });
    expect((await ci.run(['crew', 'list'])).code).toBe(0);

    const revoke = await owner.run(['token', 'revoke', created.id]);
    expect(revoke.code).toBe(0);
    expect((await ci.run(['crew', 'list'])).code).toBe(3);
    expect((await owner.run(['token', 'revoke', created.id])).code).toBe(5);
  });

  it('rejects a non-numeric --expires-in-days as a usage error', async () => {
    const result = await owner.run(['token', 'create', '--name', 'x', '--expires-in-days', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^crewship: option '--expires-in-days <days>' argument 'soon' is invalid/);
  });
});

describe('users and roles', () => {
  it('lets an Owner create a MEMBER who may read crews but not create them (exit 4)', async () => {
    const created = await owner.run(
      ['user', 'create', '--email', 'bob@example.com', '--name', 'Bob', '--password-stdin'],
      {
        input: 'bob has a long password\n',
      },
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^role:\s+MEMBER$/m);

    const bob = cliUser(server.url, 'bob');
    expect(
      (
        await bob.run(['login', '--email', 'bob@example.com', '--password-stdin'], {
          input: 'bob has a long password\n',
        })
      ).code,
    ).toBe(0);
    expect((await bob.run(['crew', 'list'])).code).toBe(0);
    const forbidden = await bob.run(['crew', 'create', 'Not allowed']);
    expect(forbidden.code).toBe(4);
    expect(forbidden.stderr).toBe(
      'crewship: this needs the MANAGER role or higher in this workspace; you are MEMBER\n',
    );
    const noUsers = await bob.run(['user', 'create', '--email', 'carol@example.com', '--password-stdin'], {
      input: 'carol has a long password\n',
    });
    expect(noUsers.code).toBe(4);
  });
});

describe('errors and help', () => {
  it('exits 9 with a clear message when the server is down', async () => {
    const offline = cliUser(undefined, 'offline');
    const result = await offline.run(
      ['--server', 'http://127.0.0.1:1', 'login', '--email', OWNER.email, '--password-stdin'],
      {
        input: OWNER.password,
      },
    );
    expect(result.code).toBe(9);
    expect(result.stderr).toMatch(
      /^crewship: cannot reach Crewship at http:\/\/127\.0\.0\.1:1 .*crewship start/,
    );

    // A saved login for a server that went away.
    saveLogin(offline, {
      server: 'http://127.0.0.1:1',
      token: 'crewship_cli_x',
      token_id: 'x',
      email: OWNER.email,
    });
    expect((await offline.run(['crew', 'list'])).code).toBe(9);
  });

  it('never sends the saved token to another --server', async () => {
    const result = await owner.run(['--server', 'http://127.0.0.1:1', 'crew', 'list']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`the saved login is for ${server.url}`);
  });

  it('reports usage errors on one line with exit 2', async () => {
    const unknownCommand = await owner.run(['crews']);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toMatch(/^crewship: unknown command 'crews'/);
    const unknownOption = await owner.run(['crew', 'list', '--colour']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toBe("crewship: unknown option '--colour'\n");
    const missing = await owner.run(['crew', 'get']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("crewship: missing required argument 'ref'\n");
  });

  it.each([
    [[], /Getting started/],
    [['start'], /Run the Crewship server/],
    [['doctor'], /Docker problems are warnings/],
    [['init'], /--password-stdin/],
    [['login'], /--token-name/],
    [['logout'], /--force/],
    [['whoami'], /logged-in user/],
    [['token'], /crewship token create --name ci/],
    [['user'], /create \[options\]/],
    [['user', 'create'], /--role <role>/],
    [['workspace'], /crewship workspace use research/],
    [['workspace', 'member'], /OWNER, ADMIN, MANAGER, MEMBER, VIEWER/],
    [['crew'], /--allow-domain github.com/],
    [['crew', 'create'], /restricted \| free/],
    [['agent'], /--persona-file reviewer.md/],
    [['agent', 'create'], /CLAUDE_CODE \| CODEX_CLI/],
  ])('explains %j with --help', async (words, expected) => {
    const result = await owner.run([...(words as string[]), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: crewship/);
    expect(result.stdout).toMatch(expected as RegExp);
  });
});
