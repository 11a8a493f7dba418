import { AGENT_TOOLS, type AgentTool, type AgentToolName } from '@crewship/contracts';
import type { Command } from 'commander';
import { type CliContext, signedInClient, wantsJson } from '../context.js';

/** `crewship tools list|install`: agent CLIs installed by the server from npm. */
export function registerToolsCommands(program: Command, context: CliContext): void {
  const { out, io } = context;
  const tools = program
    .command('tools')
    .description('Agent CLIs the server installs from npm and mounts into crew containers at /opt/crewship')
    .addHelpText(
      'after',
      `
Examples:
  $ crewship tools list
  $ crewship tools install ${AGENT_TOOLS.join(' ')}`,
    );

  const table = (rows: readonly AgentTool[]) =>
    out.table(
      rows,
      [
        { header: 'TOOL', value: (row: AgentTool) => row.name },
        { header: 'VERSION', value: (row: AgentTool) => row.version },
        { header: 'INSTALLED', value: (row: AgentTool) => (row.installed ? 'yes' : 'no') },
        { header: 'COMMAND', value: (row: AgentTool) => row.binary },
        { header: 'PACKAGE', value: (row: AgentTool) => row.package },
        { header: 'INSTALLED AT', value: (row: AgentTool) => row.installed_at },
      ],
      'No agent tools are known to this server.',
    );

  tools
    .command('list')
    .description('Every agent CLI with its pinned version and whether it is installed')
    .action(async (_options, command: Command) => {
      const { api } = signedInClient(context, command);
      const list = await api.tools.list();
      if (wantsJson(command)) return out.json(list);
      table(list);
    });

  tools
    .command('install')
    .description(`Install agent CLIs at their pinned versions (Admin): ${AGENT_TOOLS.join(', ')}`)
    .argument('<tool...>', 'tools to install')
    .action(async (names: string[], _options, command: Command) => {
      const { api } = signedInClient(context, command);
      const json = wantsJson(command);
      const install = await api.tools.install(names as AgentToolName[]);
      for await (const line of install) {
        // Progress goes to stderr with --json so stdout stays one JSON document.
        if (json) io.stderr(`${line}\n`);
        else out.line(line);
      }
      const installed = await install.result;
      if (json) return out.json(installed);
      table(installed);
    });
}
