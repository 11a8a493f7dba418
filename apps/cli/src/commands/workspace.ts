import { CrewshipError, type Member, ROLES, type Role, type Workspace } from '@crewship/contracts';
import type { Command } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';
import { confirmed, upperConstant } from '../option-parsers.js';

const ROLE_LIST = ROLES.join(', ');

export function registerWorkspaceCommands(program: Command, context: CliContext): void {
  const { out } = context;
  const workspace = program
    .command('workspace')
    .description('Manage workspaces and their members')
    .addHelpText(
      'after',
      `
Most commands act in one workspace: --workspace REF, else CREWSHIP_WORKSPACE, else the one chosen
with \`crewship workspace use\`, else your first workspace.

Examples:
  $ crewship workspace create "Research" --slug research
  $ crewship workspace use research
  $ crewship workspace member add --email bob@example.com --role MANAGER`,
    );

  workspace
    .command('list')
    .description('List the workspaces you belong to (* marks the current one)')
    .action(async (_options, command: Command) => {
      const { api, workspace: selected } = signedInClient(context, command);
      const items = await api.workspaces.list();
      if (wantsJson(command)) return out.json(items);
      const current =
        selected === undefined
          ? items[0]
          : items.find((item) => item.id === selected || item.slug === selected);
      out.table(
        items,
        [
          { header: 'CURRENT', value: (row: Workspace) => (row === current ? '*' : '') },
          { header: 'SLUG', value: (row: Workspace) => row.slug },
          { header: 'NAME', value: (row: Workspace) => row.name },
          { header: 'ROLE', value: (row: Workspace) => row.role },
          { header: 'ID', value: (row: Workspace) => row.id },
        ],
        'No workspaces.',
      );
    });

  workspace
    .command('create')
    .description('Create a workspace; you become its Owner')
    .argument('<name>', 'workspace name')
    .option('--slug <slug>', 'URL-safe short name (default: derived from the name)')
    .action(async (name: string, options, command: Command) => {
      const { api } = signedInClient(context, command);
      const created = await api.workspaces.create({ name, slug: options.slug });
      if (wantsJson(command)) return out.json(created);
      out.record(created);
    });

  workspace
    .command('get')
    .description('Show a workspace (default: the current one)')
    .argument('[ref]', 'workspace id or slug')
    .action(async (reference: string | undefined, _options, command: Command) => {
      const { api, workspace: selected } = signedInClient(context, command);
      const target = reference ?? selected ?? (await api.workspaces.list())[0]?.id;
      if (target === undefined) throw new CrewshipError('not_found', 'you are not a member of any workspace');
      const found = await api.workspaces.get(target);
      if (wantsJson(command)) return out.json(found);
      out.record(found);
    });

  workspace
    .command('update')
    .description('Rename a workspace or change its slug (Admin)')
    .argument('<ref>', 'workspace id or slug')
    .option('--name <name>', 'new name')
    .option('--slug <slug>', 'new slug')
    .action(async (reference: string, options, command: Command) => {
      const { api } = signedInClient(context, command);
      const updated = await api.workspaces.update(reference, { name: options.name, slug: options.slug });
      if (wantsJson(command)) return out.json(updated);
      out.record(updated);
    });

  workspace
    .command('delete')
    .description('Delete a workspace with all its crews and agents (Owner)')
    .argument('<ref>', 'workspace id or slug')
    .option('--yes', 'confirm the deletion')
    .action(async (reference: string, options, command: Command) => {
      confirmed(options.yes, `workspace ${reference}`, `crewship workspace delete ${reference}`);
      const { api, state } = signedInClient(context, command);
      const target = await api.workspaces.get(reference);
      await api.workspaces.delete(target.id);
      if (state.workspace === target.id) context.login.write({ ...state, workspace: null });
      if (wantsJson(command)) return out.json({ deleted: true, id: target.id, slug: target.slug });
      out.line(`Deleted workspace ${target.slug}.`);
    });

  workspace
    .command('use')
    .description('Make a workspace the default for later commands (saved in cli.json)')
    .argument('<ref>', 'workspace id or slug')
    .action(async (reference: string, _options, command: Command) => {
      const { api, state } = signedInClient(context, command);
      const target = await api.workspaces.get(reference);
      context.login.write({ ...state, workspace: target.id });
      if (wantsJson(command)) return out.json(target);
      out.line(`Now using workspace ${target.slug} (${target.name}) as ${target.role}.`);
    });

  const member = workspace
    .command('member')
    .description('Manage the members of the current workspace')
    .addHelpText(
      'after',
      `
Roles, strongest first: ${ROLE_LIST}.

Examples:
  $ crewship workspace member list
  $ crewship --workspace research workspace member add --email bob@example.com --role MEMBER
  $ crewship workspace member set-role 01J... MANAGER`,
    );

  member
    .command('list')
    .description('List the members of the current workspace')
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const members = await api.members.list();
      if (wantsJson(command)) return out.json(members);
      out.table(
        members,
        [
          { header: 'USER ID', value: (row: Member) => row.user_id },
          { header: 'EMAIL', value: (row: Member) => row.email },
          { header: 'NAME', value: (row: Member) => row.name },
          { header: 'ROLE', value: (row: Member) => row.role },
          { header: 'SINCE', value: (row: Member) => row.created_at },
        ],
        'No members.',
      );
    });

  member
    .command('add')
    .description('Add an existing user to the current workspace (Admin)')
    .requiredOption('--email <email>', 'the user’s email')
    .requiredOption('--role <role>', `one of ${ROLE_LIST}`)
    .action(async (options, command: Command) => {
      const { api } = signedInClient(context, command);
      const added = await api.members.add({
        email: options.email,
        role: upperConstant(options.role) as Role,
      });
      if (wantsJson(command)) return out.json(added);
      out.record(added);
    });

  member
    .command('set-role')
    .description('Change a member’s role (Admin; never above your own)')
    .argument('<user-id>', 'the member’s user id (see `crewship workspace member list`)')
    .argument('<role>', `one of ${ROLE_LIST}`)
    .action(async (userId: string, role: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      const updated = await api.members.update(userId, { role: upperConstant(role) as Role });
      if (wantsJson(command)) return out.json(updated);
      out.record(updated);
    });

  member
    .command('remove')
    .description('Remove a member from the current workspace (Admin; the last Owner stays)')
    .argument('<user-id>', 'the member’s user id')
    .action(async (userId: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      await api.members.remove(userId);
      if (wantsJson(command)) return out.json({ removed: true, user_id: userId });
      out.line(`Removed ${userId} from the workspace.`);
    });
}
