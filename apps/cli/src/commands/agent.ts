import { readFileSync } from 'node:fs';
import {
  AGENT_ROLES,
  type Agent,
  type AgentFile,
  type AgentRole,
  CLI_ADAPTERS,
  type CliAdapter,
  CrewshipError,
  TOOL_PROFILES,
  type ToolProfile,
  type UpdateAgentRequest,
} from '@crewship/contracts';
import type { Command } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';
import { confirmed, upperConstant } from '../option-parsers.js';

interface AgentOptions {
  crew?: string;
  name?: string;
  slug?: string;
  role?: string;
  adapter?: string;
  model?: string;
  persona?: string;
  personaFile?: string;
  toolProfile?: string;
}

function withAgentOptions(command: Command, creating: boolean): Command {
  return command
    .option('--slug <slug>', creating ? 'URL-safe short name (default: derived from the name)' : 'new slug')
    .option('--role <role>', `${AGENT_ROLES.join(' | ')}${creating ? ' (default MEMBER)' : ''}`)
    .option(
      '--adapter <adapter>',
      `agent CLI: ${CLI_ADAPTERS.join(' | ')}${creating ? ' (default CLAUDE_CODE)' : ''}`,
    )
    .option('--model <model>', 'model name passed to the agent CLI (default: the CLI’s own default)')
    .option('--persona <text>', 'persona: who the agent is and how it works')
    .option('--persona-file <file>', 'read the persona from a file (- for stdin)')
    .option('--tool-profile <profile>', `${TOOL_PROFILES.join(' | ')}${creating ? ' (default CODING)' : ''}`);
}

async function agentFields(context: CliContext, options: AgentOptions): Promise<UpdateAgentRequest> {
  if (options.persona !== undefined && options.personaFile !== undefined) {
    throw new CrewshipError('invalid_input', 'give either --persona or --persona-file, not both');
  }
  let persona = options.persona;
  if (options.personaFile !== undefined) {
    try {
      persona =
        options.personaFile === '-'
          ? await context.io.readStdin()
          : readFileSync(options.personaFile, 'utf8');
    } catch (error) {
      throw new CrewshipError(
        'invalid_input',
        `cannot read --persona-file ${options.personaFile}: ${(error as Error).message}`,
      );
    }
  }
  return {
    crew: options.crew,
    name: options.name,
    slug: options.slug,
    role: options.role === undefined ? undefined : (upperConstant(options.role) as AgentRole),
    cli_adapter: options.adapter === undefined ? undefined : (upperConstant(options.adapter) as CliAdapter),
    model: options.model,
    persona,
    tool_profile:
      options.toolProfile === undefined ? undefined : (upperConstant(options.toolProfile) as ToolProfile),
  };
}

export function registerAgentCommands(program: Command, context: CliContext): void {
  const { out } = context;
  const agent = program
    .command('agent')
    .description('Manage agents: one agent CLI with a persona, working in a crew')
    .addHelpText(
      'after',
      `
Examples:
  $ crewship agent create "Reviewer" --crew web-team --role LEAD --adapter CLAUDE_CODE --persona-file reviewer.md
  $ crewship agent list --crew web-team
  $ crewship agent update reviewer --model claude-sonnet-4-5 --tool-profile FULL
  $ crewship agent delete reviewer --yes
  $ crewship agent files reviewer
  $ crewship agent files reviewer reports/summary.md > summary.md`,
    );

  withAgentOptions(
    agent
      .command('create')
      .description('Create an agent in a crew (Manager)')
      .argument('<name>', 'agent name')
      .requiredOption('--crew <ref>', 'crew id or slug'),
    true,
  ).action(async (name: string, options: AgentOptions, command: Command) => {
    const { api } = signedInClient(context, command);
    const fields = await agentFields(context, options);
    const created = await api.agents.create({ ...fields, name, crew: options.crew ?? '' });
    if (wantsJson(command)) return out.json(created);
    out.record(created);
  });

  agent
    .command('list')
    .description('List the agents of the current workspace')
    .option('--crew <ref>', 'only the agents of this crew')
    .action(async (options: { crew?: string }, command: Command) => {
      const { api } = signedInClient(context, command);
      const agents = await api.agents.list({ crew: options.crew });
      if (wantsJson(command)) return out.json(agents);
      out.table(
        agents,
        [
          { header: 'SLUG', value: (row: Agent) => row.slug },
          { header: 'NAME', value: (row: Agent) => row.name },
          { header: 'CREW', value: (row: Agent) => row.crew_slug },
          { header: 'ROLE', value: (row: Agent) => row.role },
          { header: 'ADAPTER', value: (row: Agent) => row.cli_adapter },
          { header: 'MODEL', value: (row: Agent) => row.model },
          { header: 'TOOLS', value: (row: Agent) => row.tool_profile },
          { header: 'ID', value: (row: Agent) => row.id },
        ],
        'No agents yet. Create one with `crewship agent create NAME --crew CREW`.',
      );
    });

  agent
    .command('get')
    .description('Show an agent')
    .argument('<ref>', 'agent id or slug')
    .action(async (reference: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      const found = await api.agents.get(reference);
      if (wantsJson(command)) return out.json(found);
      out.record(found);
    });

  withAgentOptions(
    agent
      .command('update')
      .description('Change an agent (Manager)')
      .argument('<ref>', 'agent id or slug')
      .option('--name <name>', 'new name')
      .option('--crew <ref>', 'move the agent to another crew'),
    false,
  ).action(async (reference: string, options: AgentOptions, command: Command) => {
    const { api } = signedInClient(context, command);
    const updated = await api.agents.update(reference, await agentFields(context, options));
    if (wantsJson(command)) return out.json(updated);
    out.record(updated);
  });

  agent
    .command('delete')
    .description('Delete an agent (Manager)')
    .argument('<ref>', 'agent id or slug')
    .option('--yes', 'confirm the deletion')
    .action(async (reference: string, options: { yes?: boolean }, command: Command) => {
      confirmed(options.yes, `agent ${reference}`, `crewship agent delete ${reference}`);
      const { api } = signedInClient(context, command);
      await api.agents.delete(reference);
      if (wantsJson(command)) return out.json({ deleted: true, agent: reference });
      out.line(`Deleted agent ${reference}.`);
    });

  agent
    .command('files')
    .description("List the files in an agent's output directory (/output/{slug}), or print one")
    .argument('<ref>', 'agent id or slug')
    .argument('[path]', 'a file to print, relative to the output directory (raw bytes on stdout)')
    .action(async (reference: string, path: string | undefined, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      if (path !== undefined) {
        context.io.stdout(await api.agents.fileContent(reference, path));
        return;
      }
      const listing = await api.agents.files(reference);
      if (wantsJson(command)) return out.json(listing);
      out.table(
        listing.items,
        [
          { header: 'PATH', value: (row: AgentFile) => row.path },
          { header: 'SIZE', value: (row: AgentFile) => row.size },
          { header: 'MODIFIED', value: (row: AgentFile) => row.modified_at },
        ],
        `No files yet in the output directory of ${reference}.`,
      );
      if (listing.truncated) out.line(`(only the first ${listing.items.length} files are listed)`);
    });
}
