import {
  type Agent,
  CREDENTIAL_PROVIDERS,
  CREDENTIAL_TYPES,
  type Credential,
  type CredentialProvider,
  type CredentialType,
  CrewshipError,
} from '@crewship/contracts';
import type { CrewshipClient } from '@crewship/sdk';
import { type Command, Option } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';
import { confirmed, lowerConstant, parseInteger, upperConstant } from '../option-parsers.js';

/** What the server accepts as a path parameter; other references (names with spaces) are looked up. */
const PATH_REFERENCE = /^[A-Za-z0-9_-]{1,64}$/;

const STDIN_EXAMPLE = `printf '%s' "$ANTHROPIC_API_KEY" | crewship credential create --name anthropic-main --provider anthropic --value-stdin`;

/** Refuses a value given as an argument: it would stay in shell history and in `ps` output. */
function refuseInlineValue(value: unknown): void {
  if (value !== undefined) {
    throw new CrewshipError(
      'invalid_input',
      `refusing a credential value on the command line (it would stay in shell history and process lists); pipe it on stdin with --value-stdin: ${STDIN_EXAMPLE}`,
    );
  }
}

async function readValue(context: CliContext, valueStdin: boolean | undefined): Promise<string> {
  if (!valueStdin) {
    throw new CrewshipError('invalid_input', `the value is read from stdin only: ${STDIN_EXAMPLE}`);
  }
  const value = (await context.io.readStdin()).replace(/\r?\n$/, '');
  if (value.trim().length === 0) {
    throw new CrewshipError('invalid_input', `no value on stdin: ${STDIN_EXAMPLE}`);
  }
  return value;
}

/** Ids stay ids; a name the server cannot take in a path ("My key") is found in the list. */
async function credentialId(api: CrewshipClient, reference: string): Promise<string> {
  if (PATH_REFERENCE.test(reference)) return reference;
  const found = (await api.credentials.list()).find((credential) => credential.name === reference);
  if (!found) throw new CrewshipError('not_found', `credential "${reference}" not found`);
  return found.id;
}

async function agentSlugs(api: CrewshipClient): Promise<Map<string, string>> {
  return new Map((await api.agents.list()).map((agent: Agent) => [agent.id, agent.slug]));
}

function humanRecord(credential: Credential, slugs: Map<string, string>) {
  const { agent_ids: agentIds, ...rest } = credential;
  return { ...rest, agents: agentIds.map((id) => slugs.get(id) ?? id) };
}

function valueOption(): Option {
  return new Option('--value <value>', 'refused: pass the value on stdin with --value-stdin').hideHelp();
}

export function registerCredentialCommands(program: Command, context: CliContext): void {
  const { out } = context;
  const credential = program
    .command('credential')
    .description('Manage provider credentials: API keys and tokens the server injects into agent calls')
    .addHelpText(
      'after',
      `
Values are encrypted at rest (AES-256-GCM) and never shown again: only their last 4 characters.
They are read from stdin only, never from the command line, so they stay out of shell history.

Selection: for each call an agent makes, the server takes the credentials assigned to that agent for
the provider (or, when it has none, the workspace's unassigned ones), skips those cooling down after a
401/429, takes the highest priority and rotates among equal priorities.

Examples:
  $ ${STDIN_EXAMPLE}
  $ crewship credential create --name openai-backup --provider openai --priority -1 --value-stdin < key.txt
  $ crewship credential list
  $ crewship credential assign anthropic-main --agent reviewer --agent writer
  $ printf '%s' "$NEW_KEY" | crewship credential rotate anthropic-main --value-stdin
  $ crewship credential delete openai-backup --yes`,
    );

  credential
    .command('create')
    .description('Store a credential (Admin); the value is read from stdin')
    .requiredOption('--name <name>', 'unique name in the workspace, e.g. anthropic-main')
    .requiredOption('--provider <provider>', `provider: ${CREDENTIAL_PROVIDERS.join(' | ')}`)
    .option('--type <type>', `${CREDENTIAL_TYPES.join(' | ')} (default API_KEY)`)
    .option(
      '--priority <n>',
      'higher is used first; equals take turns (default 0, -1000 to 1000)',
      parseInteger,
    )
    .option('--value-stdin', 'read the value from stdin (required)')
    .addOption(valueOption())
    .action(async (options, command: Command) => {
      refuseInlineValue(options.value);
      const value = await readValue(context, options.valueStdin);
      const { api } = signedInClient(context, command);
      const created = await api.credentials.create({
        name: options.name,
        provider: lowerConstant(options.provider) as CredentialProvider,
        type: options.type === undefined ? undefined : (upperConstant(options.type) as CredentialType),
        priority: options.priority,
        value,
      });
      if (wantsJson(command)) return out.json(created);
      out.record(humanRecord(created, new Map()));
    });

  credential
    .command('list')
    .description('List the credentials of the current workspace (no values, only last4)')
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const credentials = await api.credentials.list();
      if (wantsJson(command)) return out.json(credentials);
      const slugs = credentials.some((item) => item.agent_ids.length > 0) ? await agentSlugs(api) : new Map();
      out.table(
        credentials,
        [
          { header: 'NAME', value: (row: Credential) => row.name },
          { header: 'PROVIDER', value: (row: Credential) => row.provider },
          { header: 'TYPE', value: (row: Credential) => row.type },
          { header: 'PRIORITY', value: (row: Credential) => row.priority },
          { header: 'LAST4', value: (row: Credential) => row.last4 || '-' },
          {
            header: 'AGENTS',
            value: (row: Credential) =>
              row.agent_ids.length === 0
                ? '(unassigned)'
                : row.agent_ids.map((id) => slugs.get(id) ?? id).join(','),
          },
          { header: 'COOLDOWN UNTIL', value: (row: Credential) => row.cooldown_until },
          { header: 'ID', value: (row: Credential) => row.id },
        ],
        `No credentials yet. Add one with \`${STDIN_EXAMPLE}\`.`,
      );
    });

  credential
    .command('get')
    .description('Show a credential (no value, only last4)')
    .argument('<ref>', 'credential id or name')
    .action(async (reference: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      const found = await api.credentials.get(await credentialId(api, reference));
      if (wantsJson(command)) return out.json(found);
      out.record(humanRecord(found, await agentSlugs(api)));
    });

  credential
    .command('update')
    .description('Rename a credential or change its priority (Admin)')
    .argument('<ref>', 'credential id or name')
    .option('--name <name>', 'new name')
    .option('--priority <n>', 'new priority (-1000 to 1000)', parseInteger)
    .action(async (reference: string, options: { name?: string; priority?: number }, command: Command) => {
      const { api } = signedInClient(context, command);
      const updated = await api.credentials.update(await credentialId(api, reference), {
        name: options.name,
        priority: options.priority,
      });
      if (wantsJson(command)) return out.json(updated);
      out.record(humanRecord(updated, await agentSlugs(api)));
    });

  for (const [verb, description] of [
    ['assign', 'Let agents use a credential (Admin); assigned agents use it before unassigned ones'],
    ['unassign', 'Stop agents from using a credential (Admin)'],
  ] as const) {
    credential
      .command(verb)
      .description(description)
      .argument('<ref>', 'credential id or name')
      .requiredOption('--agent <refs...>', 'agent slugs or ids; repeat the flag or list several')
      .action(async (reference: string, options: { agent: string[] }, command: Command) => {
        const { api } = signedInClient(context, command);
        const id = await credentialId(api, reference);
        const changed = await api.credentials[verb](id, options.agent);
        if (wantsJson(command)) return out.json(changed);
        out.record(humanRecord(changed, await agentSlugs(api)));
      });
  }

  credential
    .command('rotate')
    .description('Replace the value of a credential (Admin); the new value is read from stdin')
    .argument('<ref>', 'credential id or name')
    .option('--value-stdin', 'read the new value from stdin (required)')
    .addOption(valueOption())
    .action(
      async (reference: string, options: { valueStdin?: boolean; value?: string }, command: Command) => {
        refuseInlineValue(options.value);
        const value = await readValue(context, options.valueStdin);
        const { api } = signedInClient(context, command);
        const rotated = await api.credentials.rotate(await credentialId(api, reference), value);
        if (wantsJson(command)) return out.json(rotated);
        out.record(humanRecord(rotated, await agentSlugs(api)));
      },
    );

  credential
    .command('delete')
    .description('Delete a credential and its assignments (Admin)')
    .argument('<ref>', 'credential id or name')
    .option('--yes', 'confirm the deletion')
    .action(async (reference: string, options: { yes?: boolean }, command: Command) => {
      confirmed(options.yes, `credential ${reference}`, `crewship credential delete ${reference}`);
      const { api } = signedInClient(context, command);
      await api.credentials.delete(await credentialId(api, reference));
      if (wantsJson(command)) return out.json({ deleted: true, credential: reference });
      out.line(`Deleted credential ${reference}.`);
    });
}
