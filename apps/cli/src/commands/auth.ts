import { hostname } from 'node:os';
import { CrewshipError, type Role, type Token } from '@crewship/contracts';
import { createCrewshipClient } from '@crewship/sdk';
import type { Command } from 'commander';
import { anonymousClient, type CliContext, readPassword, signedInClient, wantsJson } from '../context.js';
import { toCrewshipError } from '../errors.js';
import type { LoginState } from '../login-state.js';
import { parseInteger, upperConstant } from '../option-parsers.js';

const defaultTokenName = () => `crewship cli on ${hostname()}`.slice(0, 100);

/** Exchanges email and password for a CLI token and saves it. */
async function logIn(
  context: CliContext,
  command: Command,
  input: { email: string; password: string; tokenName: string },
): Promise<LoginState> {
  const { api, server } = anonymousClient(context, command);
  const issued = await api.auth.token({
    email: input.email,
    password: input.password,
    name: input.tokenName,
  });
  const previous = context.login.read();
  const keepWorkspace = previous?.server === server && previous.email === input.email.trim().toLowerCase();
  const state: LoginState = {
    server,
    token: issued.token,
    token_id: issued.id,
    email: input.email.trim().toLowerCase(),
    workspace: keepWorkspace ? previous.workspace : null,
  };
  context.login.write(state);
  return state;
}

export function registerAuthCommands(program: Command, context: CliContext): void {
  const { out } = context;

  program
    .command('init')
    .description('Set up a new server: create the first Owner and workspace, then log in')
    .requiredOption('--email <email>', 'email of the first Owner')
    .option('--password-stdin', 'read the password (at least 12 characters) from stdin')
    .option('--name <name>', 'display name of the Owner')
    .option('--workspace-name <name>', 'name of the first workspace', 'Default')
    .option('--token-name <name>', 'name of the CLI token created for this machine')
    .addHelpText(
      'after',
      `
Works once per server: afterwards use \`crewship login\`.

Example:
  $ printf '%s\\n' "$PASSWORD" | crewship init --email you@example.com --password-stdin --name "Ada"`,
    )
    .action(async (options, command: Command) => {
      const password = await readPassword(
        context,
        options.passwordStdin,
        'crewship init --email you@example.com',
      );
      const { api, server } = anonymousClient(context, command);
      const created = await api.bootstrap
        .create({ email: options.email, password, name: options.name, workspace_name: options.workspaceName })
        .catch((error: unknown) => {
          const failure = toCrewshipError(error);
          if (failure.kind !== 'conflict') throw failure;
          throw new CrewshipError('conflict', `${server} is already set up; log in with \`crewship login\``, {
            cause: failure,
          });
        });
      await logIn(context, command, {
        email: options.email,
        password,
        tokenName: options.tokenName ?? defaultTokenName(),
      });
      if (wantsJson(command)) return out.json(created);
      out.line(
        `Created the Owner ${created.user.email} and the workspace ${created.workspace.name} (${created.workspace.slug}).`,
      );
      out.line(`Logged in to ${server} as ${created.user.email}.`);
    });

  program
    .command('login')
    .description('Log in with email and password; saves a CLI token in $CREWSHIP_HOME/cli.json')
    .requiredOption('--email <email>', 'your email')
    .option('--password-stdin', 'read the password from stdin')
    .option('--token-name <name>', 'name of the CLI token (shown in `crewship token list`)')
    .addHelpText(
      'after',
      `
Example:
  $ printf '%s\\n' "$PASSWORD" | crewship login --email you@example.com --password-stdin
  $ crewship --server https://crewship.example.com login --email you@example.com --password-stdin < pw.txt`,
    )
    .action(async (options, command: Command) => {
      const password = await readPassword(
        context,
        options.passwordStdin,
        'crewship login --email you@example.com',
      );
      const state = await logIn(context, command, {
        email: options.email,
        password,
        tokenName: options.tokenName ?? defaultTokenName(),
      });
      if (wantsJson(command))
        return out.json({ server: state.server, email: state.email, token_id: state.token_id });
      out.line(`Logged in to ${state.server} as ${state.email}.`);
    });

  program
    .command('logout')
    .description('Revoke this CLI token on the server, then forget the local login')
    .option('--force', 'forget the local login even when the server cannot revoke the token')
    .action(async (options, command: Command) => {
      const state = context.login.read();
      if (!state) {
        if (wantsJson(command)) return out.json({ logged_out: false });
        return out.line('Not logged in.');
      }
      const api = createCrewshipClient({ baseUrl: state.server, token: state.token });
      try {
        await api.auth.logout();
      } catch (error) {
        const failure = toCrewshipError(error);
        // An invalid token is already as good as revoked.
        if (failure.kind !== 'unauthenticated' && !options.force) {
          throw new CrewshipError(
            failure.kind,
            `${failure.message}; the local login was kept: retry, or use \`crewship logout --force\` to forget it anyway`,
            { cause: failure },
          );
        }
      }
      context.login.remove();
      if (wantsJson(command)) return out.json({ logged_out: true, server: state.server, email: state.email });
      out.line(`Logged out of ${state.server}.`);
    });

  program
    .command('whoami')
    .description('Show the logged-in user, the server and the workspaces with your roles')
    .action(async (_options, command: Command) => {
      const { api, server, workspace } = signedInClient(context, command);
      const me = await api.me();
      if (wantsJson(command)) return out.json(me);
      const current =
        me.workspaces.find((item) => item.id === workspace || item.slug === workspace) ??
        (workspace === undefined ? me.workspaces[0] : undefined);
      out.record({
        server,
        email: me.user.email,
        name: me.user.name,
        user_id: me.user.id,
        workspace: current ? `${current.slug} (${current.role})` : (workspace ?? '-'),
        workspaces: me.workspaces.map((item) => `${item.slug} (${item.role})`),
      });
    });

  const token = program
    .command('token')
    .description('Manage your CLI tokens (for scripts and CI)')
    .addHelpText(
      'after',
      `
Examples:
  $ crewship token list
  $ crewship token create --name ci --expires-in-days 30
  $ crewship token revoke 01J...`,
    );

  const tokenColumns = (currentId: string) => [
    { header: 'ID', value: (row: Token) => row.id },
    { header: 'NAME', value: (row: Token) => row.name },
    { header: 'KIND', value: (row: Token) => row.kind },
    { header: 'CREATED', value: (row: Token) => row.created_at },
    { header: 'LAST USED', value: (row: Token) => row.last_used_at },
    { header: 'EXPIRES', value: (row: Token) => row.expires_at ?? 'never' },
    { header: 'CURRENT', value: (row: Token) => (row.current || row.id === currentId ? '*' : '') },
  ];

  token
    .command('list')
    .description('List your active sessions and CLI tokens (their values are never shown again)')
    .action(async (_options, command: Command) => {
      const { api, state } = signedInClient(context, command);
      const tokens = await api.tokens.list();
      if (wantsJson(command)) return out.json(tokens);
      out.table(tokens, tokenColumns(state.token_id), 'No tokens.');
    });

  token
    .command('create')
    .description('Create a CLI token; its value is printed once')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--expires-in-days <days>', 'expire after this many days (default: never)', parseInteger)
    .action(async (options, command: Command) => {
      const { api } = signedInClient(context, command);
      const created = await api.tokens.create({ name: options.name, expires_in_days: options.expiresInDays });
      if (wantsJson(command)) return out.json(created);
      out.record({
        id: created.id,
        name: created.name,
        expires_at: created.expires_at ?? 'never',
        token: created.token,
      });
      context.io.stderr('Store the token now: it is shown only this once.\n');
    });

  token
    .command('revoke')
    .description('Revoke one of your tokens or sessions')
    .argument('<id>', 'token id (see `crewship token list`)')
    .action(async (id: string, _options, command: Command) => {
      const { api, state } = signedInClient(context, command);
      await api.tokens.revoke(id);
      const wasThisLogin = id === state.token_id;
      if (wasThisLogin) context.login.remove();
      if (wantsJson(command)) return out.json({ revoked: true, id, logged_out: wasThisLogin });
      out.line(`Revoked token ${id}.${wasThisLogin ? ' It was the token of this login: logged out.' : ''}`);
    });

  const user = program.command('user').description('Manage user accounts (Owner or Admin)');
  user
    .command('create')
    .description('Create a user account and add it to the current workspace')
    .requiredOption('--email <email>', 'email of the new user')
    .option('--password-stdin', 'read the new user’s password (at least 12 characters) from stdin')
    .option('--name <name>', 'display name')
    .option('--role <role>', 'role in the workspace: OWNER, ADMIN, MANAGER, MEMBER or VIEWER', 'MEMBER')
    .addHelpText(
      'after',
      `
Example:
  $ printf '%s\\n' "$PASSWORD" | crewship user create --email bob@example.com --role MANAGER --password-stdin`,
    )
    .action(async (options, command: Command) => {
      const { api } = signedInClient(context, command);
      const password = await readPassword(
        context,
        options.passwordStdin,
        'crewship user create --email bob@example.com',
      );
      const member = await api.users.create({
        email: options.email,
        password,
        name: options.name,
        role: upperConstant(options.role) as Role,
      });
      if (wantsJson(command)) return out.json(member);
      out.record(member);
    });
}
