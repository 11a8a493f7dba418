import {
  type CreateCrewRequest,
  type Crew,
  DEFAULT_RUNTIME_IMAGE,
  NETWORK_MODES,
  type NetworkMode,
} from '@crewship/contracts';
import type { Command } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';
import { collect, confirmed, lowerConstant, parseInteger, parseNumber } from '../option-parsers.js';
import { registerCrewContainerCommands } from './crew-container.js';

interface CrewOptions {
  slug?: string;
  description?: string;
  image?: string;
  network?: string;
  allowDomain?: string[];
  memoryMb?: number;
  cpus?: number;
}

function withCrewOptions(command: Command, creating: boolean): Command {
  return command
    .option('--slug <slug>', creating ? 'URL-safe short name (default: derived from the name)' : 'new slug')
    .option('--description <text>', 'what the crew is for')
    .option('--image <image>', `container image${creating ? ` (default ${DEFAULT_RUNTIME_IMAGE})` : ''}`)
    .option(
      '--network <mode>',
      `network mode: ${NETWORK_MODES.join(' | ')}${creating ? ' (default restricted: only allowed domains)' : ''}`,
    )
    .option(
      '--allow-domain <domain>',
      `domain the crew may reach, e.g. github.com or *.npmjs.org; repeat for more${creating ? '' : ' (replaces the list)'}`,
      collect,
    )
    .option('--memory-mb <mb>', `memory limit in MB${creating ? ' (default 2048)' : ''}`, parseInteger)
    .option('--cpus <cpus>', `CPU limit, e.g. 1.5${creating ? ' (default 2)' : ''}`, parseNumber);
}

function crewFields(options: CrewOptions): Omit<CreateCrewRequest, 'name'> {
  return {
    slug: options.slug,
    description: options.description,
    runtime_image: options.image,
    network_mode: options.network === undefined ? undefined : (lowerConstant(options.network) as NetworkMode),
    allowed_domains: options.allowDomain,
    memory_mb: options.memoryMb,
    cpus: options.cpus,
  };
}

export function registerCrewCommands(program: Command, context: CliContext): void {
  const { out } = context;
  const crew = program
    .command('crew')
    .description('Manage crews: a shared container and the agents that work in it')
    .addHelpText(
      'after',
      `
Examples:
  $ crewship crew create "Web team" --network restricted --allow-domain github.com --allow-domain registry.npmjs.org
  $ crewship crew list
  $ crewship crew update web-team --memory-mb 4096 --cpus 4
  $ crewship crew delete web-team --yes
  $ crewship crew start web-team && crewship crew status web-team
  $ crewship crew exec web-team -- ls -la /output
  $ crewship crew stop web-team`,
    );

  withCrewOptions(
    crew.command('create').description('Create a crew (Manager)').argument('<name>', 'crew name'),
    true,
  ).action(async (name: string, options: CrewOptions, command: Command) => {
    const { api } = signedInClient(context, command);
    const created = await api.crews.create({ name, ...crewFields(options) });
    if (wantsJson(command)) return out.json(created);
    out.record(created);
  });

  crew
    .command('list')
    .description('List the crews of the current workspace')
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const crews = await api.crews.list();
      if (wantsJson(command)) return out.json(crews);
      out.table(
        crews,
        [
          { header: 'SLUG', value: (row: Crew) => row.slug },
          { header: 'NAME', value: (row: Crew) => row.name },
          { header: 'NETWORK', value: (row: Crew) => row.network_mode },
          { header: 'IMAGE', value: (row: Crew) => row.runtime_image },
          { header: 'MEMORY MB', value: (row: Crew) => row.memory_mb },
          { header: 'CPUS', value: (row: Crew) => row.cpus },
          { header: 'ID', value: (row: Crew) => row.id },
        ],
        'No crews yet. Create one with `crewship crew create NAME`.',
      );
    });

  crew
    .command('get')
    .description('Show a crew')
    .argument('<ref>', 'crew id or slug')
    .action(async (reference: string, _options, command: Command) => {
      const { api } = signedInClient(context, command);
      const found = await api.crews.get(reference);
      if (wantsJson(command)) return out.json(found);
      out.record(found);
    });

  withCrewOptions(
    crew
      .command('update')
      .description('Change a crew (Manager)')
      .argument('<ref>', 'crew id or slug')
      .option('--name <name>', 'new name'),
    false,
  ).action(async (reference: string, options: CrewOptions & { name?: string }, command: Command) => {
    const { api } = signedInClient(context, command);
    const updated = await api.crews.update(reference, { name: options.name, ...crewFields(options) });
    if (wantsJson(command)) return out.json(updated);
    out.record(updated);
  });

  crew
    .command('delete')
    .description('Delete a crew and its agents (Admin)')
    .argument('<ref>', 'crew id or slug')
    .option('--yes', 'confirm the deletion')
    .action(async (reference: string, options: { yes?: boolean }, command: Command) => {
      confirmed(options.yes, `crew ${reference} and its agents`, `crewship crew delete ${reference}`);
      const { api } = signedInClient(context, command);
      await api.crews.delete(reference);
      if (wantsJson(command)) return out.json({ deleted: true, crew: reference });
      out.line(`Deleted crew ${reference}.`);
    });

  registerCrewContainerCommands(crew, context);
}
